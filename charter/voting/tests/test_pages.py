"""The pages as a voter, the chair and a teller use them, without JavaScript: the ballot, the
tracker shown once, 'have I voted', the console with its turnout, the result with its count sheet."""

from __future__ import annotations

import pytest
from django.test import Client

from charter.accounts.models import User
from charter.members.models import Member
from charter.progress.background import QUEUE, run_queued
from charter.testing.web import login_user
from charter.voting.actions import cast_vote, close_poll, publish_poll
from charter.voting.models import Ballot, Participation, Poll
from charter.voting.tests.conftest import committee, new_poll

pytestmark = pytest.mark.django_db


def login_as(client: Client, member: Member) -> Client:
    user = User.objects.create_user(f"user{member.pk}", password="a-long-test-password-1")
    Member.objects.filter(pk=member.pk).update(user=user)
    login_user(client, user)
    return client


def key_of(page: str) -> str:
    start = page.index('name="key" value="') + len('name="key" value="')
    return page[start : page.index('"', start)]


def test_a_voter_votes_for_against_or_abstains_and_sees_the_tracker_once(client, cast, rc, open_yes_no):
    login_as(client, cast.saima)
    page = client.get(f"/polls/{open_yes_no.pk}/").content.decode()
    assert 'type="radio"' in page and "Cast my vote" in page and "secret ballot" in page
    key = key_of(page)
    r = client.post(f"/polls/{open_yes_no.pk}/vote/", {"key": key, "vote": "no"})
    assert r.status_code == 200 and "no-store" in r["Cache-Control"]
    tracker = Ballot.objects.get(poll=open_yes_no).tracker
    shown = r.content.decode()
    assert " ".join(f"<span>{tracker[i : i + 4]}</span>" for i in range(0, 32, 4)) in shown
    again = client.post(f"/polls/{open_yes_no.pk}/vote/", {"key": key, "vote": "no"}).content.decode()
    assert "already recorded" in again and tracker[:4] not in again.split("already recorded")[1]
    assert Participation.objects.count() == Ballot.objects.count() == 1
    assert "You have voted" in client.get(f"/polls/{open_yes_no.pk}/").content.decode()
    r = client.post(f"/polls/{open_yes_no.pk}/vote/", {"key": "another", "vote": "yes"}, follow=True)
    assert "already voted" in r.content.decode() and Ballot.objects.get().vote == "no"


def test_a_ranked_ballot_with_number_boxes_and_a_mistake_kept_on_the_form(client, cast, rc):
    poll = new_poll(cast, method="scottish-stv", options=["Ann", "Ben", "Cy"], seats=2)
    login_as(client, cast.saima)
    page = client.get(f"/polls/{poll.pk}/").content.decode()
    assert page.count('type="number"') == 3 and 'inputmode="numeric"' in page
    key = key_of(page)
    bad = client.post(f"/polls/{poll.pk}/vote/", {"key": key, "rank_1": "1", "rank_2": "1", "rank_3": ""})
    assert bad.status_code == 400 and "without repeating or skipping" in bad.content.decode()
    assert not Ballot.objects.exists()
    ok = client.post(f"/polls/{poll.pk}/vote/", {"key": key, "rank_1": "2", "rank_2": "", "rank_3": "1"})
    assert ok.status_code == 200 and Ballot.objects.get().vote == [3, 1]


def test_choose_up_to_k_with_checkboxes(client, cast, rc):
    poll = new_poll(cast, method="block", options=["Ann", "Ben", "Cy"], seats=2)
    login_as(client, cast.saima)
    page = client.get(f"/polls/{poll.pk}/").content.decode()
    assert page.count('type="checkbox"') == 3 and "Choose up to 2" in page
    key = key_of(page)
    too_many = client.post(f"/polls/{poll.pk}/vote/", {"key": key, "choices": ["1", "2", "3"]})
    assert too_many.status_code == 400 and "at most 2" in too_many.content.decode()
    assert client.post(f"/polls/{poll.pk}/vote/", {"key": key, "choices": ["3", "1"]}).status_code == 200
    assert Ballot.objects.get().vote == [1, 3]


def test_a_member_off_the_body_cannot_see_the_poll_and_one_not_in_good_standing_is_told_why(client, cast, rc, open_yes_no):
    login_as(client, cast.alice)
    assert client.get(f"/polls/{open_yes_no.pk}/").status_code == 404
    assert client.post(f"/polls/{open_yes_no.pk}/vote/", {"key": "k", "vote": "yes"}).status_code == 404
    import datetime as dt

    Member.objects.filter(pk=cast.saima.pk).update(dues_paid_until=dt.date(2025, 10, 31))
    other = login_as(Client(), cast.saima)
    page = other.get(f"/polls/{open_yes_no.pk}/").content.decode()
    assert "You cannot vote" in page and "Article 1.3" in page and "Cast my vote" not in page
    r = other.post(f"/polls/{open_yes_no.pk}/vote/", {"key": "k", "vote": "yes"})
    assert r.status_code == 403 and "1.3" in r.content.decode()


