"""The hall screen, the chair's console, the participant's phone and the live stream.
Every change goes through ``floor.actions``; who may see what comes from ``floor.permissions``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from charter.conferences.models import Item, Participant, Session
from charter.floor import actions, live, permissions, queries
from charter.floor.models import Amendment, Hall, Question, Resolution, SpeakRequest
from charter.lib.errors import InvalidInput
from charter.rulebook.enforce import Refused
from charter.rulebook.refusal import render_refusal
from charter.voting import actions as voting
from charter.voting.models import Poll


def _do(request: HttpRequest, call: Callable[[], Any], back: str) -> HttpResponse:
    try:
        call()
    except Refused as refusal:
        return render_refusal(request, refusal)
    except InvalidInput as exc:
        messages.error(request, str(exc))
    return redirect(back)


# --- the hall screen and the stream -------------------------------------------------------------------


def _may_watch(request: HttpRequest, pk: int) -> None:
    code = request.GET.get("code", "")
    if code:
        permissions.get_participant(pk, code)
        return
    permissions.get_conference_for_organizer(request.user, pk)


@never_cache
def hall(request: HttpRequest, pk: int) -> HttpResponse:
    """The projector's page: current item, who has the floor and their remaining time, the list."""
    _may_watch(request, pk)
    conference = permissions.get_conference(pk)
    return render(
        request,
        "floor/hall.html",
        {
            "conference": conference,
            "state": queries.snapshot(pk),
            "code": request.GET.get("code", ""),
        },
    )


def _stream_check(user: Any, pk: int, code: str) -> int:
    from charter.voting.live import release_connection

    try:
        if code:
            return permissions.get_participant(pk, code).conference_id
        return permissions.get_conference_for_organizer(user, pk)[0].pk
    finally:
        release_connection()


