"""Registration, check-in and the live counts as JSON operations."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from charter.conferences import actions, queries
from charter.conferences.models import Conference, Participant
from charter.conferences.permissions import (
    get_conference_for,
    get_organized_conference_for,
    own_registration,
)
from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision

router = Router(tags=["conferences"])


class ConferenceOut(Schema):
    id: int
    kind: str
    title: str
    venue: str
    starts_on: dt.date
    ends_on: dt.date
    registration_closes_on: dt.date | None
    state: str
    attributes: list[dict[str, str]]


class ParticipantOut(Schema):
    id: int
    name: str
    category: str
    has_vote: bool
    attributes: dict[str, str]
    code: str
    credentials: str
    entry_index: int | None


class RegisterIn(Schema):
    attributes: dict[str, str] = Field(
        default_factory=dict,
        description="answers to the conference's questions (sector, organization, gender…)",
    )


class CheckInIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)


class CheckInOut(Schema):
    participant: int
    name: str
    category: str
    has_vote: bool
    day: dt.date
    created: bool  # False: already checked in that day; nothing was written
    entry_index: int | None


class CountsOut(Schema):
    registered: int
    with_vote: int
    present: dict[str, int]
    by_category: dict[str, dict[str, int]]
    by_region: dict[str, dict[str, int]]


def _participant(p: Participant) -> ParticipantOut:
    return ParticipantOut(
        id=p.pk,
        name=p.name,
        category=p.category,
        has_vote=p.has_vote,
        attributes=p.attributes or {},
        code=p.code,
        credentials=p.credentials,
        entry_index=p.entry_index,
    )


@router.get(
    "/conferences",
    response=list[ConferenceOut],
    auth=django_auth,
    summary="Conferences and congresses, the latest first",
)
def conferences(request: HttpRequest, limit: int = 50) -> list[Conference]:
    from charter.members import permissions

    permissions.member_of(request.user)
    return list(Conference.objects.order_by("-starts_on")[: max(1, min(limit, 200))])


@router.post(
    "/conferences/{conference_id}/registration",
    response={201: ParticipantOut},
    auth=django_auth,
    summary="Register myself (judged by the rules: membership, good standing, registration open)",
)
def register(request: HttpRequest, conference_id: int, payload: RegisterIn) -> Status:
    conference, viewer = get_conference_for(request.user, conference_id)
    p = actions.register_for_conference(conference, by=viewer, attributes=payload.attributes)
    return Status(201, _participant(p))


@router.get(
    "/conferences/{conference_id}/registration",
    response=ParticipantOut,
    auth=django_auth,
    summary="My registration and badge code",
)
def my_registration(request: HttpRequest, conference_id: int) -> ParticipantOut:
    from django.http import Http404

    conference, viewer = get_conference_for(request.user, conference_id)
    p = Participant.objects.filter(conference=conference, member=viewer).first()
    if p is None:
        raise Http404
    return _participant(p)


@router.post(
    "/conferences/{conference_id}/check-ins",
    response={200: CheckInOut, 201: CheckInOut},
    auth=django_auth,
    url_name="conference_check_in",
    summary="Check a participant in for today by their badge code (organizers; idempotent)",
)
def check_in(request: HttpRequest, conference_id: int, payload: CheckInIn) -> Status:
    conference, viewer = get_organized_conference_for(request.user, conference_id)
    row, created = actions.check_in(conference, by=viewer, code=payload.code)
    p = row.participant
    out = CheckInOut(
        participant=p.pk,
        name=p.name,
        category=p.category,
        has_vote=p.has_vote,
        day=row.day,
        created=created,
        entry_index=row.entry_index,
    )
    return Status(201 if created else 200, out)


@router.get(
    "/conferences/{conference_id}/counts",
    response=CountsOut,
    auth=django_auth,
    summary="Live counts: registered, and present by day, category and region",
)
def counts(request: HttpRequest, conference_id: int) -> CountsOut:
    conference, _viewer = get_conference_for(request.user, conference_id)
    c = queries.counts(conference)

    def days(row: dict[dt.date, int]) -> dict[str, int]:
        return {d.isoformat(): n for d, n in row.items()}

    return CountsOut(
        registered=c.registered,
        with_vote=c.with_vote,
        present=days(c.present),
        by_category={k: days(v) for k, v in c.by_category.items()},
        by_region={k: days(v) for k, v in c.by_region.items()},
    )


class DecisionIn(Schema):
    """A body's decision at one of its meetings: the meeting (its body decides) and the vote."""

    meeting_id: int
    votes_yes: int = Field(..., ge=0)
    votes_no: int = Field(0, ge=0)
    votes_abstain: int = Field(0, ge=0)
    reasons: str = Field("", max_length=5000)


