"""A national conference convened by the cast's Central Committee at a meeting, with sara organizing."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.conferences import actions
from charter.conferences.models import Conference
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision
from charter.testing.meetings import hold


def cc_decision(cast, votes=(12, 0, 0), reasons=""):  # type: ignore[no-untyped-def]
    cc = cast.bodies["cc"]
    present = [cast.sara, cast.zainab, *cast.cc_members]
    meeting = hold(cc, by=cast.sara, present=present)
    return Decision(by=cast.sara, body=cc, meeting=meeting, votes=J.Votes(*votes), reasons=reasons)


@pytest.fixture
def conference(cast):  # type: ignore[no-untyped-def]
    decision = cc_decision(cast)
    return actions.convene_conference(
        decision=decision,
        kind="conference",
        title="National Conference",
        venue="City Hall",
        starts_on=dt.date(2026, 3, 7),
        ends_on=dt.date(2026, 3, 8),
        registration_closes_on=dt.date(2026, 3, 6),
        organizers=[cast.sara, cast.zainab],
    )


@pytest.fixture
def congress(cast):  # type: ignore[no-untyped-def]
    """The Congress, convened by the CC at its meeting with 70 days' notice (60 are needed)."""
    decision = cc_decision(cast)
    start = decision.meeting.starts_at.date() + dt.timedelta(days=70)
    return actions.convene_conference(
        decision=decision,
        kind=Conference.Kind.CONGRESS,
        title="Third Congress",
        starts_on=start,
        ends_on=start + dt.timedelta(days=1),
    )


def convene_organized_by(cast, *organizers, title="Regional school"):  # type: ignore[no-untyped-def]
    """A one-day conference 20 days after the CC's meeting, organized by ``organizers``."""
    decision = cc_decision(cast)
    start = decision.meeting.starts_at.date() + dt.timedelta(days=20)
    return actions.convene_conference(
        decision=decision,
        kind="conference",
        title=title,
        starts_on=start,
        ends_on=start,
        organizers=list(organizers),
    )
