"""Read models of the floor: question counts per session (for the conference report), and the
public state of the hall that the live stream sends to the hall screen and to every phone."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from charter.conferences.models import Conference, Item
from charter.floor.models import Hall, Question, Resolution, SpeakRequest
from charter.voting import queries as poll_queries
from charter.voting.models import Poll

QUESTION_STATES = ("submitted", "accepted", "merged", "rejected")


def question_counts(conference: Conference) -> dict[int, dict[str, int]]:
    """{session_id: {"submitted": all sent, "pending", "accepted", "merged", "rejected"}} for every
    session of ``conference`` with at least one question, in one query. "submitted" counts every
    question sent; the others split it by what the moderators did ("pending": not yet moderated)."""
    rows = (
        Question.objects.filter(session__conference=conference)
        .values("session_id")
        .annotate(
            submitted=Count("id"),
            pending=Count("id", filter=Q(state="submitted")),
            accepted=Count("id", filter=Q(state="accepted")),
            merged=Count("id", filter=Q(state="merged")),
            rejected=Count("id", filter=Q(state="rejected")),
        )
    )
    return {r.pop("session_id"): r for r in rows}


def speakers(item: Item) -> list[SpeakRequest]:
    """The waiting list in the order it will be called: points of order first, then the chair's order."""
    rows = SpeakRequest.objects.filter(item=item, state=SpeakRequest.State.WAITING).select_related(
        "participant"
    )
    return sorted(
        rows,
        key=lambda r: (
            r.kind != SpeakRequest.Kind.POINT_OF_ORDER,
            r.position,
            r.requested_at,
            r.pk,
        ),
    )


def _when(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def snapshot(conference_id: int) -> dict[str, Any] | None:
    """What the hall screen and every phone show, the same for all: the current item, who has the
    floor and the deadline of their time, the list of speakers (names and kinds), the session's
    question counts, the vote in progress (state and turnout; the totals once published), and the
    resolutions' states. A few small queries, whoever listens."""
    hall = (
        Hall.objects.filter(conference_id=conference_id)
        .select_related("item", "item__session", "speaker", "speaker__participant", "poll")
        .first()
    )
    if hall is None:
        if not Conference.objects.filter(pk=conference_id).exists():
            return None
        return {
            "conference": conference_id,
            "version": 0,
            "item": None,
            "speaker": None,
            "speakers": [],
            "questions": None,
            "poll": None,
            "resolutions": [],
        }
    item = hall.item
    state: dict[str, Any] = {
        "conference": conference_id,
        "version": hall.version,
        "item": None,
        "speaker": None,
        "speakers": [],
        "questions": None,
        "poll": None,
    }
    if item is not None:
        state["item"] = {
            "id": item.pk,
            "number": item.number,
            "title": item.title,
            "session": item.session_id,
            "session_title": item.session.title,
            "lead_off": item.lead_off_name or (item.lead_off.name if item.lead_off_id else ""),
            "speaking_seconds": item.speaking_seconds,
        }
        state["speakers"] = [
            {
                "id": r.pk,
                "name": r.participant.name,
                "order": r.kind == SpeakRequest.Kind.POINT_OF_ORDER,
                "participant": r.participant_id,
            }
            for r in speakers(item)
        ]
        state["questions"] = question_counts_for_session(item.session_id)
    s = hall.speaker
    if s is not None and s.state in (SpeakRequest.State.CALLED, SpeakRequest.State.SPEAKING):
        state["speaker"] = {
            "id": s.pk,
            "name": s.participant.name,
            "participant": s.participant_id,
            "order": s.kind == SpeakRequest.Kind.POINT_OF_ORDER,
            "state": s.state,
            "started_at": _when(s.started_at),
            "deadline": _when(s.deadline),
        }
    poll = hall.poll
    if poll is not None:
        t = poll_queries.turnout(poll)
        state["poll"] = {
            "id": poll.pk,
            "title": poll.title,
            "state": poll.state,
            "mode": poll.mode,
            "voted": t.voted,
            "electorate": t.electorate,
            "totals": (poll.result or {}).get("totals")
            if poll.state == Poll.State.PUBLISHED
            else None,
        }
    state["resolutions"] = [
        {"number": n, "title": title, "state": st}
        for n, title, st in Resolution.objects.filter(conference_id=conference_id)
        .order_by("number")
        .values_list("number", "title", "state")
    ]
    return state


def question_counts_for_session(session_id: int) -> dict[str, int]:
    return Question.objects.filter(session_id=session_id).aggregate(
        submitted=Count("id"),
        accepted=Count("id", filter=Q(state="accepted")),
        pending=Count("id", filter=Q(state="submitted")),
    )


def report_figures(conference: Conference) -> dict[str, Any]:
    """What the conference report reads from the floor (charter.conferences.queries): written
    questions sent per session, and each resolution with its published vote and outcome."""
    questions = {session_id: c["submitted"] for session_id, c in question_counts(conference).items()}
    resolutions = []
    for r in Resolution.objects.filter(conference=conference).select_related("poll").order_by("number"):
        published = r.poll is not None and r.poll.state == Poll.State.PUBLISHED
        totals = (r.poll.result or {}).get("totals", {}) if published and r.poll is not None else {}
        resolutions.append({
            "number": r.number, "title": r.title, "adopted": r.state == Resolution.State.ADOPTED,
            "yes": totals.get("yes", 0), "no": totals.get("no", 0), "abstain": totals.get("abstain", 0),
        })
    return {"questions": questions, "resolutions": resolutions}
