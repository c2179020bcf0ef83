"""TEST SETUP ONLY: a conference with its programme and participants, written directly as rows.

Registration, the programme and check-in are another app's acts (charter.conferences) and are not
under test here; the floor's tests need a conference that exists. The conference is convened by the
cast's Central Committee, so its organizers (chair and moderators) are the CC's members (sara,
zainab); alice, bilal, farhan, saima and rashid are registered with a vote, an observer without.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from charter.conferences.models import Conference, Item, Participant, Session


def conference_setup(cast: Any) -> SimpleNamespace:
    now = dt.datetime(2026, 3, 7, 9, 0, tzinfo=dt.UTC)
    conference = Conference.objects.create(
        body=cast.bodies["cc"],
        kind=Conference.Kind.CONFERENCE,
        title="National Conference",
        venue="City Hall",
        starts_on=dt.date(2026, 3, 7),
        ends_on=dt.date(2026, 3, 8),
        state=Conference.State.OPEN,
        attributes=[{"key": "gender", "label": "Gender"}],
    )
    people = {}
    for i, (key, gender) in enumerate(
        [
            ("alice", "woman"),
            ("bilal", "man"),
            ("farhan", "man"),
            ("saima", "woman"),
            ("rashid", "man"),
            ("sara", "woman"),
        ]
    ):
        m = getattr(cast, key)
        people[key] = Participant.objects.create(
            conference=conference,
            member=m,
            name=m.name,
            category=Participant.Category.DELEGATE,
            has_vote=key != "sara",
            attributes={"gender": gender},
            code=f"CODE{i:04d}{key[:4].upper()}",
            registered_at=now,
        )
    people["observer"] = Participant.objects.create(
        conference=conference,
        name="Observer from abroad",
        category=Participant.Category.OBSERVER,
        has_vote=False,
        attributes={"gender": "woman"},
        code="OBSERVER0001",
        registered_at=now,
    )
    international = Session.objects.create(
        conference=conference, day=dt.date(2026, 3, 7), title="International perspectives", order=1
    )
    national = Session.objects.create(
        conference=conference, day=dt.date(2026, 3, 7), title="National perspectives", order=2
    )
    item = Item.objects.create(
        session=international,
        number=1,
        title="Lead-off and discussion",
        lead_off=people["rashid"],
        speaking_seconds=180,
    )
    other = Item.objects.create(
        session=national,
        number=1,
        title="Lead-off",
        lead_off_name="A union secretary",
        speaking_seconds=120,
    )
    return SimpleNamespace(
        conference=conference,
        item=item,
        other=other,
        international=international,
        national=national,
        chair=cast.sara,
        **people,
    )


@pytest.fixture
def conf(cast, at):  # type: ignore[no-untyped-def]
    at("2026-03-07T10:00:00")
    return conference_setup(cast)
