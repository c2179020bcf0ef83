"""Opening and settling the deadlines of a case, from the facts that start them.

A deadline is opened by the act that starts its clock (the delivery of the charge starts the reply
period; the decision delivered starts the appeal window; the filing starts the appeal body's time)
and settled by the act that meets it. A duty met after its day is settled as missed, on the record.
"""

from __future__ import annotations

import datetime as dt

from charter.discipline.models import Case, Deadline
from charter.discipline.rules import Period
from charter.lib import clock
from charter.org.models import Body
from charter.record import log as record
from charter.rulebook import enforce


def open_deadline(case: Case, kind: str, *, due_on: dt.date, article: str, body: Body | None, entry_index: int) -> Deadline:
    """Open (or move, when the same kind is open) the deadline of ``kind`` in ``case``."""
    today = clock.today()
    row = Deadline.objects.select_for_update().filter(case=case, kind=kind, state=Deadline.State.OPEN).first()
    if row is not None:
        if row.due_on != due_on:
            row.due_on, row.warned_on = due_on, None
        row.body, row.article = body, article
        row.save(update_fields=["due_on", "warned_on", "body", "article"])
        return row
    return Deadline.objects.create(case=case, kind=kind, due_on=due_on, article=article, body=body, opened_on=today, entry_index=entry_index)


def open_period(case: Case, kind: str, *, start: dt.date, period: Period | None, body: Body | None, entry_index: int) -> Deadline | None:
    if period is None:
        return None
    return open_deadline(case, kind, due_on=start + dt.timedelta(days=period.days), article=period.article, body=body, entry_index=entry_index)


def settle(case: Case, *kinds: str) -> None:
    """The acts that meet these deadlines were done today: met if in time, otherwise missed."""
    today = clock.today()
    for row in Deadline.objects.select_for_update().filter(case=case, kind__in=kinds, state=Deadline.State.OPEN):
        if today <= row.due_on:
            row.state, row.closed_on = Deadline.State.MET, today
            row.save(update_fields=["state", "closed_on"])
        else:
            record_missed(row)


def drop(case: Case, *kinds: str) -> None:
    """Deadlines that no longer apply (a hearing before a body that will not decide): met as moot."""
    today = clock.today()
    Deadline.objects.filter(case=case, kind__in=kinds, state=Deadline.State.OPEN).update(state=Deadline.State.MET, closed_on=today)


def record_missed(row: Deadline) -> int:
    """Mark ``row`` missed and put the fact on the record (no names: the case, the kind, the day)."""
    today = clock.today()
    entry = record.append(
        "deadline_missed", "done", subjects=[row.case.member], articles=[row.article],
        detail=enforce.detail_for(body=row.body, case=row.case_id, deadline=row.kind, due_on=row.due_on.isoformat(), duty="body" if row.body_id else "member"),
    )
    row.state, row.closed_on, row.missed_entry_index = Deadline.State.MISSED, today, entry.index
    row.save(update_fields=["state", "closed_on", "missed_entry_index"])
    return entry.index
