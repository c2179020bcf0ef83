"""What the measures in force do to a member: their status, and their seats and offices.

Rather than patching status and seats step by step, every action that changes a measure calls
:func:`bring_into_line`, which works out from the measures and interim suspensions in force what the
member's status and seats must be, and makes them so:

- an expulsion in force: *expelled*; while it can still be appealed, seats and offices are
  suspended, kept or vacated as ``discipline.appeal.offices_while_pending`` says; once final, ended;
- a suspension in force or an interim suspension: *suspended*, with every seat and office suspended;
- otherwise a *member*, with the seats the discipline suspended released, and those an expulsion
  ended given back when the expulsion is annulled (if the term still runs and the post is free).

Only called from actions, inside their transaction.
"""

from __future__ import annotations

from django.db.models import Q

from charter.discipline import rules
from charter.discipline.models import InterimSuspension, Measure
from charter.lib import clock
from charter.members.models import Member, Status, StatusChange
from charter.org.models import Mandate
from charter.rulebook.spec import Rulebook

ENDED_BY = "expelled (case %s)"


def _set_status(member: Member, status: str, *, reason: str, entry_index: int, force: bool) -> None:
    if member.status == status and not force:
        return
    today = clock.today()
    StatusChange.objects.create(member=member, on=today, status_from=member.status, status_to=status, reason=reason[:300], entry_index=entry_index)
    if member.status != status:
        member.status = status
        member.status_since = today
        member.save(update_fields=["status", "status_since"])


def _holders(member: Member) -> tuple[list[Measure], list[InterimSuspension]]:
    measures = list(Measure.objects.filter(member=member, state=Measure.State.IN_FORCE, kind__in=["suspension", "expulsion"]))
    interims = list(InterimSuspension.objects.filter(case__member=member, state=InterimSuspension.State.IN_FORCE))
    return measures, interims


def _held_by_discipline(member: Member) -> set[int]:
    """Seats the discipline has ever suspended for this member (so only those are released)."""
    held: set[int] = set()
    for ids in Measure.objects.filter(member=member).values_list("held_mandate_ids", flat=True):
        held.update(ids)
    for ids in InterimSuspension.objects.filter(case__member=member).values_list("held_mandate_ids", flat=True):
        held.update(ids)
    return held


def bring_into_line(member: Member, rb: Rulebook, *, reason: str, entry_index: int, force_status_change: bool = False) -> None:
    member = Member.objects.select_for_update().get(pk=member.pk)
    measures, interims = _holders(member)
    expulsion = next((m for m in measures if m.kind == Measure.Kind.EXPULSION), None)
    suspended: list[Measure | InterimSuspension] = [*interims, *(m for m in measures if m.kind == Measure.Kind.SUSPENSION)]
    if expulsion is not None:
        status = Status.EXPELLED
    elif suspended:
        status = Status.SUSPENDED
    else:
        status = Status.MEMBER
    _set_status(member, status, reason=reason, entry_index=entry_index, force=force_status_change)
    current = Mandate.objects.current().filter(member=member)
    if expulsion is not None and (expulsion.final_on is not None or rules.offices_while_pending(rb) == "vacated"):
        current.update(ended_on=clock.today(), end_reason=ENDED_BY % expulsion.case_id)
        return
    hold = bool(suspended) or (expulsion is not None and rules.offices_while_pending(rb) == "suspended")
    if not hold:
        _give_back_ended(member)
        current = Mandate.objects.current().filter(member=member)
        current.filter(suspended=True, pk__in=_held_by_discipline(member)).update(suspended=False)
        return
    _give_back_ended(member)
    rows = list(Mandate.objects.current().filter(member=member))
    Mandate.objects.filter(pk__in=[m.pk for m in rows]).update(suspended=True)
    holders: list[Measure | InterimSuspension] = [*([expulsion] if expulsion is not None else []), *suspended]
    for holder in holders:
        holder.held_mandate_ids = sorted(set(holder.held_mandate_ids) | {m.pk for m in rows})
        holder.save(update_fields=["held_mandate_ids"])


def _give_back_ended(member: Member) -> None:
    """Seats an expulsion ended come back when no expulsion is in force any more: only while their
    term runs, and an office only if nobody else holds it now."""
    today = clock.today()
    ended = Mandate.objects.filter(member=member, ended_on__isnull=False, end_reason__startswith="expelled (case ").filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    for mandate in ended:
        taken = Mandate.objects.filter(body=mandate.body, office=mandate.office, ended_on__isnull=True)
        taken = taken.exclude(office="") if mandate.office else taken.filter(member=member)
        if taken.exists():
            continue
        mandate.ended_on = None
        mandate.end_reason = ""
        mandate.save(update_fields=["ended_on", "end_reason"])