def test_the_chair_opens_watches_closes_and_publishes(client, cast, rc):
    from charter.voting.actions import create_poll

    poll = create_poll(rc, by=cast.rashid, title="Adopt the plan", method="yes_no", mode="secret")
    login_as(client, cast.rashid)
    console = client.get(f"/polls/{poll.pk}/console/").content.decode()
    assert "Open the vote" in console
    client.post(f"/polls/{poll.pk}/open/")
    console = client.get(f"/polls/{poll.pk}/console/").content.decode()
    assert f'data-live-src="/polls/{poll.pk}/live/"' in console and "Close the vote" in console
    for voter in committee(cast)[:4]:
        cast_vote(poll, voter=voter, vote="yes", idempotency_key="k")
    partial = client.get(f"/polls/{poll.pk}/turnout/").content.decode()
    assert 'data-live="voted">4<' in partial and 'data-live="electorate">7<' in partial and "<html" not in partial
    assert client.get(f"/polls/{poll.pk}/results/").status_code == 404
    client.post(f"/polls/{poll.pk}/close/")
    started = client.post(f"/polls/{poll.pk}/publish/")
    assert started.status_code == 302 and "?operation=" in started["Location"]  # the worker counts
    assert "Waiting for the background worker" in client.get(started["Location"]).content.decode()
    run_queued(queues=(QUEUE,))
    assert "See the result" in client.get(started["Location"]).content.decode()
    assert "data-live-src" not in client.get(f"/polls/{poll.pk}/turnout/").content.decode()
    poll.refresh_from_db()
    assert poll.state == Poll.State.PUBLISHED
    results = client.get(f"/polls/{poll.pk}/results/").content.decode()
    assert "100.0" in results and poll.ballots_sha256 in results
    listing = client.get(f"/polls/{poll.pk}/ballots/").content.decode()
    assert all(b.tracker in listing for b in Ballot.objects.filter(poll=poll))
    download = client.get(f"/polls/{poll.pk}/ballots.json")
    import hashlib

    assert hashlib.sha256(download.content).hexdigest() == poll.ballots_sha256


def test_an_outsider_trying_to_close_sees_the_refusal(client, cast, rc, open_yes_no):
    login_as(client, cast.alice)
    assert client.post(f"/polls/{open_yes_no.pk}/close/").status_code == 404  # cannot even see it


def test_the_count_sheet_of_an_stv_election(client, cast, rc):
    poll = new_poll(cast, method="scottish-stv", options=["Ann", "Ben", "Cy"], seats=2)
    for voter, vote in zip(committee(cast), [[1, 2], [1, 2], [1, 2], [1, 2], [2], [3], [3]], strict=True):
        cast_vote(poll, voter=voter, vote=vote, idempotency_key="k")
    publish_poll(close_poll(poll, by=cast.rashid), by=cast.rashid)
    login_as(client, cast.alice)  # the published result is open to every member
    page = client.get(f"/polls/{poll.pk}/results/").content.decode()
    assert "Count sheet" in page and "Stage 2" in page and "Surplus of Ann" in page and "elected" in page


def test_a_named_vote_shows_the_roll_call_to_the_body(client, cast, rc):
    poll = new_poll(cast, mode="named")
    cast_vote(poll, voter=cast.saima, vote="abstain", idempotency_key="k")
    publish_poll(close_poll(poll, by=cast.rashid), by=cast.rashid)
    login_as(client, cast.rashid)
    page = client.get(f"/polls/{poll.pk}/results/").content.decode()
    assert "Roll call" in page and cast.saima.name in page


def test_a_teller_enters_a_batch_and_a_mistake_says_which_line(client, cast, rc):
    poll = new_poll(cast, method="irv", mode="paper", options=["Ann", "Ben", "Cy"])
    login_as(client, cast.saima)
    bad = client.post(f"/polls/{poll.pk}/paper/", {"lines": "3: 1 2\n2: 7"})
    assert "Line 2" in bad.content.decode()
    r = client.post(f"/polls/{poll.pk}/paper/", {"lines": "3: 1 2\n2: 3"}, follow=True)
    assert "Batch 1 entered: 5 papers" in r.content.decode()


def test_a_body_member_creates_a_poll_from_the_form(client, cast, rc):
    login_as(client, cast.rashid)
    assert client.get(f"/bodies/{rc.pk}/polls/new/").status_code == 200
    r = client.post(f"/bodies/{rc.pk}/polls/new/", {"title": "Pick a date", "method": "approval", "mode": "secret", "options": "Monday\nTuesday\nFriday", "seats": "1"})
    poll = Poll.objects.get()
    assert r.status_code == 302 and poll.max_choices == 3 and poll.options.count() == 3
    assert "Pick a date" in client.get(f"/bodies/{rc.pk}/polls/").content.decode()
    r = client.post(f"/bodies/{rc.pk}/polls/new/", {"title": "x", "method": "irv", "mode": "secret", "options": "A", "seats": "1"})
    assert r.status_code == 200 and "errorlist" in r.content.decode()


def test_the_blt_download_recounts_to_the_published_result(client, cast, rc):
    from charter.voting import counting

    poll = new_poll(cast, method="meek-stv", options=['Ann "the chair"', "Ben", "Cy", "Dee"], seats=2)
    for voter, vote in zip(committee(cast), [[1, 2], [2, 1], [3], [4, 3], [2], [3, 4], [1]], strict=True):
        cast_vote(poll, voter=voter, vote=vote, idempotency_key="k")
    poll = publish_poll(close_poll(poll, by=cast.rashid), by=cast.rashid)
    login_as(client, cast.alice)
    blt = client.get(f"/polls/{poll.pk}/ballots.blt")
    assert blt.status_code == 200
    recount = counting.count("meek-stv", counting.parse_blt(blt.content), None, poll.result["seed"])
    assert [name.replace("'", '"') for name in recount.elected] == [poll.options.get(number=n).label for n in poll.result["elected"]]
    assert client.get(f"/polls/{new_poll(cast).pk}/ballots.blt").status_code == 404


def test_a_bodys_page_links_to_its_votes(client, cast, rc):
    page = client.get(f"/bodies/{rc.pk}/").content.decode()
    assert f'href="/bodies/{rc.pk}/polls/"' in page
    assert "<title>Regional Committee, Sindh · Charter</title>" in page
