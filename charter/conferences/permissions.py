"""The only way a view gets a conference for a user. Every member sees conferences, their
programmes and reports; the organizers' pages (check-in, badges, observers) are for organizers."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from charter.conferences.models import Commission, Conference, Participant
from charter.conferences.queries import organizes
from charter.members import permissions
from charter.members.models import Member


def get_conference_for(user, pk: int) -> tuple[Conference, Member]:  # type: ignore[no-untyped-def]
    viewer = permissions.member_of(user)
    conference = Conference.objects.select_related("body", "body__unit").filter(pk=pk).first()
    if conference is None:
        raise Http404
    return conference, viewer


def get_organized_conference_for(user, pk: int) -> tuple[Conference, Member]:  # type: ignore[no-untyped-def]
    """404 unless the viewer is one of the conference's organizers (the act asks the rules again)."""
    conference, viewer = get_conference_for(user, pk)
    if not organizes(conference, viewer):
        raise Http404
    return conference, viewer


def get_chaired_commission_for(user, pk: int) -> tuple[Commission, Member]:  # type: ignore[no-untyped-def]
    viewer = permissions.member_of(user)
    commission = (
        Commission.objects.select_related("conference", "chair")
        .filter(pk=pk, chair__member=viewer)
        .first()
    )
    if commission is None:
        raise Http404
    return commission, viewer


def deciding_kinds(act: str, rb: Any = None) -> list[str]:
    """The kinds of body the rules (``rb``, else those in force) name to take ``act`` at their meeting."""
    from charter.lib import clock
    from charter.rulebook.store import rulebook_on

    rb = rb if rb is not None else rulebook_on(clock.today())
    try:
        deciders = rb.act(act).get("decided_by") or []
    except KeyError:
        return []
    return [str(d["body"]) for d in deciders if isinstance(d, dict) and d.get("body")]


def sits_on_a_body_of(member: Member, kinds: list[str]) -> bool:
    from charter.lib import clock
    from charter.org.models import Body
    from charter.rulebook import rosters
    from charter.rulebook.store import rulebook_on

    today = clock.today()
    rb = rulebook_on(today)
    return any(
        rosters.sits_on(body, member, today, rb)
        for body in Body.objects.filter(kind__in=kinds).select_related("unit")
    )


def voting_participant(conference: Conference, viewer: Member) -> Participant | None:
    """The viewer's registration at the conference, if it carries a vote."""
    return (
        Participant.objects.filter(conference=conference, member=viewer, has_vote=True)
        .exclude(credentials=Participant.Credentials.REJECTED)
        .first()
    )


def own_registration(conference: Conference, viewer: Member) -> Participant | None:
    """The viewer's registration at the conference (the one with a vote first), whoever they are:
    what a dispute over credentials is raised as; the rules refuse one without a vote."""
    return voting_participant(conference, viewer) or (
        Participant.objects.filter(conference=conference, member=viewer).first()
    )


def get_credentials_conference_for(user, pk: int) -> tuple[Conference, Member]:  # type: ignore[no-untyped-def]
    """404 unless the viewer organizes the conference, sits on a body the rules name to decide
    disputes over credentials, or is registered at it with a vote (and so may dispute another's):
    the list names the people whose credentials are in question."""
    conference, viewer = get_conference_for(user, pk)
    if (
        not organizes(conference, viewer)
        and not sits_on_a_body_of(viewer, deciding_kinds("decide_credentials"))
        and voting_participant(conference, viewer) is None
    ):
        raise Http404
    return conference, viewer


def get_delegation_for(user, pk: int, unit_pk: int):  # type: ignore[no-untyped-def]
    """A congress's allocation of delegates to one unit, for a member of the body that elects them
    there (the branch meeting: its members, and so its secretary); 404 otherwise."""
    from charter.conferences.models import DelegateAllocation
    from charter.lib import clock
    from charter.org.models import Body
    from charter.rulebook import rosters
    from charter.rulebook.store import rulebook_on

    conference, viewer = get_conference_for(user, pk)
    allocation = (
        DelegateAllocation.objects.select_related("unit")
        .filter(conference=conference, unit_id=unit_pk, conference__kind=Conference.Kind.CONGRESS)
        .first()
    )
    if allocation is None:
        raise Http404
    today = clock.today()
    rb = rulebook_on(today)
    rule = rb.body(conference.body.kind).get("delegates") or {}
    body = Body.objects.filter(kind=rule.get("elected_by"), unit=allocation.unit).first()
    if body is None or not rosters.sits_on(body, viewer, today, rb):
        raise Http404
    return conference, allocation, body, viewer
