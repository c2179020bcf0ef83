from __future__ import annotations

import pytest

from charter.members.actions import admit_member, apply_for_membership
from charter.members.models import Member
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold


def rc_members(body):  # type: ignore[no-untyped-def]
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True))


@pytest.fixture
def newcomer(cast, at):  # type: ignore[no-untyped-def]
    """Naveed, admitted to Karachi Central in February 2026: his dues are paid to his admission."""
    at("2026-01-20T10:00:00")
    applicant = apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="naveed@example.org")
    rc = cast.bodies["rc"]
    meeting = hold(rc, by=cast.rashid, present=rc_members(rc), notice_days=8)
    admit_member(applicant, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 0, 0)))
    applicant.refresh_from_db()
    return applicant
