"""The floor asks the conferences' one notion of an organizer (those the convening decision named):
a member of the convening body who was not named does not chair; a named organizer who does not sit
on that body does, on the page and in the acts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from charter.conferences import actions as conferences
from charter.conferences.tests.conftest import convene_organized_by
from charter.floor import actions
from charter.floor.models import Hall
from charter.testing.web import login_as


def test_a_cc_member_not_named_does_not_chair(conf, cast, client):
    cc_member = cast.cc_members[0]
    with pytest.raises(PermissionDenied):
        actions.set_current_item(conf.item, by=cc_member)
    assert not Hall.objects.filter(conference=conf.conference, item=conf.item).exists()
    login_as(client, cc_member)
    assert client.get(f"/conferences/{conf.conference.pk}/floor/chair/").status_code == 403


@pytest.mark.django_db
def test_a_named_organizer_off_the_cc_chairs(cast, client, at):
    conference = convene_organized_by(cast, cast.bilal)  # not on the CC
    start = conference.starts_on
    session = conferences.add_session(conference, by=cast.bilal, day=start, title="Opening")
    item = conferences.add_item(session, by=cast.bilal, title="Welcome")
    hall = actions.set_current_item(item, by=cast.bilal)
    assert hall.item_id == item.pk
    login_as(client, cast.bilal)
    assert client.get(f"/conferences/{conference.pk}/floor/chair/").status_code == 200


@pytest.mark.django_db
def test_a_named_organizer_off_the_cc_runs_the_floors_votes_and_a_cc_member_not_named_does_not(
    cast, at
):
    """The votes of the floor are run by the conference's organizers (the poll names its conference
    as its taker), not by the members of the body that convened it."""
    from charter.floor.models import Resolution
    from charter.rulebook.enforce import Refused
    from charter.voting import actions as voting
    from charter.voting.models import Poll

    conference = convene_organized_by(cast, cast.bilal)  # not on the CC
    at(conference.starts_on.isoformat() + "T09:00:00")
    alice = conferences.register_for_conference(conference, by=cast.alice)
    resolution = actions.submit_resolution(
        conference, participant=alice, title="Greetings", text="Greetings to the port workers."
    )
    poll = actions.put_to_vote(resolution, by=cast.bilal)
    assert poll.state == Poll.State.OPEN and poll.taken_by == f"conference:{conference.pk}"
    voting.cast_vote(poll, voter=cast.alice, vote="yes", idempotency_key="k1")
    with pytest.raises(Refused) as refused:  # on the CC, but not named: runs nothing here
        voting.close_poll(poll, by=cast.cc_members[0])
    assert [b.code for b in refused.value.breaches] == ["not_organizer"]
    voting.close_poll(poll, by=cast.bilal)
    voting.publish_poll(poll, by=cast.bilal)
    decided = actions.declare_result(resolution, by=cast.bilal)
    assert decided.state == Resolution.State.ADOPTED