class ConferenceConveneIn(DecisionIn):
    kind: str = Field("conference", pattern="^(conference|congress)$")
    title: str = Field(..., min_length=1, max_length=200)
    venue: str = Field("", max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    registration_closes_on: dt.date | None = None


class CredentialsIn(DecisionIn):
    accept: bool


def _decision(request: HttpRequest, payload: DecisionIn) -> Decision:
    from charter.members import permissions

    viewer = permissions.member_of(request.user)
    meeting = (
        Meeting.objects.select_related("body", "body__unit").filter(pk=payload.meeting_id).first()
    )
    if meeting is None:
        raise InvalidInput("meeting_id: no such meeting.")
    votes = J.Votes(payload.votes_yes, payload.votes_no, payload.votes_abstain)
    return Decision(
        by=viewer, body=meeting.body, meeting=meeting, votes=votes, reasons=payload.reasons
    )


@router.post(
    "/conferences",
    response={201: ConferenceOut},
    auth=django_auth,
    summary="Convene a conference or the congress: the decision of the meeting's body (judged by the rules)",
)
def convene(request: HttpRequest, payload: ConferenceConveneIn) -> Status:
    decision = _decision(request, payload)
    conference = actions.convene_conference(
        decision=decision,
        kind=payload.kind,
        title=payload.title,
        venue=payload.venue,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        registration_closes_on=payload.registration_closes_on,
    )
    return Status(201, conference)


def _participant_at(conference: Conference, participant_id: int) -> Participant:
    participant = Participant.objects.filter(conference=conference, pk=participant_id).first()
    if participant is None:
        raise InvalidInput("participant_id: not a participant of this conference.")
    return participant


class DisputeIn(Schema):
    grounds: str = Field(min_length=1, max_length=actions.GROUNDS_MAX)


@router.post(
    "/conferences/{conference_id}/participants/{participant_id}/disputes",
    response={201: ParticipantOut},
    auth=django_auth,
    summary="Dispute a participant's credentials in writing: by a participant registered with a vote",
)
def dispute(
    request: HttpRequest, conference_id: int, participant_id: int, payload: DisputeIn
) -> Status:
    conference, viewer = get_conference_for(request.user, conference_id)
    participant = _participant_at(conference, participant_id)
    raiser = own_registration(conference, viewer)
    if raiser is None:
        raise InvalidInput(
            "by: only a member registered at this conference may dispute credentials at it."
        )
    actions.dispute_credentials(participant, by=raiser, grounds=payload.grounds)
    participant.refresh_from_db()
    return Status(201, _participant(participant))


@router.post(
    "/conferences/{conference_id}/participants/{participant_id}/credentials",
    response={201: ParticipantOut},
    auth=django_auth,
    summary="Decide a dispute over a participant's credentials: the decision of the meeting's body",
)
def credentials(
    request: HttpRequest, conference_id: int, participant_id: int, payload: CredentialsIn
) -> Status:
    conference, _viewer = get_conference_for(request.user, conference_id)
    participant = _participant_at(conference, participant_id)
    actions.decide_credentials(
        participant, decision=_decision(request, payload), accept=payload.accept
    )
    participant.refresh_from_db()
    return Status(201, _participant(participant))
