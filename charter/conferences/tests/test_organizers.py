"""One notion of a conference's organizer: the people the convening decision named. A member of
the convening body who was not named does not run the door, the badges or the programme; a named
organizer who does not sit on that body does (and chairs the floor: charter/floor/tests)."""

from __future__ import annotations

import pytest

from charter.conferences import actions, queries
from charter.conferences.models import CheckIn, Session
from charter.conferences.tests.conftest import convene_organized_by
from charter.record.models import Entry
from charter.rulebook.enforce import Refused
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db


def test_organizers_are_those_the_convening_decision_named(cast, conference):
    cc_member = cast.cc_members[0]  # on the convening body, not named
    assert queries.organizes(conference, cast.sara) and queries.organizes(conference, cast.zainab)
    assert not queries.organizes(conference, cc_member)
    assert not queries.organizes(conference, None)


def test_a_cc_member_not_named_cannot_set_the_programme_or_check_in(cast, conference, at, client):
    cc_member = cast.cc_members[0]
    with pytest.raises(Refused) as refused:
        actions.add_session(conference, by=cc_member, day=conference.starts_on, title="Opening")
    assert "6.1" in refused.value.articles
    assert not Session.objects.filter(conference=conference).exists()
    alice = actions.register_for_conference(conference, by=cast.alice)
    at("2026-03-07T08:00:00")
    with pytest.raises(Refused):
        actions.check_in(conference, by=cc_member, code=alice.code)
    assert not CheckIn.objects.exists()
    login_as(client, cc_member)
    assert client.get(f"/conferences/{conference.pk}/check-in/").status_code == 404


def test_a_named_organizer_off_the_cc_runs_the_door(cast, conference, at, client):
    other = convene_organized_by(cast, cast.bilal)  # a branch secretary, not on the CC
    start = other.starts_on
    alice = actions.register_for_conference(other, by=cast.alice)
    at(f"{start.isoformat()}T08:00:00")
    row, created = actions.check_in(other, by=cast.bilal, code=alice.code)
    assert created and Entry.objects.get(index=row.entry_index).act == "check_in_participant"
    login_as(client, cast.bilal)
    assert client.get(f"/conferences/{other.pk}/check-in/").status_code == 200
