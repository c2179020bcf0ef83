"""Rebuild the dashboard's monthly table from the facts (decision 0011).

The table is derived data, never a fact: ``rebuild()`` drops it and counts it again from members'
status changes, transfers and meetings, and notes how far it got (``Build``). Pages add whatever
happened after those marks live, so a stale table only makes pages slower, never wrong (except the
branch states of the months between the build and this month; see ``queries.py``). Run it from
cron or after a bulk import: ``python manage.py dashboards rebuild``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max

from charter.dashboards import facts
from charter.dashboards.models import Build, MonthlyCount
from charter.lib import clock
from charter.members.models import StatusChange, Transfer
from charter.rulebook.store import rulebook_on

MEETINGS_SETTLE = dt.timedelta(days=7)  # attendance is recorded on the day; leave a week to the live part


def rules_for_dashboard(on: dt.date) -> tuple[str, int, int]:
    """(home level, its minimum size, days allowed to decide an application) from the rulebook."""
    rb = rulebook_on(on)
    membership = rb.section("membership")
    home = str(membership.get("home_level", rb.levels[-1]["key"]))
    level = next((lvl for lvl in rb.levels if lvl["key"] == home), {})
    return home, int(level.get("min_members", 0) or 0), int((membership.get("admission") or {}).get("within_days", 0) or 0)


def rebuild(*, batch: int = 5000) -> int:
    """Count everything again; returns the number of rows written."""
    now = clock.now()
    today = now.date()
    home, min_members, within_days = rules_for_dashboard(today)
    with transaction.atomic():
        sc_max = StatusChange.objects.aggregate(m=Max("id"))["m"] or 0
        tr_max = Transfer.objects.aggregate(m=Max("id"))["m"] or 0
        meetings_before = now - MEETINGS_SETTLE
        tree = facts.Tree.load()
        counts = facts.count_flows(tree, status_change_upto=sc_max, transfer_upto=tr_max, meetings_before=meetings_before, within_days=within_days)
        counts.update(facts.derive_states(counts, tree, home_level=home, min_members=min_members, last_month=facts.month_of(today)))
        MonthlyCount.objects.all().delete()
        rows = [MonthlyCount(unit_id=u, month=m, measure=k, n=n) for (u, m, k), n in counts.items() if n]
        for i in range(0, len(rows), batch):
            MonthlyCount.objects.bulk_create(rows[i : i + batch])
        Build.objects.update_or_create(id=1, defaults={"built_at": now, "status_change_id": sc_max, "transfer_id": tr_max, "meetings_before": meetings_before})
    return len(rows)
