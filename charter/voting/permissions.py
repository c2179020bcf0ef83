"""The only way a view or the API gets a poll or a body's polls for a user.

A poll is open to the members of its body (the body's attendees: for a branch meeting, every member
of the branch); its published result and ballot list to every member of the organization."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from charter.lib import clock, prepared
from charter.members.models import Member
from charter.members.permissions import member_of
from charter.org.models import Body
from charter.rulebook import rosters
from charter.rulebook.store import rulebook_on
from charter.voting.models import Poll

_compiled = prepared.Cache()


def _poll(pk: int) -> Poll | None:
    """The poll with what every page and call about it reads, by a query compiled once."""
    query = _compiled.get("poll", lambda mark: Poll.objects.select_related("body", "body__unit", "meeting", "seat_body").filter(pk=mark))
    found = query.objects(pk)
    return found[0] if found else None


def on_body(body: Body, member: Member) -> bool:
    today = clock.today()
    return rosters.sits_on(body, member, today, rulebook_on(today))


def get_poll_for(user, pk: int, *, published: bool = False) -> tuple[Poll, Member]:  # type: ignore[no-untyped-def]
    """The poll and the user's membership; 404 unless they sit on its body (or, with
    ``published``, the result is published)."""
    member = member_of(user)
    try:
        poll = _poll(int(pk))
    except (TypeError, ValueError):
        poll = None
    if poll is None:
        raise Http404
    if published and poll.state == Poll.State.PUBLISHED:
        return poll, member
    if on_body(poll.body, member):
        return poll, member
    raise Http404


def get_body_for(user, pk: int) -> tuple[Body, Member, bool]:  # type: ignore[no-untyped-def]
    """A body whose polls the user may list; the flag says whether they sit on it."""
    member = member_of(user)
    body = get_object_or_404(Body.objects.select_related("unit"), pk=pk)
    return body, member, on_body(body, member)
