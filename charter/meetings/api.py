from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from charter.meetings import actions
from charter.meetings.models import Meeting
from charter.members import permissions
from charter.org.models import Body

router = Router(tags=["meetings"])


class VotesIn(Schema):
    """The votes of a body's decision at its meeting (every API that records one takes them so)."""

    yes: int = Field(ge=0, le=1_000_000)
    no: int = Field(ge=0, le=1_000_000)
    abstain: int = Field(0, ge=0, le=1_000_000)


class MotionOut(Schema):
    act: str
    votes_yes: int
    votes_no: int
    votes_abstain: int
    outcome: str
    entry_index: int | None


class MeetingOut(Schema):
    id: int
    body_id: int
    title: str
    starts_at: dt.datetime
    called_at: dt.datetime
    urgent: bool
    state: str
    present_count: int
    quorum_needed: int
    roster_size: int
    motions: list[MotionOut]


class ConveneIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime
    agenda: str = Field(min_length=1, max_length=20000)
    urgent: bool = False
    urgency_reason: str = Field("", max_length=2000)


def _out(m: Meeting) -> MeetingOut:
    return MeetingOut(
        id=m.pk, body_id=m.body_id, title=m.title, starts_at=m.starts_at, called_at=m.called_at, urgent=m.urgent, state=m.state,
        present_count=m.present_count, quorum_needed=m.quorum_needed, roster_size=m.roster_size,
        motions=[MotionOut(act=x.act, votes_yes=x.votes_yes, votes_no=x.votes_no, votes_abstain=x.votes_abstain, outcome=x.outcome, entry_index=x.entry_index) for x in m.motions.all()],
    )


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="A meeting: notice, quorum, decisions")
def meeting(request: HttpRequest, meeting_id: int) -> MeetingOut:
    return _out(get_object_or_404(Meeting, pk=meeting_id))


@router.post("/bodies/{body_id}/meetings", response={201: MeetingOut}, auth=django_auth, summary="Call a meeting of a body")
def convene(request: HttpRequest, body_id: int, payload: ConveneIn) -> Status:
    member = permissions.member_of(request.user)
    body = get_object_or_404(Body, pk=body_id)
    starts = payload.starts_at if payload.starts_at.tzinfo else payload.starts_at.replace(tzinfo=dt.UTC)
    m = actions.convene_meeting(body, by=member, title=payload.title, starts_at=starts, agenda=payload.agenda, urgent=payload.urgent, urgency_reason=payload.urgency_reason)
    return Status(201, _out(m))
