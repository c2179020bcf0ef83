"""Who may do what on a conference's floor, for views and the API.

The chair and the moderators are the conference's organizers: the people the convening decision
named, as at the door and on the programme (``charter.conferences.queries.organizes``; decision
0015). A participant's phone is opened with the code on their badge, or by signing in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from charter.conferences.models import Conference, Participant
from charter.conferences.queries import organizes
from charter.members.models import Member


def is_organizer(conference: Conference, member: Member | None) -> bool:
    return organizes(conference, member)


def member_or_none(user: Any) -> Member | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Member.objects.filter(user=user).first()


def get_conference(pk: int) -> Conference:
    """Any conference's hall screen is public: it shows what the hall's projector shows."""
    return get_object_or_404(Conference.objects.select_related("body"), pk=pk)


def get_conference_for_organizer(user: Any, pk: int) -> tuple[Conference, Member]:
    conference = get_conference(pk)
    member = member_or_none(user)
    if member is None or not is_organizer(conference, member):
        raise PermissionDenied
    return conference, member


def get_participant(conference_pk: int, code: str) -> Participant:
    """The participant whose badge carries ``code`` (404 otherwise): the badge is the phone's key."""
    participant = (
        Participant.objects.select_related("conference", "member")
        .filter(conference_id=conference_pk, code=code)
        .first()
    )
    if participant is None:
        raise Http404
    return participant


def participant_of(user: Any, conference_pk: int) -> Participant:
    member = member_or_none(user)
    participant = (
        Participant.objects.filter(conference_id=conference_pk, member=member).first()
        if member
        else None
    )
    if participant is None:
        raise Http404
    return participant
