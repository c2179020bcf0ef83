"""The floor over the API, for phones: ask to speak, send a written question (with a key, so a
resend is kept once), and the hall's state; the question counts per session for organizers. A phone
speaks for the participant whose badge code is in the path (decision 0015)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from charter.conferences.models import Item, Session
from charter.floor import actions, permissions, queries

router = Router(tags=["conference floor"])


class QuestionIn(Schema):
    session: int
    text: str = Field(..., max_length=1000)
    key: str = Field(..., min_length=1, max_length=100)


class QuestionOut(Schema):
    id: int
    session: int
    state: str
    replayed: bool


class SpeakIn(Schema):
    item: int
    point_of_order: bool = False


class SpeakOut(Schema):
    id: int
    item: int
    kind: str
    state: str


@router.post(
    "/conferences/{pk}/phones/{code}/questions", response={201: QuestionOut, 200: QuestionOut}
)
def send_question(request: HttpRequest, pk: int, code: str, payload: QuestionIn) -> Status:
    participant = permissions.get_participant(pk, code)
    session = get_object_or_404(Session, pk=payload.session, conference_id=pk)
    question, replayed = actions.submit_question(
        session, participant=participant, text=payload.text, key=payload.key
    )
    return Status(
        200 if replayed else 201,
        {
            "id": question.pk,
            "session": question.session_id,
            "state": question.state,
            "replayed": replayed,
        },
    )


@router.post("/conferences/{pk}/phones/{code}/speak", response={201: SpeakOut})
def ask_to_speak(request: HttpRequest, pk: int, code: str, payload: SpeakIn) -> Status:
    participant = permissions.get_participant(pk, code)
    item = get_object_or_404(Item, pk=payload.item, session__conference_id=pk)
    row = actions.ask_to_speak(item, participant=participant, point_of_order=payload.point_of_order)
    return Status(201, {"id": row.pk, "item": row.item_id, "kind": row.kind, "state": row.state})


@router.get("/conferences/{pk}/phones/{code}/hall")
def hall_state(request: HttpRequest, pk: int, code: str) -> dict[str, Any]:
    permissions.get_participant(pk, code)
    return queries.snapshot(pk) or {}


@router.get("/conferences/{pk}/question-counts")
def question_counts(request: HttpRequest, pk: int) -> dict[str, dict[str, int]]:
    try:
        conference, _member = permissions.get_conference_for_organizer(request.user, pk)
    except PermissionDenied as exc:
        raise HttpError(
            403, "Only the organizers of the conference see its question counts."
        ) from exc
    return {str(k): v for k, v in queries.question_counts(conference).items()}
