from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from charter.discipline import actions
from charter.meetings.models import Meeting
from charter.members import permissions
from charter.org.models import Body
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision

router = Router()


class VotesIn(Schema):
    yes: int = Field(ge=0, le=1_000_000)
    no: int = Field(ge=0, le=1_000_000)
    abstain: int = Field(0, ge=0, le=1_000_000)


class MeasureIn(Schema):
    measure: Literal["warning", "suspension", "expulsion"]
    body_id: int
    grounds: list[str] = Field(default_factory=list, max_length=20)
    reasons: str = Field("", max_length=20000)
    meeting_id: int | None = None
    votes: VotesIn | None = None
    days: int | None = Field(None, ge=1, le=3650)


class MeasureOut(Schema):
    id: int
    kind: str
    decided_on: dt.date
    ends_on: dt.date | None
    entry_index: int | None


@router.post("/members/{member_id}/measures", response={201: MeasureOut}, auth=django_auth, summary="Decide a disciplinary measure (judged by the rules)")
def decide_measure(request: HttpRequest, member_id: int, payload: MeasureIn) -> Status:
    actor = permissions.member_of(request.user)
    member = permissions.get_member_for(request.user, member_id)
    body = get_object_or_404(Body, pk=payload.body_id)
    meeting = get_object_or_404(Meeting, pk=payload.meeting_id, body=body) if payload.meeting_id else None
    votes = J.Votes(payload.votes.yes, payload.votes.no, payload.votes.abstain) if payload.votes else None
    row = actions.decide_measure(
        member, measure=payload.measure, grounds=payload.grounds, days=payload.days,
        decision=Decision(by=actor, body=body, meeting=meeting, votes=votes, reasons=payload.reasons),
    )
    return Status(201, MeasureOut(id=row.pk, kind=row.kind, decided_on=row.decided_on, ends_on=row.ends_on, entry_index=row.entry_index))
