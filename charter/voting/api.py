"""Polls over the API: create and run, vote with an idempotency key, have I voted, turnout, results
and the committed ballot list. Errors as everywhere: 403 with the breaches, 400/422 saying where."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth
from pydantic import StrictInt

from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.org.models import Body
from charter.voting import actions, content, queries
from charter.voting.models import Poll
from charter.voting.permissions import get_body_for, get_poll_for

router = Router(auth=django_auth, tags=["voting"])

Method = Literal["yes_no", "approval", "block", "irv", "scottish-stv", "meek-stv", "schulze"]
Mode = Literal["named", "secret", "paper"]


class OptionOut(Schema):
    number: int
    label: str


class PollOut(Schema):
    id: int
    body_id: int
    meeting_id: int | None
    seat_body_id: int | None
    title: str
    method: str
    mode: str
    state: str
    seats: int
    max_choices: int
    options: list[OptionOut]
    electorate: int
    electorate_weight: int
    voters: int
    ballots: int
    ballots_weight: int
    ballots_sha256: str
    entry_index: int | None
    close_entry: int | None
    publish_entry: int | None


class PollIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    method: Method
    mode: Mode
    options: list[str] = Field(default_factory=list, max_length=200)
    seats: int = Field(1, ge=1, le=1000)
    max_choices: int | None = Field(None, ge=1, le=200)
    meeting_id: int | None = None
    seat_body_id: int | None = None


class VoteIn(Schema):
    idempotency_key: str = Field(min_length=1, max_length=100, description="Chosen by the client; the same key again returns the first outcome")
    choice: Literal["yes", "no", "abstain"] | None = Field(None, description="For a yes/no poll")
    choices: list[StrictInt] | None = Field(None, max_length=200, description="For approval and block vote: the option numbers chosen")
    ranking: list[StrictInt] | None = Field(None, max_length=200, description="For ranked methods: option numbers, first preference first")


class ReceiptOut(Schema):
    poll_id: int
    voted_at: dt.datetime
    replayed: bool
    tracker: str | None = Field(None, description="Shown once, on the first submission; keep it to find your ballot in the published list")


class ProblemOut(Schema):
    detail: str


class VotedOut(Schema):
    voted: bool
    voted_at: dt.datetime | None


class TurnoutOut(Schema):
    state: str
    voted: int
    electorate: int
    percent: int | None


class ResultOut(Schema):
    poll_id: int
    method: str
    seats: int
    ballots: int
    ballots_weight: int
    ballots_sha256: str
    result_sha256: str
    close_entry: int | None
    publish_entry: int | None
    options: list[OptionOut]
    result: dict[str, Any]


class BatchIn(Schema):
    lines: str | None = Field(None, max_length=500_000, description="Ranked or choose polls: 'COUNT: NUMBERS' per line")
    yes: int | None = Field(None, ge=0, le=10**9)
    no: int | None = Field(None, ge=0, le=10**9)
    abstain: int | None = Field(None, ge=0, le=10**9)


class BatchOut(Schema):
    number: int
    lines: int
    papers: int
    sha256: str
    entry_index: int | None


def _options(poll: Poll) -> list[OptionOut]:
    return [OptionOut(number=o.number, label=o.label) for o in poll.options.all()]


def _out(poll: Poll) -> PollOut:
    return PollOut(
        id=poll.pk, body_id=poll.body_id, meeting_id=poll.meeting_id, seat_body_id=poll.seat_body_id, title=poll.title,
        method=poll.method, mode=poll.mode, state=poll.state, seats=poll.seats, max_choices=poll.max_choices, options=_options(poll),
        electorate=poll.electorate, electorate_weight=poll.electorate_weight, voters=poll.voters, ballots=poll.ballots,
        ballots_weight=poll.ballots_weight, ballots_sha256=poll.ballots_sha256, entry_index=poll.entry_index,
        close_entry=poll.close_entry, publish_entry=poll.publish_entry,
    )


@router.post("/bodies/{body_id}/polls", response={201: PollOut}, summary="Create a poll of a body (judged by the rules)")
def create(request: HttpRequest, body_id: int, payload: PollIn) -> Status:
    body, member, _sits = get_body_for(request.user, body_id)
    meeting = get_object_or_404(Meeting, pk=payload.meeting_id, body=body) if payload.meeting_id else None
    seat_body = get_object_or_404(Body, pk=payload.seat_body_id) if payload.seat_body_id else None
    poll = actions.create_poll(
        body, by=member, title=payload.title, method=payload.method, mode=payload.mode, options=payload.options,
        seats=payload.seats, max_choices=payload.max_choices, meeting=meeting, seat_body=seat_body,
    )
    return Status(201, _out(poll))


@router.get("/polls/{poll_id}", response=PollOut, summary="A poll")
def detail(request: HttpRequest, poll_id: int) -> PollOut:
    return _out(get_poll_for(request.user, poll_id, published=True)[0])


def _step(request: HttpRequest, poll_id: int, act: Any) -> PollOut:
    poll, member = get_poll_for(request.user, poll_id)
    return _out(act(poll, by=member))


@router.post("/polls/{poll_id}/open", response=PollOut, summary="Open the poll for voting")
def open_(request: HttpRequest, poll_id: int) -> PollOut:
    return _step(request, poll_id, actions.open_poll)


@router.post("/polls/{poll_id}/close", response=PollOut, summary="Close the poll and commit its ballot list (again: the same figures)")
def close(request: HttpRequest, poll_id: int) -> PollOut:
    return _step(request, poll_id, actions.close_poll)


@router.post("/polls/{poll_id}/publish", response=PollOut, summary="Count the committed ballots and publish the result")
def publish(request: HttpRequest, poll_id: int) -> PollOut:
    return _step(request, poll_id, actions.publish_poll)


@router.post("/polls/{poll_id}/secret-ballot", response=PollOut, summary="Require a secret ballot (where the rules allow)")
def secret_ballot(request: HttpRequest, poll_id: int) -> PollOut:
    return _step(request, poll_id, actions.require_secret_ballot)


@router.post("/polls/{poll_id}/votes", response={200: ReceiptOut, 201: ReceiptOut, 409: ProblemOut}, summary="Vote (once; idempotent by key)")
def vote(request: HttpRequest, poll_id: int, payload: VoteIn) -> Status:
    poll, member = get_poll_for(request.user, poll_id)
    if poll.yes_no:
        raw: Any = payload.choice
        field = "choice"
    elif poll.choose:
        raw, field = payload.choices, "choices"
    else:
        raw, field = payload.ranking, "ranking"
    if raw is None:
        raise InvalidInput(_("body.%(field)s: this poll (%(method)s) takes '%(field)s'.") % {"field": field, "method": poll.method})
    try:
        receipt = actions.cast_vote(poll, voter=member, vote=raw, idempotency_key=payload.idempotency_key)
    except actions.AlreadyVoted as exc:
        return Status(409, ProblemOut(detail=str(exc)))
    out = ReceiptOut(poll_id=receipt.poll_id, voted_at=receipt.voted_at, replayed=receipt.replayed, tracker=receipt.tracker)
    return Status(200 if receipt.replayed else 201, out)


@router.get("/polls/{poll_id}/voted", response=VotedOut, summary="Have I voted?")
def voted(request: HttpRequest, poll_id: int) -> VotedOut:
    poll, member = get_poll_for(request.user, poll_id, published=True)
    when = queries.voted_at(poll, member)
    return VotedOut(voted=when is not None, voted_at=when)


@router.get("/polls/{poll_id}/turnout", response=TurnoutOut, summary="How many have voted")
def turnout(request: HttpRequest, poll_id: int) -> TurnoutOut:
    t = queries.turnout(get_poll_for(request.user, poll_id, published=True)[0])
    return TurnoutOut(state=t.state, voted=t.voted, electorate=t.electorate, percent=t.percent)


@router.get("/polls/{poll_id}/results", response={200: ResultOut, 404: ProblemOut}, summary="The published result")
def results(request: HttpRequest, poll_id: int) -> Status:
    poll, _member = get_poll_for(request.user, poll_id, published=True)
    if poll.state != Poll.State.PUBLISHED:
        return Status(404, ProblemOut(detail=_("The result is published after the poll closes.")))
    return Status(200, ResultOut(
        poll_id=poll.pk, method=poll.method, seats=poll.seats, ballots=poll.ballots, ballots_weight=poll.ballots_weight,
        ballots_sha256=poll.ballots_sha256, result_sha256=poll.result_sha256, close_entry=poll.close_entry,
        publish_entry=poll.publish_entry, options=_options(poll), result=poll.result or {},
    ))


@router.get("/polls/{poll_id}/ballots", response={404: ProblemOut}, summary="The committed ballot list (its SHA-256 is on the record)")
def ballots(request: HttpRequest, poll_id: int) -> Any:
    poll, _member = get_poll_for(request.user, poll_id, published=True)
    if poll.state != Poll.State.PUBLISHED:
        return Status(404, ProblemOut(detail=_("The ballot list is published with the result.")))
    return HttpResponse(queries.ballot_list_bytes(poll), content_type="application/json")


@router.post("/polls/{poll_id}/paper-batches", response={201: BatchOut}, summary="Enter a batch of paper ballots or show-of-hands totals")
def paper_batch(request: HttpRequest, poll_id: int, payload: BatchIn) -> Status:
    poll, member = get_poll_for(request.user, poll_id)
    if poll.yes_no:
        if None in (payload.yes, payload.no, payload.abstain):
            raise InvalidInput(_("body.yes, body.no, body.abstain: a yes/no poll takes the three totals."))
        lines = content.totals_lines(payload.yes or 0, payload.no or 0, payload.abstain or 0)
    else:
        if payload.lines is None:
            raise InvalidInput(_("body.lines: this poll takes lines of papers, 'COUNT: NUMBERS'."))
        lines = content.batch_lines(poll, payload.lines, poll.options.count())
    batch = actions.enter_paper_batch(poll, by=member, lines=lines)
    return Status(201, BatchOut(number=batch.number, lines=batch.lines, papers=batch.papers, sha256=batch.sha256, entry_index=batch.entry_index))
