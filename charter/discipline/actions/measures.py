"""Measures: the deciding body's decision after due process, interim suspensions, and what Charter
does itself when a suspension ends or an interim suspension runs out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from charter.discipline import queries, rules
from charter.discipline.actions import acting, effects, notify, timeline
from charter.discipline.models import Case, Deadline, InterimSuspension, Measure
from charter.lib import clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.meetings.models import Attendance
from charter.members.models import Member
from charter.notices import outbox
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.store import rulebook_on

ACT_FOR_MEASURE = rules.MEASURE_ACTS


class InvalidMeasure(InvalidInput):
    pass


def participants_of(decision: Decision, given: Iterable[Member] | None) -> list[Member]:
    """Who took part in a decision: as recorded with it, or everyone with a vote at the meeting.
    Only members present with a vote can have taken part."""
    if decision.meeting is None:
        return list(given or [])
    voters = {a.member_id: a.member for a in Attendance.objects.filter(meeting=decision.meeting, voting=True).select_related("member")}
    if given is None:
        return list(voters.values())
    chosen = list(given)
    strangers = [m for m in chosen if m.pk not in voters]
    if strangers:
        raise InvalidInput(_("%(n)s of those said to take part were not present with a vote at the meeting.") % {"n": len(strangers)})
    return chosen


def due_process_facts(case: Case, decision: Decision, participants: list[Member], grounds: list[str]) -> dict[str, Any]:
    """The facts of the case the rules' due process reads (docs/rulebook.md, the need due_process)."""
    excluded = queries.bringer_ids(case) | queries.recused_ids(case, decision.body)
    hearings = queries.charge_hearings(case)
    now = clock.now()
    heard_here = any(h.body_id == decision.body.pk and h.meeting.starts_at <= now for h in hearings)
    return {
        "charge_delivered_on": case.charge_delivered_on,
        "replied_on": case.replied_on,
        "hearing_offered": case.hearing_offered and (not hearings or heard_here),
        "conflicted_voters": len(({m.pk for m in participants} | {decision.by.pk}) & excluded),
        "participants": len(participants) if decision.meeting is not None else None,
        "uncharged_grounds": [g for g in grounds if g not in case.grounds],
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
    taking_part: Iterable[Member] | None = None,
) -> Measure:
    """Decide a warning, a suspension (for ``days``) or an expulsion in a case. The rules require the
    charge delivered, the reply period run or a reply received, a hearing offered before this body,
    those who brought the charge or stand aside not taking part, and the majority the measure needs."""
    if measure not in ACT_FOR_MEASURE:
        raise InvalidMeasure(_("Unknown measure %(m)s: choose warning, suspension or expulsion.") % {"m": measure})
    if measure == "suspension" and not days:
        raise InvalidMeasure(_("A suspension needs its length in days."))
    act = ACT_FOR_MEASURE[measure]
    grounds = acting.ground_keys(grounds)
    member = Member.objects.select_for_update().get(pk=member.pk)
    if case is not None:
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.member_id != member.pk:
            raise InvalidInput(_("This case concerns another member."))
        if not case.open:
            raise InvalidInput(_("A measure was already decided in this case; only an appeal can change it."))
    participants = participants_of(decision, taking_part)
    text = _("Decide a %(measure)s against %(name)s") % {"measure": Measure.Kind(measure).label, "name": member.number}
    facts = {**(due_process_facts(case, decision, participants, grounds) if case is not None else {}), "days": days}
    detail = {"case": case.pk if case is not None else None, "measure": measure, "grounds": grounds}
    rb = judge_decision(act, decision, text=text, target=member, grounds=grounds, facts=facts, subjects=[member], detail=detail)
    today = clock.today()
    row = Measure.objects.create(
        member=member, case=case, kind=measure, decided_by=decision.body, meeting=decision.meeting, grounds=grounds,
        reasons=decision.reasons, decided_on=today, delivered_on=today, ends_on=today + dt.timedelta(days=days) if days and measure == "suspension" else None,
    )
    row.participant_ids = sorted(m.pk for m in participants)
    window = rules.appeal_window(rb)
    if measure == "expulsion" and window is None:
        row.final_on = today
    entry = carried(act, decision, rb, text=text, subjects=[member], detail={**detail, "ends_on": row.ends_on.isoformat() if row.ends_on else None})
    row.entry_index = entry.index
    row.save(update_fields=["entry_index", "final_on", "participant_ids"])
    if case is not None:
        case.state = Case.State.DECIDED
        case.deciding_body = decision.body
        case.save(update_fields=["state", "deciding_body"])
        InterimSuspension.objects.filter(case=case, state=InterimSuspension.State.IN_FORCE).update(state=InterimSuspension.State.REPLACED, ended_on=today)
        timeline.settle(case, Deadline.Kind.HEARING, Deadline.Kind.DECISION, Deadline.Kind.INTERIM)
    effects.bring_into_line(member, rb, reason=measure, entry_index=entry.index, force_status_change=measure != "warning")
    if case is None:
        outbox.queue([member], kind="measure_decided", key=f"measure:{row.pk}", entry_index=entry.index,
                     render=lambda m: (_("A disciplinary decision concerning you"), _("The %(body)s decided: %(measure)s.\n\nGrounds: %(reasons)s") % {"body": decision.body.name, "measure": row.get_kind_display(), "reasons": decision.reasons}))
        return row
    appeal = timeline.open_period(case, Deadline.Kind.APPEAL, start=today, period=window, body=None, entry_index=entry.index)
    notify.measure_decided(row, case, rb, entry.index, appeal_until=appeal.due_on.isoformat() if appeal else "")
    return row


