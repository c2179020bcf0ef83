"""Appeals: filing within the window, the appeal body's hearing and decision (confirm, reduce or
annul), and the referral further where the rules provide one. The appeal body, the windows and the
referral come from ``discipline.appeal`` and the acts of the rulebook in force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from charter.discipline import queries, rules
from charter.discipline.actions import acting, effects, notify, timeline
from charter.discipline.actions.charges import _check_meeting
from charter.discipline.actions.measures import participants_of
from charter.discipline.models import Appeal, Case, Deadline, Hearing, Measure, Stage
from charter.lib import clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.spec import Rulebook

CASE_STATE = {"confirm": Case.State.CONFIRMED, "reduce": Case.State.REDUCED, "annul": Case.State.ANNULLED}


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("case", "case__member", "case__member__branch", "measure", "body").get(pk=appeal.pk)


@consequential
def file_appeal(case: Case, *, by: Member, statement: str) -> Appeal:
    """The member concerned appeals the decision, within the window from receiving it."""
    case = Case.objects.select_for_update(of=("self",)).select_related("member", "member__branch").get(pk=case.pk)
    measure = case.measures.filter(state__in=[Measure.State.IN_FORCE, Measure.State.ENDED]).order_by("-decided_on", "-id").first()
    window_from = measure.delivered_on if measure is not None else None
    rb = acting.judge("file_appeal", by=by, target=case.member, facts={"window_from": window_from}, subjects=[case.member], detail={"case": case.pk})
    if measure is None or case.state != Case.State.DECIDED:
        raise InvalidInput(_("There is no decision in this case that can be appealed now."))
    body = queries.appeal_body(rb, case.member)
    if body is None:
        raise InvalidInput(_("These rules name no body that hears appeals."))
    if not statement.strip():
        raise InvalidInput(_("Say in writing why you appeal."))
    today = clock.today()
    appeal = Appeal.objects.create(case=case, measure=measure, stage=Stage.APPEAL, body=body, statement=statement.strip(), filed_on=today)
    case.state = Case.State.APPEALED
    case.save(update_fields=["state"])
    entry = acting.done("file_appeal", rb, by=by, subjects=[case.member], detail={"case": case.pk, "appeal": appeal.pk, "measure": measure.kind})
    appeal.entry_index = entry.index
    appeal.save(update_fields=["entry_index"])
    timeline.settle(case, Deadline.Kind.APPEAL)
    due = timeline.open_period(case, Deadline.Kind.APPEAL_HEARING, start=today, period=rules.appeal_hearing_period(rb), body=body, entry_index=entry.index)
    until = due.due_on.isoformat() if due else ""
    notify.to_member(case, kind="appeal_filed", key=f"appeal:{appeal.pk}", entry_index=entry.index, channels=("inbox", "email"), words=lambda: (
        _("Your appeal was received"), _("Your appeal was filed on %(date)s. The %(body)s hears it%(until)s.") % {"date": dates.day(today), "body": body.name, "until": (" " + _("by %(date)s") % {"date": dates.day(until)}) if until else ""},
    ))
    notify.to_people(queries.members_of(body), case, kind="appeal_filed", key=f"appeal:{appeal.pk}:body", entry_index=entry.index, words=lambda: (
        _("An appeal to hear: case %(n)s") % {"n": case.pk}, _("An appeal was filed in case %(n)s; the %(body)s must hear it%(until)s.") % {"n": case.pk, "body": body.name, "until": (" " + _("by %(date)s") % {"date": dates.day(until)}) if until else ""},
    ))
    return appeal


@consequential
def schedule_appeal_hearing(appeal: Appeal, *, decision: Decision, meeting: Meeting) -> Hearing:
    """The appeal body hears the member (who keeps the right to be informed and heard)."""
    appeal = _locked(appeal)
    case = appeal.case
    if appeal.outcome != Appeal.Outcome.PENDING or appeal.stage != Stage.APPEAL:
        raise InvalidInput(_("There is no appeal pending in this case."))
    hours = _check_meeting(meeting, decision.body)
    step = Decision(by=decision.by, body=decision.body)
    text = _("Schedule the hearing of the appeal in case %(n)s") % {"n": case.pk}
    rb = acting.judge("schedule_appeal_hearing", decision=step, target=case.member, facts={"meeting_body_kind": meeting.body.kind, "notice_hours": hours, "urgent": False},
                      text=text, subjects=[case.member], detail={"case": case.pk, "hearing_meeting": meeting.pk})
    if decision.body.pk != appeal.body_id:
        raise InvalidInput(_("This appeal is heard by the %(body)s.") % {"body": appeal.body.name})
    hearing = Hearing.objects.create(case=case, stage=Stage.APPEAL, body=decision.body, meeting=meeting, scheduled_on=clock.today())
    entry = acting.done("schedule_appeal_hearing", rb, decision=step, text=text, subjects=[case.member], detail={"case": case.pk, "hearing": hearing.pk, "hearing_meeting": meeting.pk})
    hearing.entry_index = entry.index
    hearing.save(update_fields=["entry_index"])
    notify.hearing_scheduled(hearing, rb, entry.index, others=[])
    return hearing


def _reduced(rb: Rulebook, original: Measure, kind: str | None, days: int | None) -> None:
    if kind not in rules.MEASURE_ACTS or (kind == "suspension" and not days):
        raise InvalidInput(_("Say which lighter measure replaces it (a warning, or a suspension with its length in days)."))
    original_days = (original.ends_on - original.decided_on).days if original.ends_on else None
    if not rules.lesser(kind, days, original.kind, original_days):
        raise InvalidInput(_("A measure can only be reduced to a lighter one."))
    longest = rb.act(rules.MEASURE_ACTS[kind]).get("max_days")
    if kind == "suspension" and longest and days and days > int(longest):
        raise InvalidInput(_("A suspension may last at most %(days)s days (article %(article)s).") % {"days": longest, "article": rb.act("suspend_member").get("max_days_article") or rb.act("suspend_member")["article"]})


def _decide(
    act: str, appeal: Appeal, *, outcome: str, decision: Decision, taking_part: Iterable[Member] | None, kind: str | None, days: int | None,
) -> Appeal:
    case, original = appeal.case, appeal.measure
    if appeal.outcome != Appeal.Outcome.PENDING:
        raise InvalidInput(_("This appeal was already decided."))
    participants = participants_of(decision, taking_part)
    ids = {m.pk for m in participants}
    excluded = queries.bringer_ids(case) | queries.recused_ids(case, decision.body)
    facts = {
        "appeal_outcome": outcome,
        "participants_sitting": len(ids & set(original.participant_ids)),
        "conflicted_voters": len((ids | {decision.by.pk}) & excluded),
        "participants": len(participants) if decision.meeting is not None else None,
    }
    text = _("Decide the appeal in case %(n)s: %(outcome)s") % {"n": case.pk, "outcome": outcome}
    detail = {"case": case.pk, "appeal": appeal.pk, "outcome": outcome}
    rb = judge_decision(act, decision, text=text, target=case.member, facts=facts, subjects=[case.member], detail=detail)
    if outcome == "reduce":
        _reduced(rb, original, kind, days)
    if decision.body.pk != appeal.body_id:
        raise InvalidInput(_("This appeal is heard by the %(body)s.") % {"body": appeal.body.name})
    today = clock.today()
    replacement = None
    if outcome == "annul":
        original.state, original.ended_on = Measure.State.ANNULLED, today
    elif outcome == "reduce":
        original.state, original.ended_on = Measure.State.REPLACED, today
        assert kind is not None
        replacement = Measure.objects.create(
            member=case.member, case=case, kind=kind, decided_by=decision.body, meeting=decision.meeting, grounds=original.grounds, reasons=decision.reasons,
            participant_ids=sorted(ids), decided_on=today, delivered_on=today, ends_on=today + dt.timedelta(days=days) if kind == "suspension" and days else None, replaces=original,
        )
    original.save(update_fields=["state", "ended_on"])
    appeal.outcome, appeal.decided_on, appeal.meeting, appeal.reasons = outcome, today, decision.meeting, decision.reasons
    appeal.participant_ids = sorted(ids)
    appeal.save(update_fields=["outcome", "decided_on", "meeting", "reasons", "participant_ids"])
    in_force = replacement or (original if outcome == "confirm" else None)
    entry = carried(act, decision, rb, text=text, subjects=[case.member], detail={**detail, "measure": in_force.kind if in_force else None})
    if replacement is not None:
        replacement.entry_index = entry.index
        replacement.save(update_fields=["entry_index"])
    final = appeal.stage == Stage.REFERRAL or rules.referral_window(rb) is None
    if in_force is not None and in_force.kind == Measure.Kind.EXPULSION and final:
        in_force.final_on = today
        in_force.save(update_fields=["final_on"])
    case.state = CASE_STATE[outcome]
    case.save(update_fields=["state"])
    if appeal.stage == Stage.APPEAL:
        timeline.settle(case, Deadline.Kind.APPEAL_HEARING)
        timeline.open_period(case, Deadline.Kind.REFERRAL, start=today, period=rules.referral_window(rb), body=None, entry_index=entry.index)
    effects.bring_into_line(case.member, rb, reason=f"{act}: {outcome}", entry_index=entry.index)
    words = {"confirm": _("confirmed the measure"), "reduce": _("reduced the measure"), "annul": _("annulled the measure: your membership and any suspended offices are restored")}
    notify.to_member(case, kind="appeal_decided", key=f"appeal:{appeal.pk}:decided", entry_index=entry.index, words=lambda: (
        _("The decision on your appeal"), _("The %(body)s %(outcome)s.\n\nReasons: %(reasons)s") % {"body": appeal.body.name, "outcome": words[outcome], "reasons": decision.reasons},
    ))
    return appeal


@consequential
def decide_appeal(appeal: Appeal, *, outcome: str, decision: Decision, taking_part: Iterable[Member] | None = None, measure: str | None = None, days: int | None = None) -> Appeal:
    """The appeal body, without anyone who took part in the decision under appeal, confirms, reduces
    (to ``measure``, for ``days``) or annuls it."""
    appeal = _locked(appeal)
    if appeal.stage != Stage.APPEAL:
        raise InvalidInput(_("This is a referral; it is decided as one."))
    return _decide("decide_appeal", appeal, outcome=outcome, decision=decision, taking_part=taking_part, kind=measure, days=days)


@consequential
def refer_appeal(appeal: Appeal, *, by: Member, statement: str) -> Appeal:
    """A party refers the appeal decision to the body the rules name (the next Congress…)."""
    appeal = _locked(appeal)
    case = appeal.case
    window_from = appeal.decided_on
    rb = acting.judge("refer_appeal", by=by, target=case.member, facts={"window_from": window_from}, subjects=[case.member], detail={"case": case.pk})
    if appeal.stage != Stage.APPEAL or appeal.outcome == Appeal.Outcome.PENDING:
        raise InvalidInput(_("Only an appeal decision can be referred."))
    if case.appeals.filter(stage=Stage.REFERRAL).exists():
        raise InvalidInput(_("This appeal decision was already referred."))
    body = queries.referral_body(rb, case.member)
    if body is None:
        raise InvalidInput(_("These rules provide no further referral."))
    if not statement.strip():
        raise InvalidInput(_("Say in writing why you refer it."))
    measure = queries.latest_measure(case)
    assert measure is not None
    today = clock.today()
    referral = Appeal.objects.create(case=case, measure=measure, stage=Stage.REFERRAL, body=body, statement=statement.strip(), filed_on=today)
    case.state = Case.State.REFERRED
    case.save(update_fields=["state"])
    entry = acting.done("refer_appeal", rb, by=by, subjects=[case.member], detail={"case": case.pk, "appeal": referral.pk})
    referral.entry_index = entry.index
    referral.save(update_fields=["entry_index"])
    timeline.settle(case, Deadline.Kind.REFERRAL)
    notify.to_member(case, kind="appeal_referred", key=f"appeal:{referral.pk}", entry_index=entry.index, channels=("inbox", "email"), words=lambda: (
        _("Your referral was received"), _("The appeal decision is referred to the %(body)s, which decides it at its next meeting.") % {"body": body.name},
    ))
    return referral


@consequential
def decide_referral(referral: Appeal, *, outcome: str, decision: Decision, taking_part: Iterable[Member] | None = None, measure: str | None = None, days: int | None = None) -> Appeal:
    """The body the appeal decision was referred to decides it (finally, where the rules say so)."""
    referral = _locked(referral)
    if referral.stage != Stage.REFERRAL:
        raise InvalidInput(_("This is not a referral."))
    return _decide("decide_referral", referral, outcome=outcome, decision=decision, taking_part=taking_part, kind=measure, days=days)

