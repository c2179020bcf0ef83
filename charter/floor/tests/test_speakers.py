"""The list of speakers: asking and withdrawing from the phone, one open request per participant per
item, points of order at the top, the chair's order, calling the next speaker and the timer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from charter.floor import actions, queries
from charter.floor.models import Hall, SpeakRequest
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.record.models import Entry


def names(item):  # type: ignore[no-untyped-def]
    return [r.participant.name for r in queries.speakers(item)]


def test_one_open_request_per_participant_per_item(conf):
    actions.ask_to_speak(conf.item, participant=conf.alice)
    with pytest.raises(InvalidInput):
        actions.ask_to_speak(conf.item, participant=conf.alice)
    with pytest.raises(InvalidInput):  # a point of order too, while on the list
        actions.ask_to_speak(conf.item, participant=conf.alice, point_of_order=True)
    assert SpeakRequest.objects.filter(item=conf.item, participant=conf.alice).count() == 1
    # on another item, and again on this one once withdrawn
    actions.ask_to_speak(conf.other, participant=conf.alice)
    row = SpeakRequest.objects.get(item=conf.item, participant=conf.alice)
    actions.withdraw_request(row, participant=conf.alice)
    actions.ask_to_speak(conf.item, participant=conf.alice)
    assert (
        SpeakRequest.objects.filter(item=conf.item, participant=conf.alice, state="waiting").count()
        == 1
    )


def test_requests_are_procedural_rows_not_record_entries(conf):
    before = Entry.objects.count()
    actions.ask_to_speak(conf.item, participant=conf.alice)
    assert Entry.objects.count() == before


def test_only_the_participant_withdraws_their_request(conf):
    row = actions.ask_to_speak(conf.item, participant=conf.alice)
    with pytest.raises(PermissionDenied):
        actions.withdraw_request(row, participant=conf.bilal)
    assert SpeakRequest.objects.get(pk=row.pk).state == "waiting"


def test_a_point_of_order_goes_to_the_top(conf):
    actions.ask_to_speak(conf.item, participant=conf.alice)
    actions.ask_to_speak(conf.item, participant=conf.bilal)
    actions.ask_to_speak(conf.item, participant=conf.farhan, point_of_order=True)
    assert names(conf.item) == ["Farhan Shaikh", "Alice Baloch", "Bilal Memon"]
    called = actions.call_next_speaker(conf.item, by=conf.chair)
    assert called.participant_id == conf.farhan.pk and called.kind == "order"


def test_the_chair_orders_first_time_speakers_first_and_alternates_by_gender(conf):
    # bilal has spoken before (on the other item), farhan and rashid not
    actions.ask_to_speak(conf.other, participant=conf.bilal)
    actions.call_next_speaker(conf.other, by=conf.chair)
    actions.call_next_speaker(conf.other, by=conf.chair)  # bilal is done
    for p in (conf.bilal, conf.farhan, conf.rashid, conf.alice, conf.saima):
        actions.ask_to_speak(conf.item, participant=p)
    assert names(conf.item) == [
        "Bilal Memon",
        "Farhan Shaikh",
        "Rashid Soomro",
        "Alice Baloch",
        "Saima Jatoi",
    ]
    actions.order_speakers(conf.item, by=conf.chair, first_time_first=True)
    assert names(conf.item) == [
        "Farhan Shaikh",
        "Rashid Soomro",
        "Alice Baloch",
        "Saima Jatoi",
        "Bilal Memon",
    ]
    actions.order_speakers(conf.item, by=conf.chair, first_time_first=True, balance=True)
    assert names(conf.item) == [
        "Farhan Shaikh",
        "Alice Baloch",
        "Rashid Soomro",
        "Saima Jatoi",
        "Bilal Memon",
    ]
    actions.order_speakers(conf.item, by=conf.chair)
    assert names(conf.item) == [
        "Bilal Memon",
        "Farhan Shaikh",
        "Rashid Soomro",
        "Alice Baloch",
        "Saima Jatoi",
    ]


def test_only_organizers_chair(conf):
    actions.ask_to_speak(conf.item, participant=conf.alice)
    version = Hall.objects.get(conference=conf.conference).version
    for act in (actions.call_next_speaker, actions.order_speakers, actions.set_current_item):
        with pytest.raises(PermissionDenied):
            act(conf.item, by=conf.alice.member)
    assert SpeakRequest.objects.get(participant=conf.alice).state == "waiting"
    assert Hall.objects.get(conference=conf.conference).version == version


def test_the_timer_runs_from_start_with_the_items_limit(conf, at):
    actions.ask_to_speak(conf.item, participant=conf.alice)
    actions.ask_to_speak(conf.item, participant=conf.bilal)
    called = actions.call_next_speaker(conf.item, by=conf.chair)
    assert called.state == "called" and called.deadline is None
    hall = Hall.objects.get(conference=conf.conference)
    assert hall.item_id == conf.item.pk and hall.speaker_id == called.pk
    started = at("2026-03-07T10:05:00")
    running = actions.start_timer(called, by=conf.chair)
    assert running.state == "speaking"
    assert running.deadline == started + dt.timedelta(seconds=180)
    with pytest.raises(InvalidInput):  # not twice
        actions.start_timer(called, by=conf.chair)
    state = queries.snapshot(conf.conference.pk)
    assert (
        state["speaker"]["deadline"] == "2026-03-07T10:08:00Z"
        and state["speaker"]["state"] == "speaking"
    )
    at("2026-03-07T10:07:00")
    done = actions.stop_timer(running, by=conf.chair)
    assert done.state == "done" and done.ended_at == clock.now()
    assert queries.snapshot(conf.conference.pk)["speaker"] is None
    # the next call takes bilal; the list is then empty and a further call leaves nobody with the floor
    nxt = actions.call_next_speaker(conf.item, by=conf.chair)
    assert nxt.participant_id == conf.bilal.pk
    assert actions.call_next_speaker(conf.item, by=conf.chair) is None
    assert SpeakRequest.objects.get(pk=nxt.pk).state == "done"


def test_a_timer_cannot_start_for_someone_not_called(conf):
    row = actions.ask_to_speak(conf.item, participant=conf.alice)
    with pytest.raises(InvalidInput):
        actions.start_timer(row, by=conf.chair)
    assert SpeakRequest.objects.get(pk=row.pk).started_at is None
