"""The only way a view gets a conference for a user. Every member sees conferences, their
programmes and reports; the organizers' pages (check-in, badges, observers) are for organizers."""

from __future__ import annotations

from django.http import Http404

from charter.conferences.models import Commission, Conference
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
    if not conference.organizers.filter(pk=viewer.pk).exists():
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
