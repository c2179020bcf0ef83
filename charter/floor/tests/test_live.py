"""The conference's live stream: the state the hall screen and phones are sent (current item,
speaker with the deadline of their time, list, question counts, vote), sent on connect and on every
change, not resent to a client that reconnects with the state it has; and who may open it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from django.test import Client

from charter.floor import actions, live, queries
from charter.testing.web import login_as


@pytest.fixture(autouse=True)
def fast(settings):  # type: ignore[no-untyped-def]
    settings.LIVE_INTERVAL = 0.01
    settings.FLOOR_LIVE_INTERVAL = 0.01
    settings.LIVE_HEARTBEAT = 5
    live._channels.clear()
    live._last.clear()
    yield
    live._channels.clear()
    live._last.clear()


def frames(chunks: list[bytes]) -> list[dict[str, Any]]:
    out = []
    for c in chunks:
        if b"event: state" in c:
            out.append(json.loads(c.split(b"data: ", 1)[1]))
    return out


def run(
    states: list[dict[str, Any]], *, reads_wanted: int, last_event_id: str = ""
) -> tuple[list[bytes], int]:
    """One connection served by a reader that returns ``states`` in turn (then the last again);
    ends after ``reads_wanted`` reads."""
    reads = 0
    done = asyncio.Event()

    async def reader(conference_id: int) -> dict[str, Any]:
        nonlocal reads
        reads += 1
        if reads >= reads_wanted:
            done.set()
        return states[min(reads, len(states)) - 1]

    async def scenario() -> list[bytes]:
        got: list[bytes] = []

        async def read_all() -> None:
            async for chunk in live.events(1, last_event_id=last_event_id, reader=reader):
                got.append(chunk)

        task = asyncio.create_task(read_all())
        await done.wait()
        for _ in range(10):  # let the connection send what the last read woke it for
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return got

    return asyncio.run(scenario()), reads


def test_the_state_is_sent_on_connect_and_on_each_change_only():
    a, b = {"version": 1, "speaker": None}, {"version": 2, "speaker": {"name": "Alice"}}
    got, _reads = run([a, a, a, b, b, b], reads_wanted=6)
    sent = frames(got)
    assert [f["state"] for f in sent] == [a, b]
    assert all("now" in f for f in sent)  # the server's time, for the countdown


def test_a_client_that_reconnects_with_the_state_it_has_is_not_sent_it_again_but_the_next_change():
    a, b = {"version": 1}, {"version": 2}
    data = json.dumps(a, separators=(",", ":"), sort_keys=True)
    got, _reads = run([a, a, b, b], reads_wanted=4, last_event_id=live.event_id(data))
    assert [f["state"] for f in frames(got)] == [b]
    # a client with an older state catches up at once
    got, _reads = run([a, a], reads_wanted=2, last_event_id="0123456789abcdef")
    assert [f["state"] for f in frames(got)] == [a]
    assert b"id: " + live.event_id(data).encode() in b"".join(got)


def test_the_snapshot_carries_item_speaker_deadline_list_questions_and_vote(conf, at):
    actions.set_current_item(conf.item, by=conf.chair)
    actions.ask_to_speak(conf.item, participant=conf.alice)
    actions.ask_to_speak(conf.item, participant=conf.bilal, point_of_order=True)
    actions.submit_question(conf.international, participant=conf.saima, text="Q", key="1")
    s = queries.snapshot(conf.conference.pk)
    assert (
        s["item"]["title"] == "Lead-off and discussion" and s["item"]["lead_off"] == "Rashid Soomro"
    )
    assert [(r["name"], r["order"]) for r in s["speakers"]] == [
        ("Bilal Memon", True),
        ("Alice Baloch", False),
    ]
    assert s["questions"] == {"submitted": 1, "accepted": 0, "pending": 1}
    assert "Q" not in json.dumps(
        s["questions"]
    )  # counts only: questions are not shown to the hall before moderation
    called = actions.call_next_speaker(conf.item, by=conf.chair)
    at("2026-03-07T10:30:00")
    actions.start_timer(called, by=conf.chair)
    s = queries.snapshot(conf.conference.pk)
    assert (
        s["speaker"]["name"] == "Bilal Memon" and s["speaker"]["deadline"] == "2026-03-07T10:33:00Z"
    )
    assert [r["name"] for r in s["speakers"]] == ["Alice Baloch"]
    r = actions.submit_resolution(
        conf.conference, participant=conf.alice, title="Greetings", text="Greetings to all."
    )
    actions.put_to_vote(r, by=conf.chair)
    s = queries.snapshot(conf.conference.pk)
    assert (
        s["poll"]["state"] == "open"
        and s["poll"]["electorate"] == 5
        and s["poll"]["voted"] == 0
        and s["poll"]["totals"] is None
    )
    assert s["resolutions"] == [{"number": 1, "title": "Greetings", "state": "voting"}]


def test_who_may_open_the_hall_screen_and_the_stream(conf):
    c = Client()
    pk = conf.conference.pk
    assert c.get(f"/conferences/{pk}/floor/hall/").status_code in (302, 403)
    assert c.get(f"/conferences/{pk}/floor/hall/?code=WRONG").status_code == 404
    assert c.get(f"/conferences/{pk}/floor/live/?code=WRONG").status_code == 404
    assert c.get(f"/conferences/{pk}/floor/hall/?code={conf.alice.code}").status_code == 200
    login_as(c, conf.alice.member)
    assert (
        c.get(f"/conferences/{pk}/floor/hall/").status_code == 403
    )  # a participant, not an organizer
    assert c.get(f"/conferences/{pk}/floor/chair/").status_code == 403
    login_as(c, conf.chair)
    page = c.get(f"/conferences/{pk}/floor/hall/")
    assert (
        page.status_code == 200
        and b"data-floor-src" in page.content
        and b"<script>" not in page.content
    )


def test_the_phone_asks_to_speak_and_withdraws_through_the_pages(conf):
    actions.set_current_item(conf.item, by=conf.chair)
    c = Client()
    base = f"/conferences/{conf.conference.pk}/floor/p/{conf.alice.code}/"
    page = c.get(base)
    assert page.status_code == 200 and "Ask to speak" in page.content.decode()
    assert c.post(base + "speak/", {"item": conf.item.pk, "kind": "speech"}).status_code == 302
    assert (
        c.post(base + "speak/", {"item": conf.item.pk, "kind": "order"}).status_code == 302
    )  # refused: already on the list
    line = queries.speakers(conf.item)
    assert [r.participant_id for r in line] == [conf.alice.pk]
    assert "already on the list" in c.get(base).content.decode()
    assert c.post(base + "withdraw/", {"request": line[0].pk}).status_code == 302
    assert queries.speakers(conf.item) == []
    assert c.post(base + "speak/", {"item": 999999}).status_code == 404


def test_the_chair_console_drives_the_floor(conf):
    c = Client()
    login_as(c, conf.chair)
    pk = conf.conference.pk
    actions.ask_to_speak(conf.item, participant=conf.alice)
    assert c.post(f"/conferences/{pk}/floor/chair/item/", {"item": conf.item.pk}).status_code == 302
    assert c.post(f"/conferences/{pk}/floor/chair/next/", {"item": conf.item.pk}).status_code == 302
    s = queries.snapshot(pk)
    assert s["speaker"]["name"] == "Alice Baloch" and s["speaker"]["state"] == "called"
    assert (
        c.post(f"/conferences/{pk}/floor/chair/start/", {"request": s["speaker"]["id"]}).status_code
        == 302
    )
    assert queries.snapshot(pk)["speaker"]["deadline"] is not None
    page = c.get(f"/conferences/{pk}/floor/chair/")
    assert page.status_code == 200 and "Alice Baloch" in page.content.decode()
    assert c.post(f"/conferences/{pk}/floor/chair/nothing/", {}).status_code == 404


def test_the_reader_reads_in_full_when_the_hall_moved_and_otherwise_at_the_slower_interval(
    conf, settings
):
    settings.LIVE_INTERVAL = 3600  # within the test, only a move of the hall brings a full read
    pk = conf.conference.pk
    actions.set_current_item(conf.item, by=conf.chair)
    first = live._read_and_release(pk)
    actions.submit_question(
        conf.international, participant=conf.saima, text="Q", key="1"
    )  # counts move, the hall does not
    assert live._read_and_release(pk) == first
    actions.ask_to_speak(
        conf.item, participant=conf.alice
    )  # the hall moves: read at once, with the counts
    now = live._read_and_release(pk)
    assert now["version"] == first["version"] + 1
    assert [r["name"] for r in now["speakers"]] == ["Alice Baloch"] and now["questions"][
        "submitted"
    ] == 1
    settings.LIVE_INTERVAL = 0  # and at the slower interval, whatever moved
    actions.submit_question(conf.international, participant=conf.bilal, text="Q", key="2")
    assert live._read_and_release(pk)["questions"]["submitted"] == 2