async def live_stream(request: HttpRequest, pk: int) -> HttpResponse:
    """The conference's live state as server-sent events (``floor.live``)."""
    conference_id = await sync_to_async(_stream_check)(
        await request.auser(), pk, request.GET.get("code", "")
    )
    last = request.headers.get("Last-Event-ID", "")[:64]
    response = StreamingHttpResponse(
        live.events(conference_id, last_event_id=last), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


# --- the participant's phone ----------------------------------------------------------------------------


@login_required
def my_phone(request: HttpRequest, pk: int) -> HttpResponse:
    participant = permissions.participant_of(request.user, pk)
    return redirect("floor:phone", pk=pk, code=participant.code)


@never_cache
def phone(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    participant = permissions.get_participant(pk, code)
    state = queries.snapshot(pk) or {}
    hall_row = Hall.objects.filter(conference_id=pk).select_related("item", "poll").first()
    item = hall_row.item if hall_row else None
    mine = (
        SpeakRequest.objects.filter(
            item=item, participant=participant, state__in=SpeakRequest.ACTIVE
        ).first()
        if item
        else None
    )
    accepted = []
    lead_off = item is not None and item.lead_off_id == participant.pk
    if lead_off:
        accepted = list(
            Question.objects.filter(
                session_id=item.session_id, state=Question.State.ACCEPTED
            ).order_by("submitted_at", "id")
        )
    resolutions = Resolution.objects.filter(conference_id=pk).order_by("number")
    return render(
        request,
        "floor/phone.html",
        {
            "conference": participant.conference,
            "participant": participant,
            "state": state,
            "item": item,
            "mine": mine,
            "accepted": accepted,
            "lead_off": lead_off,
            "resolutions": resolutions,
            "key": secrets.token_hex(8),
        },
    )


def _phone_back(pk: int, code: str) -> str:
    return reverse("floor:phone", kwargs={"pk": pk, "code": code})


def _posted(request: HttpRequest, model: Any, field: str, **scope: Any) -> Any:
    """The row of ``model`` named by the form's ``field``, within ``scope`` (404 otherwise)."""
    return get_object_or_404(model, pk=request.POST.get(field) or 0, **scope)


def _phone_act(
    request: HttpRequest, pk: int, code: str, act: Callable[[Participant], Any]
) -> HttpResponse:
    """A participant's act from their phone (the badge's code is the key), then back to the phone."""
    participant = permissions.get_participant(pk, code)
    return _do(request, lambda: act(participant), _phone_back(pk, code))


@require_POST
def phone_speak(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _phone_act(
        request,
        pk,
        code,
        lambda participant: actions.ask_to_speak(
            _posted(request, Item, "item", session__conference_id=pk),
            participant=participant,
            point_of_order=request.POST.get("kind") == "order",
        ),
    )


@require_POST
def phone_withdraw(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _phone_act(
        request,
        pk,
        code,
        lambda participant: actions.withdraw_request(
            _posted(request, SpeakRequest, "request", participant=participant),
            participant=participant,
        ),
    )


@require_POST
def phone_question(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    def send(participant: Participant) -> None:
        actions.submit_question(
            _posted(request, Session, "session", conference_id=pk),
            participant=participant,
            text=request.POST.get("text", ""),
            key=request.POST.get("key", ""),
        )
        messages.success(request, _("Your question was sent to the moderators."))

    return _phone_act(request, pk, code, send)


@require_POST
def phone_vote(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    def cast(participant: Participant) -> None:
        hall_row = Hall.objects.filter(conference_id=pk).first()
        if (
            hall_row is None
            or hall_row.poll_id is None
            or str(hall_row.poll_id) != request.POST.get("poll")
        ):
            raise InvalidInput(_("That vote is no longer the one in the hall."))
        if participant.member_id is None:
            raise PermissionDenied
        voting.cast_vote(
            Poll.objects.get(pk=hall_row.poll_id),
            voter=participant.member,
            vote=request.POST.get("vote"),
            idempotency_key=request.POST.get("key", ""),
        )
        messages.success(request, _("Your vote was counted."))

    return _phone_act(request, pk, code, cast)


@require_POST
def phone_support(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _phone_act(
        request,
        pk,
        code,
        lambda participant: actions.support_resolution(
            _posted(request, Resolution, "resolution", conference_id=pk), participant=participant
        ),
    )


@require_POST
def phone_resolution(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _phone_act(
        request,
        pk,
        code,
        lambda participant: actions.submit_resolution(
            permissions.get_conference(pk),
            participant=participant,
            title=request.POST.get("title", ""),
            text=request.POST.get("text", ""),
        ),
    )


@require_POST
def phone_amendment(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _phone_act(
        request,
        pk,
        code,
        lambda participant: actions.submit_amendment(
            _posted(request, Resolution, "resolution", conference_id=pk),
            participant=participant,
            replaces=request.POST.get("replaces", ""),
            by_text=request.POST.get("by_text", ""),
        ),
    )


# --- the chair's console ----------------------------------------------------------------------------------


@login_required
@never_cache
def chair(request: HttpRequest, pk: int) -> HttpResponse:
    conference, _member = permissions.get_conference_for_organizer(request.user, pk)
    hall_row = (
        Hall.objects.filter(conference=conference)
        .select_related("item", "speaker", "speaker__participant", "poll")
        .first()
    )
    item = hall_row.item if hall_row else None
    items = (
        Item.objects.filter(session__conference=conference)
        .select_related("session")
        .order_by("session__day", "session__order", "session_id", "number")
    )
    questions = []
    if item is not None:
        questions = list(
            Question.objects.filter(session_id=item.session_id)
            .exclude(state=Question.State.MERGED)
            .select_related("participant")
            .order_by("state", "submitted_at", "id")[:300]
        )
    resolutions = list(
        Resolution.objects.filter(conference=conference)
        .prefetch_related("amendments", "supports")
        .order_by("number")
    )
    return render(
        request,
        "floor/chair.html",
        {
            "conference": conference,
            "hall": hall_row,
            "item": item,
            "items": items,
            "line": queries.speakers(item) if item else [],
            "questions": questions,
            "resolutions": resolutions,
            "counts": queries.question_counts(conference),
            "modes": [
                (Poll.Mode.SECRET, _("electronic, secret")),
                (Poll.Mode.NAMED, _("electronic, named")),
                (Poll.Mode.PAPER, _("cards counted in the hall, typed in")),
            ],
        },
    )


def _chair_back(pk: int) -> str:
    return reverse("floor:chair", kwargs={"pk": pk})


@login_required
@require_POST
def chair_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    conference, member = permissions.get_conference_for_organizer(request.user, pk)
    post = request.POST

    def item() -> Item:
        return get_object_or_404(Item, pk=post.get("item") or 0, session__conference=conference)

    def speech() -> SpeakRequest:
        return get_object_or_404(
            SpeakRequest, pk=post.get("request") or 0, item__session__conference=conference
        )

    def question(field: str = "question") -> Question:
        return get_object_or_404(Question, pk=post.get(field) or 0, session__conference=conference)

    def target() -> Resolution | Amendment:
        if post.get("amendment"):
            return get_object_or_404(
                Amendment, pk=post.get("amendment"), resolution__conference=conference
            )
        return get_object_or_404(Resolution, pk=post.get("resolution") or 0, conference=conference)

    calls: dict[str, Callable[[], Any]] = {
        "item": lambda: actions.set_current_item(item(), by=member),
        "order": lambda: actions.order_speakers(
            item(),
            by=member,
            first_time_first=bool(post.get("first_time")),
            balance=bool(post.get("balance")),
        ),
        "next": lambda: actions.call_next_speaker(item(), by=member),
        "start": lambda: actions.start_timer(speech(), by=member),
        "stop": lambda: actions.stop_timer(speech(), by=member),
        "accept": lambda: actions.moderate_question(question(), by=member, decision="accept"),
        "reject": lambda: actions.moderate_question(question(), by=member, decision="reject"),
        "merge": lambda: actions.moderate_question(
            question(), by=member, decision="merge", into=question("into")
        ),
        "vote": lambda: actions.put_to_vote(
            target(), by=member, mode=post.get("mode") or Poll.Mode.SECRET
        ),
        "declare": lambda: actions.declare_result(target(), by=member),
    }
    if name not in calls:
        raise Http404
    return _do(request, calls[name], _chair_back(pk))
