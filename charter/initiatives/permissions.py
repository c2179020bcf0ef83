"""The only way a view gets an initiative for a user: initiatives are open to every member."""

from __future__ import annotations

from django.http import Http404

from charter.initiatives.models import Initiative
from charter.members import permissions
from charter.members.models import Member


def get_initiative_for(user, pk: int) -> tuple[Initiative, Member]:  # type: ignore[no-untyped-def]
    """The initiative and the viewer's membership (404 for people who are not members)."""
    viewer = permissions.member_of(user)
    initiative = Initiative.objects.select_related("addressed_to", "addressed_to__unit", "started_by").filter(pk=pk).first()
    if initiative is None:
        raise Http404
    return initiative, viewer
