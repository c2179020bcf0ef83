"""Disciplinary cases over JSON. Every operation gets its case through ``permissions.get_case_for``
(404 for anyone the file is not open to) and calls one action; the rules judge (403 with the
breaches and their articles)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from charter.discipline import actions, permissions, queries, rules, steps
from charter.discipline.models import Case, Stage
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.meetings.api import VotesIn
from charter.meetings.models import Meeting
from charter.members import permissions as member_permissions
from charter.members.models import Member
from charter.org.models import Body
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision
from charter.rulebook.store import rulebook_on

router = Router(tags=["discipline"])
TEXT = 50000


class MeasureIn(Schema):
    measure: Literal["warning", "suspension", "expulsion"]
    body_id: int
    grounds: list[str] = Field(default_factory=list, max_length=20)
    reasons: str = Field("", max_length=20000)
    meeting_id: int | None = None
    votes: VotesIn | None = None
    days: int | None = Field(None, ge=1, le=3650)
    taking_part_ids: list[int] | None = Field(None, max_length=2000)


class MeasureOut(Schema):
    id: int
    kind: str
    state: str
    decided_on: dt.date
    ends_on: dt.date | None
    entry_index: int | None


class DeadlineOut(Schema):
    kind: str
    body_id: int | None
    due_on: dt.date
    article: str
    state: str


class StepOut(Schema):
    key: str
    title: str
    until: dt.date | None
    article: str


class CaseOut(Schema):
    id: int
    member_id: int
    state: str
    grounds: list[dict[str, str]]
    facts: str
    evidence: str
    framed_by_id: int
    framed_by_office: str
    deciding_body_id: int | None
    opened_on: dt.date
    charge_delivered_on: dt.date | None
    replied_on: dt.date | None
    replies: list[str]
    hearings: list[dict[str, Any]]
    measures: list[MeasureOut]
    appeals: list[dict[str, Any]]
    deadlines: list[DeadlineOut]
    roles: list[str]
    next_steps: list[StepOut]
    entry_index: int | None


def _out(access: permissions.Access) -> CaseOut:
    case = Case.objects.get(pk=access.case.pk)
    rb = rulebook_on(clock.today())
    fresh = permissions.Access(case=case, viewer=access.viewer, roles=access.roles)
    return CaseOut(
        id=case.pk, member_id=case.member_id, state=case.state, grounds=rules.ground_words(rb, list(case.grounds)), facts=case.facts, evidence=case.evidence,
        framed_by_id=case.framed_by_id, framed_by_office=case.framed_by_office, deciding_body_id=case.deciding_body_id, opened_on=case.opened_on,
        charge_delivered_on=case.charge_delivered_on, replied_on=case.replied_on, replies=[r.text for r in case.replies.all()],
        hearings=[{"id": h.pk, "stage": h.stage, "body_id": h.body_id, "meeting_id": h.meeting_id, "starts_at": h.meeting.starts_at.isoformat(), "companion": h.companion, "minutes": h.minutes} for h in case.hearings.select_related("meeting")],
        measures=[MeasureOut(id=m.pk, kind=m.kind, state=m.state, decided_on=m.decided_on, ends_on=m.ends_on, entry_index=m.entry_index) for m in case.measures.order_by("decided_on", "id")],
        appeals=[{"id": a.pk, "stage": a.stage, "body_id": a.body_id, "filed_on": a.filed_on.isoformat(), "outcome": a.outcome, "statement": a.statement} for a in case.appeals.all()],
        deadlines=[DeadlineOut(kind=d.kind, body_id=d.body_id, due_on=d.due_on, article=d.article, state=d.state) for d in case.deadlines.order_by("due_on", "id")],
        roles=sorted(access.roles), next_steps=[StepOut(key=s.key, title=s.title, until=s.until, article=s.article) for s in steps.available(fresh)],
        entry_index=case.entry_index,
    )


def _body(body_id: int | None, default: Body | None) -> Body:
    if body_id is not None:
        return get_object_or_404(Body, pk=body_id)
    if default is None:
        raise InvalidInput("Say for which body (body_id).")
    return default


def _people(ids: list[int] | None) -> list[Member] | None:
    return list(Member.objects.filter(pk__in=ids)) if ids is not None else None


@router.get("/cases", response=list[int], auth=django_auth, summary="The cases whose file is open to me")
def case_list(request: HttpRequest) -> list[int]:
    return [c.pk for c in permissions.visible_cases(member_permissions.member_of(request.user))]


@router.get("/cases/{case_id}", response=CaseOut, auth=django_auth, summary="A case file, its deadlines and my next steps")
def case_detail(request: HttpRequest, case_id: int) -> CaseOut:
    return _out(permissions.get_case_for(request.user, case_id))


class ChargeIn(Schema):
    body_id: int | None = None
    office: str = Field("", max_length=60)
    grounds: list[str] = Field(default_factory=list, max_length=20)
    facts: str = Field("", max_length=TEXT)
    evidence: str = Field("", max_length=TEXT)
    deciding_body_id: int | None = None
    bringer_ids: list[int] = Field(default_factory=list, max_length=50)


@router.post("/members/{member_id}/charges", response={201: CaseOut}, auth=django_auth, summary="Frame a charge (judged by the rules)")
def frame_charge(request: HttpRequest, member_id: int, payload: ChargeIn) -> Status:
    actor = member_permissions.member_of(request.user)
    member = member_permissions.get_member_for(request.user, member_id)
    decision = Decision(by=actor, body=get_object_or_404(Body, pk=payload.body_id)) if payload.body_id else None
    deciding = get_object_or_404(Body, pk=payload.deciding_body_id) if payload.deciding_body_id else None
    case = actions.frame_charge(member, grounds=payload.grounds, facts=payload.facts, evidence=payload.evidence, decision=decision, by=actor, office=payload.office,
                                bringers=Member.objects.filter(pk__in=payload.bringer_ids), deciding_body=deciding)
    return Status(201, _out(permissions.get_case_for(request.user, case.pk)))


class ActAsIn(Schema):
    body_id: int | None = None


@router.post("/cases/{case_id}/delivery", response=CaseOut, auth=django_auth, summary="Deliver the charge in writing")
def deliver(request: HttpRequest, case_id: int, payload: ActAsIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    case = access.case
    if case.framed_by_office and payload.body_id is None:
        actions.deliver_charge(case, by=access.viewer, office=case.framed_by_office)
    else:
        actions.deliver_charge(case, decision=Decision(by=access.viewer, body=_body(payload.body_id, case.framed_by)))
    return _out(access)


class TextIn(Schema):
    text: str = Field(max_length=TEXT)
    evidence: str = Field("", max_length=TEXT)


@router.post("/cases/{case_id}/reply", response=CaseOut, auth=django_auth, summary="Reply to the charge in writing")
def reply(request: HttpRequest, case_id: int, payload: TextIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    actions.reply_to_charge(access.case, by=access.viewer, text=payload.text, evidence=payload.evidence)
    return _out(access)


class CompanionIn(Schema):
    hearing_id: int
    companion: str = Field(max_length=200)


@router.post("/cases/{case_id}/companion", response=CaseOut, auth=django_auth, summary="Name a companion for the hearing")
def companion(request: HttpRequest, case_id: int, payload: CompanionIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    actions.name_companion(get_object_or_404(access.case.hearings, pk=payload.hearing_id), by=access.viewer, companion=payload.companion)
    return _out(access)


class MeetingIn(Schema):
    meeting_id: int
    body_id: int | None = None


@router.post("/cases/{case_id}/hearing", response=CaseOut, auth=django_auth, summary="Schedule the hearing at a meeting of the deciding body")
def hearing(request: HttpRequest, case_id: int, payload: MeetingIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    meeting = get_object_or_404(Meeting, pk=payload.meeting_id)
    actions.schedule_hearing(access.case, decision=Decision(by=access.viewer, body=_body(payload.body_id, meeting.body)), meeting=meeting)
    return _out(access)


class RecusalIn(Schema):
    member_id: int
    body_id: int


@router.post("/cases/{case_id}/recusals", response=CaseOut, auth=django_auth, summary="Record that a member stands aside")
def recusal(request: HttpRequest, case_id: int, payload: RecusalIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    member = get_object_or_404(Member, pk=payload.member_id)
    actions.record_recusal(access.case, member=member, decision=Decision(by=access.viewer, body=get_object_or_404(Body, pk=payload.body_id)))
    return _out(access)


class MinutesIn(Schema):
    hearing_id: int
    minutes: str = Field(max_length=100000)


@router.post("/cases/{case_id}/minutes", response=CaseOut, auth=django_auth, summary="Minute a hearing")
def minutes(request: HttpRequest, case_id: int, payload: MinutesIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    row = get_object_or_404(access.case.hearings, pk=payload.hearing_id)
    actions.minute_hearing(row, decision=Decision(by=access.viewer, body=row.body), minutes=payload.minutes)
    return _out(access)


class InterimIn(Schema):
    body_id: int | None = None
    days: int | None = Field(None, ge=1, le=3650)
    reasons: str = Field("", max_length=20000)


@router.post("/cases/{case_id}/interim", response=CaseOut, auth=django_auth, summary="Order an interim suspension")
def interim(request: HttpRequest, case_id: int, payload: InterimIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    case = access.case
    if case.framed_by_office and payload.body_id is None:
        actions.order_interim_suspension(case, by=access.viewer, office=case.framed_by_office, days=payload.days, reasons=payload.reasons)
    else:
        body = _body(payload.body_id, case.framed_by)
        actions.order_interim_suspension(case, decision=Decision(by=access.viewer, body=body, reasons=payload.reasons), days=payload.days, reasons=payload.reasons)
    return _out(access)


def _decision(access: permissions.Access, body: Body, meeting_id: int | None, votes: VotesIn | None, reasons: str) -> Decision:
    meeting = get_object_or_404(Meeting, pk=meeting_id) if meeting_id else None
    return Decision(by=access.viewer, body=body, meeting=meeting, votes=J.Votes(votes.yes, votes.no, votes.abstain) if votes else None, reasons=reasons)


@router.post("/cases/{case_id}/measure", response=CaseOut, auth=django_auth, summary="Decide a measure in the case (judged by the rules)")
def decide(request: HttpRequest, case_id: int, payload: MeasureIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    decision = _decision(access, get_object_or_404(Body, pk=payload.body_id), payload.meeting_id, payload.votes, payload.reasons)
    actions.decide_measure(access.case.member, measure=payload.measure, grounds=payload.grounds, case=access.case, days=payload.days, decision=decision, taking_part=_people(payload.taking_part_ids))
    return _out(access)


class StatementIn(Schema):
    statement: str = Field(max_length=TEXT)


@router.post("/cases/{case_id}/appeal", response=CaseOut, auth=django_auth, summary="Appeal the decision")
def appeal(request: HttpRequest, case_id: int, payload: StatementIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    actions.file_appeal(access.case, by=access.viewer, statement=payload.statement)
    return _out(access)


@router.post("/cases/{case_id}/appeal/hearing", response=CaseOut, auth=django_auth, summary="Schedule the hearing of the appeal")
def appeal_hearing(request: HttpRequest, case_id: int, payload: MeetingIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    row = queries.pending_appeal(access.case, Stage.APPEAL)
    if row is None:
        raise InvalidInput("There is no appeal pending.")
    meeting = get_object_or_404(Meeting, pk=payload.meeting_id)
    actions.schedule_appeal_hearing(row, decision=Decision(by=access.viewer, body=_body(payload.body_id, meeting.body)), meeting=meeting)
    return _out(access)


class OutcomeIn(Schema):
    outcome: Literal["confirm", "reduce", "annul"]
    body_id: int | None = None
    meeting_id: int | None = None
    votes: VotesIn | None = None
    reasons: str = Field("", max_length=20000)
    measure: Literal["warning", "suspension"] | None = None
    days: int | None = Field(None, ge=1, le=3650)
    taking_part_ids: list[int] | None = Field(None, max_length=2000)


def _outcome(request: HttpRequest, case_id: int, payload: OutcomeIn, stage: str) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    row = queries.pending_appeal(access.case, stage)
    if row is None:
        raise InvalidInput("There is nothing pending to decide.")
    decision = _decision(access, _body(payload.body_id, row.body), payload.meeting_id, payload.votes, payload.reasons)
    act = actions.decide_appeal if stage == Stage.APPEAL else actions.decide_referral
    act(row, outcome=payload.outcome, decision=decision, taking_part=_people(payload.taking_part_ids), measure=payload.measure, days=payload.days)
    return _out(access)


@router.post("/cases/{case_id}/appeal/decision", response=CaseOut, auth=django_auth, summary="Decide the appeal: confirm, reduce or annul")
def appeal_decision(request: HttpRequest, case_id: int, payload: OutcomeIn) -> CaseOut:
    return _outcome(request, case_id, payload, Stage.APPEAL)


@router.post("/cases/{case_id}/referral", response=CaseOut, auth=django_auth, summary="Refer the appeal decision further")
def referral(request: HttpRequest, case_id: int, payload: StatementIn) -> CaseOut:
    access = permissions.get_case_for(request.user, case_id)
    row = queries.last_appeal(access.case)
    if row is None:
        raise InvalidInput("There is no appeal decision to refer.")
    actions.refer_appeal(row, by=access.viewer, statement=payload.statement)
    return _out(access)


@router.post("/cases/{case_id}/referral/decision", response=CaseOut, auth=django_auth, summary="Decide a referred appeal")
def referral_decision(request: HttpRequest, case_id: int, payload: OutcomeIn) -> CaseOut:
    return _outcome(request, case_id, payload, Stage.REFERRAL)


@router.post("/members/{member_id}/measures", response={201: MeasureOut}, auth=django_auth, summary="Decide a disciplinary measure (judged by the rules)")
def decide_measure(request: HttpRequest, member_id: int, payload: MeasureIn) -> Status:
    actor = member_permissions.member_of(request.user)
    member = member_permissions.get_member_for(request.user, member_id)
    body = get_object_or_404(Body, pk=payload.body_id)
    meeting = get_object_or_404(Meeting, pk=payload.meeting_id, body=body) if payload.meeting_id else None
    votes = J.Votes(payload.votes.yes, payload.votes.no, payload.votes.abstain) if payload.votes else None
    row = actions.decide_measure(
        member, measure=payload.measure, grounds=payload.grounds, days=payload.days,
        decision=Decision(by=actor, body=body, meeting=meeting, votes=votes, reasons=payload.reasons),
    )
    return Status(201, MeasureOut(id=row.pk, kind=row.kind, state=row.state, decided_on=row.decided_on, ends_on=row.ends_on, entry_index=row.entry_index))
