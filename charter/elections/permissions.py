"""The only way a view gets an election or the body whose seats it fills: elections are open to every
member of the organization (the candidates, the count and the result are the members' business)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from charter.elections.models import Candidacy, Election
from charter.members.models import Member
from charter.members.permissions import member_of
from charter.org.models import Body


def get_election_for(user, pk: int) -> tuple[Election, Member]:  # type: ignore[no-untyped-def]
    member = member_of(user)
    election = get_object_or_404(Election.objects.select_related("seat_body", "seat_body__unit", "electing_body", "electing_body__unit", "meeting", "poll"), pk=pk)
    return election, member


def get_candidacy_for(user, election: Election, pk: int | None) -> Candidacy:  # type: ignore[no-untyped-def]
    member_of(user)
    return get_object_or_404(Candidacy.objects.select_related("member", "election"), election=election, pk=pk)


def get_seat_body_for(user, pk: int) -> tuple[Body, Member]:  # type: ignore[no-untyped-def]
    member = member_of(user)
    return get_object_or_404(Body.objects.select_related("unit"), pk=pk), member