@consequential
def order_interim_suspension(case: Case, *, reasons: str, days: int | None = None, decision: Decision | None = None, by: Member | None = None, office: str = "") -> InterimSuspension:
    """Suspend the member pending the decision, where the rules allow it (grounds, who, how long).
    It lapses by itself unless the body the rules name decides in time."""
    case = Case.objects.select_for_update(of=("self",)).select_related("member", "member__branch").get(pk=case.pk)
    acting.acting_person(decision, by, office)
    rb = rulebook_on(clock.today())
    act = rules.interim_rules(rb)
    days = days or (int(act["max_days"]) if act.get("max_days") else None)
    if not days:
        raise InvalidInput(_("Say for how many days."))
    if queries.interim_in_force(case) is not None:
        raise InvalidInput(_("An interim suspension is already in force in this case."))
    step = Decision(by=decision.by, body=decision.body, reasons=reasons) if decision is not None else None
    text = _("Order an interim suspension in case %(n)s") % {"n": case.pk}
    rb = acting.judge("interim_suspension", decision=step, by=by, office=office, target=case.member, grounds=case.grounds, reasons=reasons,
                      facts={"open_charge": case.open, "days": days}, text=text, subjects=[case.member], detail={"case": case.pk, "days": days})
    today = clock.today()
    ordered_by = decision.body if decision is not None else (queries.body_over(case.member, str(rb.office(office)["body"])) or case.framed_by)
    row = InterimSuspension.objects.create(case=case, ordered_by=ordered_by, ordered_by_office=office, reasons=reasons, ordered_on=today, ends_on=today + dt.timedelta(days=days - 1))
    entry = acting.done("interim_suspension", rb, decision=step, by=by, office=office, text=text, subjects=[case.member], detail={"case": case.pk, "days": days, "last_day": row.ends_on.isoformat()})
    row.entry_index = entry.index
    row.save(update_fields=["entry_index"])
    effects.bring_into_line(case.member, rb, reason="interim suspension", entry_index=entry.index)
    lapse_body = act.get("lapses_unless_decided_by")
    duty = (queries.body_over(case.member, str(lapse_body)) if lapse_body else None) or case.deciding_body
    timeline.open_deadline(case, Deadline.Kind.INTERIM, due_on=row.ends_on, article=str(act["article"]), body=duty, entry_index=entry.index)
    last = row.ends_on.isoformat()
    notify.to_member(case, kind="interim_suspension", key=f"interim:{row.pk}", entry_index=entry.index, words=lambda: (
        _("You are suspended pending a decision"),
        _("The %(body)s suspended you until %(date)s at the latest, pending the decision on the charge (article %(article)s).\n\nReasons: %(reasons)s") % {"body": ordered_by.name, "date": dates.day(last), "article": act["article"], "reasons": reasons},
    ))
    if duty is not None:
        notify.to_people(queries.members_of(duty), case, kind="interim_deadline", key=f"interim:{row.pk}:body", entry_index=entry.index, words=lambda: (
            _("Case %(n)s: decide by %(date)s") % {"n": case.pk, "date": dates.day(last)},
            _("An interim suspension was ordered in case %(n)s. It lapses after %(date)s unless the %(body)s decides by then (article %(article)s).") % {"n": case.pk, "date": dates.day(last), "body": duty.name, "article": act["article"]},
        ))
    return row


