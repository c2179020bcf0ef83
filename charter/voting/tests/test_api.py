"""The voting API: create and run a poll, vote with an idempotency key, have I voted, turnout,
results; refusals are 403 with the breaches; bad input is a 4xx that says where, never a 500."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client

from charter.voting.models import Ballot, Poll
from charter.voting.tests.conftest import committee, new_poll
from charter.voting.tests.test_pages import login_as

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: object) -> tuple[int, dict]:
    r = client.post(url, json.dumps(data) if not isinstance(data, str) else data, content_type="application/json")
    return r.status_code, (r.json() if r["Content-Type"].startswith("application/json") else {})


def test_a_poll_over_the_api_from_creation_to_its_ballot_list(client, cast, rc):
    chair = login_as(Client(), cast.rashid)
    status, poll = post(chair, f"/api/bodies/{rc.pk}/polls", {"title": "Elect two delegates", "method": "scottish-stv", "mode": "secret", "options": ["Ann", "Ben", "Cy"], "seats": 2})
    assert status == 201 and poll["state"] == "created" and [o["number"] for o in poll["options"]] == [1, 2, 3]
    assert post(chair, f"/api/polls/{poll['id']}/open", {})[1]["electorate"] == 7
    login_as(client, cast.saima)
    status, receipt = post(client, f"/api/polls/{poll['id']}/votes", {"idempotency_key": "uuid-1", "ranking": [2, 1]})
    assert status == 201 and len(receipt["tracker"]) == 32 and receipt["replayed"] is False
    status, replay = post(client, f"/api/polls/{poll['id']}/votes", {"idempotency_key": "uuid-1", "ranking": [3]})
    assert status == 200 and replay["replayed"] is True and replay["tracker"] is None and replay["voted_at"] == receipt["voted_at"]
    status, body = post(client, f"/api/polls/{poll['id']}/votes", {"idempotency_key": "uuid-2", "ranking": [3]})
    assert status == 409 and "already voted" in body["detail"]
    assert client.get(f"/api/polls/{poll['id']}/voted").json()["voted"] is True
    assert client.get(f"/api/polls/{poll['id']}/turnout").json() == {"state": "open", "voted": 1, "electorate": 7, "percent": 14}
    assert client.get(f"/api/polls/{poll['id']}/results").status_code == 404
    closed = post(chair, f"/api/polls/{poll['id']}/close", {})[1]
    assert post(chair, f"/api/polls/{poll['id']}/close", {})[1]["ballots_sha256"] == closed["ballots_sha256"]
    post(chair, f"/api/polls/{poll['id']}/publish", {})
    result = client.get(f"/api/polls/{poll['id']}/results").json()
    assert result["result"]["elected"] and result["ballots_sha256"] == closed["ballots_sha256"]
    listing = client.get(f"/api/polls/{poll['id']}/ballots")
    assert hashlib.sha256(listing.content).hexdigest() == closed["ballots_sha256"]
    assert listing.json() == [{"tracker": receipt["tracker"], "vote": [2, 1], "weight": 1}]


def test_refusals_are_403_with_the_articles(client, cast, rc, open_yes_no):
    import datetime as dt

    from charter.members.models import Member

    Member.objects.filter(pk=cast.saima.pk).update(dues_paid_until=dt.date(2025, 10, 31))
    login_as(client, cast.saima)
    status, body = post(client, f"/api/polls/{open_yes_no.pk}/votes", {"idempotency_key": "k", "choice": "yes"})
    assert status == 403 and body["articles"] == ["1.3"] and body["breaches"][0]["code"] == "not_in_good_standing"
    outsider = login_as(Client(), cast.alice)
    status, body = post(outsider, f"/api/bodies/{rc.pk}/polls", {"title": "Q", "method": "yes_no", "mode": "named"})
    assert status == 403 and body["articles"] == ["3.5"]
    assert post(outsider, f"/api/polls/{open_yes_no.pk}/votes", {"idempotency_key": "k", "choice": "yes"})[0] == 404


BAD_VOTES = [
    {}, {"idempotency_key": ""}, {"idempotency_key": "k"}, {"idempotency_key": "k", "choice": "maybe"},
    {"idempotency_key": "k", "choice": 1}, {"idempotency_key": "k" * 101, "choice": "yes"},
    {"idempotency_key": ["k"], "choice": "yes"}, {"idempotency_key": "k", "ranking": [1]}, {"idempotency_key": None, "choice": "yes"},
    "not json", "[]", "null", '{"idempotency_key": "k", "choice": "yes"', "0",
]


@pytest.mark.parametrize("payload", BAD_VOTES)
def test_bad_votes_are_4xx_saying_where(client, cast, rc, open_yes_no, payload):
    login_as(client, cast.saima)
    status, body = post(client, f"/api/polls/{open_yes_no.pk}/votes", payload)
    assert status in (400, 422), (status, body)
    assert body.get("detail")
    assert not Ballot.objects.exists()


RANKED_BAD = [[0], [4], [1, 1], [], ["a"], [1.5], [True], list(range(1, 202)), [2**70]]


@pytest.mark.parametrize("ranking", RANKED_BAD)
def test_bad_rankings_are_4xx(client, cast, rc, ranking):
    poll = new_poll(cast, method="schulze", options=["A", "B", "C"])
    login_as(client, cast.saima)
    status, body = post(client, f"/api/polls/{poll.pk}/votes", {"idempotency_key": "k", "ranking": ranking})
    assert status in (400, 422), (status, body)


BAD_POLLS = [
    {}, {"title": "Q"}, {"title": "Q", "method": "borda", "mode": "secret"}, {"title": "Q", "method": "yes_no", "mode": "proxy"},
    {"title": "", "method": "yes_no", "mode": "secret"}, {"title": "Q", "method": "irv", "mode": "secret", "options": ["A"]},
    {"title": "Q", "method": "irv", "mode": "secret", "options": ["A", "B"], "seats": 0},
    {"title": "Q", "method": "block", "mode": "secret", "options": ["A", "B", "C"], "seats": 2, "max_choices": 9},
    {"title": "Q", "method": "yes_no", "mode": "secret", "meeting_id": 999999},
    {"title": "Q", "method": "irv", "mode": "secret", "options": ["A", "B"], "seat_body_id": 999999},
    {"title": "Q", "method": "approval", "mode": "secret", "options": ["A", "A"]},
    {"title": "Q", "method": "approval", "mode": "secret", "options": "A,B"},
    {"title": "x" * 301, "method": "yes_no", "mode": "secret"},
]


@pytest.mark.parametrize("payload", BAD_POLLS)
def test_bad_polls_are_4xx(client, cast, rc, payload):
    login_as(client, cast.rashid)
    status, body = post(client, f"/api/bodies/{rc.pk}/polls", payload)
    assert status in (400, 404, 422), (status, body)
    assert not Poll.objects.exists()


def test_state_errors_and_unknown_polls_are_4xx(client, cast, rc, open_yes_no):
    login_as(client, cast.rashid)
    assert post(client, f"/api/polls/{open_yes_no.pk}/publish", {})[0] == 400
    assert post(client, "/api/polls/999999/open", {})[0] == 404
    assert client.get("/api/polls/999999/turnout").status_code == 404
    assert client.get("/api/polls/abc/turnout").status_code in (404, 422)
    assert post(client, f"/api/polls/{open_yes_no.pk}/paper-batches", {"yes": 1, "no": 0, "abstain": 0})[0] == 400
    paper = new_poll(cast, method="irv", mode="paper", options=["A", "B"])
    for bad in ({}, {"lines": "x"}, {"lines": "3: 9"}, {"lines": ""}, {"lines": 5}):
        assert post(client, f"/api/polls/{paper.pk}/paper-batches", bad)[0] in (400, 422), bad
    assert post(client, f"/api/polls/{paper.pk}/paper-batches", {"lines": "3: 1 2\n1: 2"})[0] == 201


def test_signed_out_clients_get_401(cast, rc, open_yes_no):
    assert Client().get(f"/api/polls/{open_yes_no.pk}/turnout").status_code == 401
    assert post(Client(), f"/api/polls/{open_yes_no.pk}/votes", {"idempotency_key": "k", "choice": "yes"})[0] == 401


def test_the_whole_committee_votes_over_the_api(cast, rc, open_yes_no):
    for voter in committee(cast):
        c = login_as(Client(), voter)
        assert post(c, f"/api/polls/{open_yes_no.pk}/votes", {"idempotency_key": f"k{voter.pk}", "choice": "yes"})[0] == 201
    assert Ballot.objects.filter(poll=open_yes_no).count() == 7
