"""The only way a view gets a member or a person's own membership for a user."""

from __future__ import annotations

from django.http import Http404

from charter.members.models import Member
from charter.org.models import Mandate


def member_of(user) -> Member:  # type: ignore[no-untyped-def]
    """The signed-in user's own membership (404 for users who are not members)."""
    member = getattr(user, "member", None) if user.is_authenticated else None
    if member is None:
        raise Http404("You have no membership in this organization.")
    return member


def officer_units(member: Member) -> list[str]:
    """Paths of the units whose members this person may look up: those of the bodies they sit on."""
    return list(Mandate.objects.current().filter(member=member, suspended=False).values_list("body__unit__path", flat=True).distinct())


def get_member_for(user, pk: int) -> Member:  # type: ignore[no-untyped-def]
    """A member's page: themself, or someone in a unit where the viewer sits on a body."""
    viewer = member_of(user)
    member = Member.objects.select_related("branch").filter(pk=pk).first()
    if member is None:
        raise Http404
    if member.pk == viewer.pk:
        return member
    if any(member.branch.path.startswith(p) for p in officer_units(viewer)):
        return member
    raise Http404