@consequential
def end_suspension(measure: Measure) -> Measure:
    """Charter restores the member on the day their suspension ends."""
    measure = Measure.objects.select_for_update(of=("self",)).select_related("member", "case").get(pk=measure.pk)
    if measure.kind != Measure.Kind.SUSPENSION or measure.state != Measure.State.IN_FORCE or measure.ends_on is None:
        raise InvalidInput(_("This is not a suspension in force."))
    if measure.ends_on > clock.today():
        raise InvalidInput(_("The suspension runs until %(date)s.") % {"date": dates.day(measure.ends_on)})
    detail = {"case": measure.case_id, "measure": measure.pk}
    rb = acting.judge("end_suspension", target=measure.member, subjects=[measure.member], detail=detail)
    measure.state, measure.ended_on = Measure.State.ENDED, clock.today()
    measure.save(update_fields=["state", "ended_on"])
    entry = acting.done("end_suspension", rb, subjects=[measure.member], detail=detail)
    effects.bring_into_line(measure.member, rb, reason="suspension ended", entry_index=entry.index)
    if measure.case is not None:
        notify.to_member(measure.case, kind="suspension_ended", key=f"measure:{measure.pk}:ended", entry_index=entry.index, words=lambda: (
            _("Your suspension has ended"), _("Your suspension ended today and your membership is restored."),
        ))
    return measure


@consequential
def lapse_interim_suspension(row: InterimSuspension) -> InterimSuspension:
    """The interim suspension lapses: the body the rules name did not decide in time."""
    row = InterimSuspension.objects.select_for_update(of=("self",)).select_related("case", "case__member").get(pk=row.pk)
    if row.state != InterimSuspension.State.IN_FORCE:
        raise InvalidInput(_("This interim suspension is no longer in force."))
    if row.ends_on >= clock.today():
        raise InvalidInput(_("The interim suspension runs until %(date)s.") % {"date": dates.day(row.ends_on)})
    case = row.case
    detail = {"case": case.pk}
    rb = acting.judge("lapse_interim_suspension", target=case.member, subjects=[case.member], detail=detail)
    row.state, row.ended_on = InterimSuspension.State.LAPSED, clock.today()
    row.save(update_fields=["state", "ended_on"])
    entry = acting.done("lapse_interim_suspension", rb, subjects=[case.member], detail=detail)
    effects.bring_into_line(case.member, rb, reason="interim suspension lapsed", entry_index=entry.index)
    notify.to_member(case, kind="interim_lapsed", key=f"interim:{row.pk}:lapsed", entry_index=entry.index, words=lambda: (
        _("Your interim suspension has lapsed"), _("No decision was taken in time, so your interim suspension lapsed and your membership is restored. The charge itself is still open."),
    ))
    return row
