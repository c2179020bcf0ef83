"""Disciplinary measures. Each is a decision of the body the rules name, after due process."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from charter.discipline.models import Case, Measure
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.meetings.models import Attendance
from charter.members.models import Member, Status, StatusChange
from charter.notices import outbox
from charter.org.models import Mandate
from charter.rulebook.enforce import Decision, consequential

ACT_FOR_MEASURE = {"warning": "warn_member", "suspension": "suspend_member", "expulsion": "expel_member"}


class InvalidMeasure(InvalidInput):
    pass


@consequential
def frame_charge(member: Member, *, decision: Decision, grounds: Iterable[str], facts: str, bringers: Iterable[Member] = ()) -> Case:
    grounds = list(grounds)
    text = _("Frame a charge against %(name)s") % {"name": member.number}
    rb = judge_decision("frame_charge", decision, text=text, target=member, grounds=grounds, facts={"facts": facts.strip()}, subjects=[member])
    case = Case.objects.create(member=member, framed_by=decision.body, grounds=grounds, facts=facts, opened_on=clock.today())
    case.bringers.set([decision.by, *bringers])
    entry = carried("frame_charge", decision, rb, text=text, subjects=[member], detail={"case": case.pk, "grounds": grounds})
    case.entry_index = entry.index
    case.save(update_fields=["entry_index"])
    return case


def _case_facts(case: Case | None, decision: Decision) -> dict:
    if case is None:
        return {}
    conflicted = 0
    if decision.meeting is not None:
        bringer_ids = set(case.bringers.values_list("pk", flat=True))
        conflicted = Attendance.objects.filter(meeting=decision.meeting, voting=True, member_id__in=bringer_ids).count()
    return {
        "charge_delivered_on": case.charge_delivered_on,
        "replied_on": case.replied_on,
        "hearing_offered": case.hearing_offered,
        "conflicted_voters": conflicted,
    }


@consequential
def decide_measure(
    member: Member,
    *,
    measure: str,
    decision: Decision,
    grounds: Iterable[str],
    case: Case | None = None,
    days: int | None = None,
) -> Measure:
    """Decide a warning, a suspension (for ``days``) or an expulsion."""
    if measure not in ACT_FOR_MEASURE:
        raise InvalidMeasure(_("Unknown measure %(m)s: choose warning, suspension or expulsion.") % {"m": measure})
    if measure == "suspension" and not days:
        raise InvalidMeasure(_("A suspension needs its length in days."))
    act = ACT_FOR_MEASURE[measure]
    grounds = list(grounds)
    member = Member.objects.select_for_update().get(pk=member.pk)
    text = _("Decide a %(measure)s against %(name)s") % {"measure": Measure.Kind(measure).label, "name": member.number}
    facts = {**_case_facts(case, decision), "days": days}
    rb = judge_decision(act, decision, text=text, target=member, grounds=grounds, facts=facts, subjects=[member], detail={"measure": measure, "grounds": grounds})
    today = clock.today()
    ends = today + dt.timedelta(days=days) if days else None
    row = Measure.objects.create(
        member=member, case=case, kind=measure, decided_by=decision.body, meeting=decision.meeting,
        grounds=grounds, reasons=decision.reasons, decided_on=today, ends_on=ends,
    )
    entry = carried(act, decision, rb, text=text, subjects=[member], detail={"measure": measure, "grounds": grounds, "ends_on": ends.isoformat() if ends else None})
    row.entry_index = entry.index
    row.save(update_fields=["entry_index"])
    if measure in ("suspension", "expulsion"):
        new_status = Status.SUSPENDED if measure == "suspension" else Status.EXPELLED
        StatusChange.objects.create(member=member, on=today, status_from=member.status, status_to=new_status, reason=measure, entry_index=entry.index)
        member.status = new_status
        member.status_since = today
        member.save(update_fields=["status", "status_since"])
        # Offices are suspended, not vacated, while the measure can still be appealed (8.4).
        Mandate.objects.current().filter(member=member).update(suspended=True)
    outbox.queue(
        [member], kind="measure_decided", key=f"measure:{row.pk}", entry_index=entry.index,
        render=lambda m: (_("A disciplinary decision concerning you"), _("The %(body)s decided: %(measure)s.\n\nGrounds: %(reasons)s") % {"body": decision.body.name, "measure": row.get_kind_display(), "reasons": decision.reasons}),
    )
    return row
