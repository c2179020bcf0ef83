"""A national conference convened by the cast's Central Committee at a meeting, with sara organizing."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.conferences import actions
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision
from charter.testing.meetings import hold


def cc_decision(cast, votes=(12, 0, 0)):  # type: ignore[no-untyped-def]
    cc = cast.bodies["cc"]
    present = [cast.sara, cast.zainab, *cast.cc_members]
    meeting = hold(cc, by=cast.sara, present=present)
    return Decision(by=cast.sara, body=cc, meeting=meeting, votes=J.Votes(*votes))


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
