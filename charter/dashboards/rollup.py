"""Rebuild the dashboard's monthly table from the facts (decision 0011).

The table is derived data, never a fact: ``rebuild()`` drops it and counts it again from members'
status changes, transfers and meetings, and notes how far it got (``Build``). Pages add whatever
happened after those marks live, so a stale table only makes pages slower, never wrong (except the
branch states of the months between the build and this month; see ``queries.py``). Run it from
cron or after a bulk import: ``python manage.py dashboards rebuild``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter

from django.db import connection, transaction
from django.db.models import Max

from charter.dashboards import facts
from charter.dashboards.models import Build, MonthlyCount
from charter.lib import clock
from charter.members.models import StatusChange, Transfer
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on

MEETINGS_SETTLE = dt.timedelta(
    days=7
)  # attendance is recorded on the day; leave a week to the live part


def rules_for_dashboard(on: dt.date, rb: Rulebook | None = None) -> tuple[str, int, int]:
    """(home level, its minimum size, days allowed to decide an application) from the rulebook."""
    rb = rb or rulebook_on(on)
    membership = rb.section("membership")
    home = str(membership.get("home_level", rb.levels[-1]["key"]))
    level = next((lvl for lvl in rb.levels if lvl["key"] == home), {})
    return (
        home,
        int(level.get("min_members", 0) or 0),
        int((membership.get("admission") or {}).get("within_days", 0) or 0),
    )


def rebuild(*, batch: int = 20000) -> int:
    """Count everything again, one unit below the top at a time (bounded memory); returns the rows written."""
    now = clock.now()
    today = now.date()
    home, min_members, within_days = rules_for_dashboard(today)
    written = 0
    with transaction.atomic():
        sc_max = StatusChange.objects.aggregate(m=Max("id"))["m"] or 0
        tr_max = Transfer.objects.aggregate(m=Max("id"))["m"] or 0
        meetings_before = now - MEETINGS_SETTLE
        marks = {
            "status_change_upto": sc_max,
            "transfer_upto": tr_max,
            "meetings_before": meetings_before,
            "within_days": within_days,
        }
        tree = facts.Tree.load()
        MonthlyCount.objects.all().delete()
        top: Counter[tuple[int, dt.date, str]] = Counter()
        for root in [u for u in tree.units.values() if u.parent_id is None]:
            # The top unit's own meetings; everything else of the top is the sum of the units below it.
            own = facts.count_flows(tree, within=root, only_meetings_of=root, **marks)
            top.update({k: n for k, n in own.items() if k[0] == root.pk})
            for child in tree.children(root.pk):
                counts = facts.count_flows(tree, within=child, **marks)
                counts.update(
                    facts.derive_states(
                        counts,
                        tree,
                        home_level=home,
                        min_members=min_members,
                        last_month=facts.month_of(today),
                        within=child,
                    )
                )
                for (unit_id, month, measure), n in counts.items():
                    if unit_id == child.pk:
                        top[(root.pk, month, measure)] += n
                written += _write(counts, batch)
            written += _write(top, batch)
        Build.objects.update_or_create(
            id=1,
            defaults={
                "built_at": now,
                "status_change_id": sc_max,
                "transfer_id": tr_max,
                "meetings_before": meetings_before,
            },
        )
    return written


def _write(counts: Counter[tuple[int, dt.date, str]], batch: int) -> int:
    rows = ((u, m, k, n) for (u, m, k), n in counts.items() if n)
    written = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(MonthlyCount._meta.db_table)
        with (
            connection.cursor() as cur,
            cur.copy(f"COPY {table} (unit_id, month, measure, n) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                written += 1
        return written
    while chunk := list(itertools.islice(rows, batch)):
        MonthlyCount.objects.bulk_create(
            [MonthlyCount(unit_id=u, month=m, measure=k, n=n) for u, m, k, n in chunk]
        )
        written += len(chunk)
    return written
