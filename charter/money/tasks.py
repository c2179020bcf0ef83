"""The worker's dues round: the written reminders the rules require, then the lapse.

:func:`check_dues` runs each round of the worker (``charter worker``; ``charter serve`` runs the same
loop). For every member out of good standing it sends the next reminder when the rules call for one
(never two on one day, and at least the rulebook's interval after the last), and records the lapse
once the arrears reach the rulebook's limit and the reminders have all been sent far enough apart.
The lapse itself is ``members.actions.lapse_member``, which asks the rulebook again: it is never a
disciplinary measure. It is idempotent: a second round on the same day does nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from charter.lib import clock
from charter.members.actions import lapse_member, send_dues_reminder
from charter.members.models import Member, Status, subtract_months
from charter.notices.models import Notice
from charter.rulebook.compute import arrears_months
from charter.rulebook.rosters import max_arrears
from charter.rulebook.store import rulebook_on

log = logging.getLogger("charter.money")


def spaced(dates: list[dt.date], gap: int) -> int:
    """How many of ``dates`` are at least ``gap`` days after the one counted before (as the judge counts)."""
    kept: list[dt.date] = []
    for d in sorted(set(dates)):
        if not kept or (d - kept[-1]).days >= gap:
            kept.append(d)
    return len(kept)


def next_step(
    *,
    paid_until: dt.date | None,
    on: dt.date,
    reminders: list[dt.date],
    good_standing_months: int,
    lapse: dict,
) -> str:  # type: ignore[type-arg]
    """'remind', 'lapse' or '' for one member on ``on`` (pure)."""
    owed = arrears_months(paid_until, on)
    if owed <= good_standing_months or not lapse:
        return ""
    needed = int(lapse.get("reminders", 0))
    gap = int(lapse.get("reminder_interval_days", 0))
    sent = spaced(reminders, gap)
    if sent >= needed:
        return "lapse" if owed >= int(lapse["after_arrears_months"]) else ""
    last = max(reminders) if reminders else None
    if last is None or (on - last).days >= max(gap, 1):
        return "remind"
    return ""


def check_dues() -> dict[str, int]:
    """One round: remind and lapse as the rules say. Returns how many of each."""
    today = clock.today()
    rb = rulebook_on(today)
    lapse = rb.section("membership").get("lapse") or {}
    counts = {"reminded": 0, "lapsed": 0}
    if not lapse:
        return counts
    good = max_arrears(rb)
    cutoff = subtract_months(today, good + 1)
    behind = list(
        Member.objects.filter(status=Status.MEMBER, dues_paid_until__lte=cutoff).values_list(
            "pk", "dues_paid_until"
        )
    )
    if not behind:
        return counts
    reminders: dict[int, list[dt.date]] = defaultdict(list)
    since = min(p for _pk, p in behind)
    ids = [pk for pk, _p in behind]
    for i in range(0, len(ids), 1000):
        rows = Notice.objects.filter(
            kind="dues_reminder",
            channel="inbox",
            member_id__in=ids[i : i + 1000],
            created_at__date__gte=since,
        )
        for member_id, at in rows.values_list("member_id", "created_at"):
            reminders[member_id].append(at.date())
    for pk, paid_until in behind:
        mine = [d for d in reminders.get(pk, []) if d >= paid_until]
        step = next_step(
            paid_until=paid_until, on=today, reminders=mine, good_standing_months=good, lapse=lapse
        )
        if not step:
            continue
        try:
            member = Member.objects.get(pk=pk)
            if step == "remind":
                send_dues_reminder(member)
                counts["reminded"] += 1
            else:
                lapse_member(member)
                counts["lapsed"] += 1
        except Exception:  # noqa: BLE001 - one member must not stop the others; the next round retries
            log.exception("dues step %s failed for member %s", step, pk)
    return counts
