from __future__ import annotations

import pytest

from charter.members.actions import admit_member, apply_for_membership
from charter.members.models import Member
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold


def rc_members(body):  # type: ignore[no-untyped-def]
    return list(
        Member.objects.filter(
            mandates__body=body, mandates__office="", mandates__ended_on__isnull=True
        )
    )


@pytest.fixture
def newcomer(cast, at):  # type: ignore[no-untyped-def]
    """Naveed, admitted to Karachi Central in February 2026: his dues are paid to his admission."""
    at("2026-01-20T10:00:00")
    applicant = apply_for_membership(
        name="Naveed Khoso", branch=cast.karachi, email="naveed@example.org"
    )
    rc = cast.bodies["rc"]
    meeting = hold(rc, by=cast.rashid, present=rc_members(rc), notice_days=8)
    admit_member(
        applicant, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 0, 0))
    )
    applicant.refresh_from_db()
    return applicant


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    """The documented cast, with a Congress of eleven delegates (who set the dues bands)."""
    from charter.testing.cast import build

    return build(congress_delegates=11)


def congress_sets_bands(cast, bands=None):  # type: ignore[no-untyped-def]
    """The Congress meets (with 60 days' notice) and sets the bands (WDA 10.1)."""
    from charter.money.actions import set_dues_bands

    congress = cast.body("congress")
    delegates = list(
        Member.objects.filter(mandates__body=congress, mandates__ended_on__isnull=True)
    )
    meeting = hold(congress, by=delegates[0], present=delegates, notice_days=61)
    bands = bands or [
        {"name": "Low", "income_from": "0", "income_to": "20000", "monthly": "100"},
        {"name": "Middle", "income_from": "20000", "income_to": "60000", "monthly": "300"},
        {"name": "High", "income_from": "60000", "monthly": "800"},
    ]
    return set_dues_bands(
        bands=bands,
        decision=Decision(by=delegates[0], body=congress, meeting=meeting, votes=Votes(10, 0, 1)),
    )


@pytest.fixture
def bands(cast, at):  # type: ignore[no-untyped-def]
    at("2026-02-01T10:00:00")
    return {b.name: b for b in congress_sets_bands(cast)}
