"""A conference on the floor, built through the conferences' own acts (charter.conferences): the
cast's Central Committee convenes it at a meeting with sara and zainab organizing (so they chair
and moderate); alice, bilal, farhan, saima and rashid register with a vote; sara registers too, and
a dispute over her credentials takes her vote away; an organizer registers an observer, without a
vote. Two sessions, each with an item."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from charter.conferences import actions
from charter.conferences.tests.conftest import cc_decision
from charter.lib import clock

OPENS = dt.datetime(2026, 3, 7, 9, 0, tzinfo=dt.UTC)


def conference_setup(cast: Any) -> SimpleNamespace:
    clock.set_frozen(OPENS - dt.timedelta(days=60))
    conference = actions.convene_conference(
        decision=cc_decision(cast),
        kind="conference",
        title="National Conference",
        venue="City Hall",
        starts_on=OPENS.date(),
        ends_on=OPENS.date() + dt.timedelta(days=1),
        registration_closes_on=OPENS.date() - dt.timedelta(days=1),
        organizers=[cast.sara, cast.zainab],
    )
    people = {}
    for key, gender in [("alice", "woman"), ("bilal", "man"), ("farhan", "man"), ("saima", "woman"), ("rashid", "man"), ("sara", "woman")]:
        people[key] = actions.register_for_conference(conference, by=getattr(cast, key), attributes={"gender": gender})
    people["observer"] = actions.register_observer(conference, by=cast.sara, name="Observer from abroad", attributes={"gender": "woman"})
    actions.decide_credentials(people["sara"], decision=cc_decision(cast, reasons="Her branch did not elect her."), accept=False)
    people["sara"].refresh_from_db()
    international = actions.add_session(conference, by=cast.sara, day=OPENS.date(), title="International perspectives")
    national = actions.add_session(conference, by=cast.sara, day=OPENS.date(), title="National perspectives")
    item = actions.add_item(international, by=cast.sara, title="Lead-off and discussion", lead_off=people["rashid"], speaking_seconds=180)
    other = actions.add_item(national, by=cast.sara, title="Lead-off", lead_off_name="A union secretary", speaking_seconds=120)
    clock.set_frozen(OPENS)
    return SimpleNamespace(
        conference=conference, item=item, other=other, international=international, national=national,
        chair=cast.sara, **people,
    )


@pytest.fixture
def conf(cast, at):  # type: ignore[no-untyped-def]
    return conference_setup(cast)
