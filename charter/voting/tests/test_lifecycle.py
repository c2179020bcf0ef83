"""A poll from creation to publication: each step an act, on the record, with ids, counts and hashes."""

from __future__ import annotations

import json

import pytest

from charter.lib.errors import InvalidInput
from charter.record import log, reconcile
from charter.record.models import Entry
from charter.rulebook.enforce import Refused
from charter.voting import queries, tally
from charter.voting.actions import cast_vote, close_poll, create_poll, open_poll, publish_poll
from charter.voting.models import Ballot, Participation, Poll
from charter.voting.tests.conftest import committee, new_poll

pytestmark = pytest.mark.django_db


def last(act: str) -> dict:
    return json.loads(Entry.objects.filter(act=act).order_by("-index").first().body)


def test_a_secret_yes_no_poll_from_creation_to_publication(cast, rc):
    poll = create_poll(rc, by=cast.rashid, title="Adopt the regional plan", method="yes_no", mode="secret")
    assert poll.state == Poll.State.CREATED and poll.entry_index is not None
    created = last("create_poll")
    assert created["detail"]["poll"] == poll.pk and "Adopt" not in json.dumps(created)  # the question stays off the log
    with pytest.raises(InvalidInput):
        cast_vote(poll, voter=cast.saima, vote="yes", idempotency_key="k1")  # not open yet
    poll = open_poll(poll, by=cast.rashid)
    assert poll.state == Poll.State.OPEN and poll.electorate == 7 and last("open_poll")["detail"]["electorate"] == 7
    members = committee(cast)
    for voter, vote in zip(members, ["yes", "yes", "yes", "yes", "no", "abstain"], strict=False):
        receipt = cast_vote(poll, voter=voter, vote=vote, idempotency_key=f"key-{voter.pk}")
        assert len(receipt.tracker) == 32 and not receipt.replayed
    assert queries.turnout(poll).voted == 6
    closed = close_poll(poll, by=cast.rashid)
    entry = last("close_poll")["detail"]
    assert closed.state == Poll.State.CLOSED and entry["voters"] == entry["ballots"] == 6
    assert entry["ballots_sha256"] == closed.ballots_sha256 == tally.list_hash(queries.current_ballots(closed))
    with pytest.raises(InvalidInput):
        cast_vote(poll, voter=members[6], vote="yes", idempotency_key="late")
    assert Ballot.objects.filter(poll=poll).count() == 6
    published = publish_poll(closed, by=cast.rashid)
    assert published.result["totals"] == {"yes": 4, "no": 1, "abstain": 1}
    assert last("publish_poll")["detail"]["votes"] == {"yes": 4, "no": 1, "abstain": 1}
    assert last("publish_poll")["detail"]["result_sha256"] == published.result_sha256
    assert queries.ballot_list_bytes(published) == tally.list_bytes(queries.current_ballots(published))
    assert log.verify() is None
    assert list(reconcile.problems()) == []  # the poll names its create_poll entry


def test_closing_twice_reports_the_same_count_and_writes_one_entry(cast, rc, open_yes_no):
    cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="s")
    first = close_poll(open_yes_no, by=cast.rashid)
    entries = Entry.objects.filter(act="close_poll").count()
    second = close_poll(open_yes_no, by=cast.rashid)
    assert (first.voters, first.ballots, first.ballots_sha256) == (second.voters, second.ballots, second.ballots_sha256) == (1, 1, first.ballots_sha256)
    assert Entry.objects.filter(act="close_poll").count() == entries
    with pytest.raises(InvalidInput):
        open_poll(open_yes_no, by=cast.rashid)


def test_publish_needs_a_closed_poll(cast, rc, open_yes_no):
    with pytest.raises(InvalidInput):
        publish_poll(open_yes_no, by=cast.rashid)


def test_someone_off_the_body_cannot_run_its_poll_and_the_attempt_is_on_the_record(cast, rc, open_yes_no):
    with pytest.raises(Refused) as exc:
        close_poll(open_yes_no, by=cast.alice)
    assert exc.value.articles == ["3.5"]
    assert Poll.objects.get(pk=open_yes_no.pk).state == Poll.State.OPEN
    assert Entry.objects.order_by("-index").first().outcome == "refused"
    with pytest.raises(Refused):
        create_poll(rc, by=cast.alice, title="Q", method="yes_no", mode="named")


def test_tampered_ballots_are_not_counted_and_the_refusal_is_recorded(cast, rc, open_yes_no):
    for voter in committee(cast)[:3]:
        cast_vote(open_yes_no, voter=voter, vote="no", idempotency_key=f"k{voter.pk}")
    closed = close_poll(open_yes_no, by=cast.rashid)
    Ballot.objects.filter(poll=closed).update(vote="yes")  # someone with the database changes the ballots
    with pytest.raises(Refused) as exc:
        publish_poll(closed, by=cast.rashid)
    assert [b.code for b in exc.value.breaches] == ["ballots_changed"]
    refused = last("publish_poll")
    assert refused["outcome"] == "refused" and refused["detail"]["committed_sha256"] == closed.ballots_sha256
    assert Poll.objects.get(pk=closed.pk).state == Poll.State.CLOSED
    with pytest.raises(queries.BallotsChanged):
        queries.motion_votes(closed)


@pytest.mark.parametrize("method,votes,elected", [
    ("approval", [[1, 2], [2], [2, 3], [1]], [2]),
    ("block", [[1, 2], [2, 3], [2, 3], [1, 3]], [2, 3]),
    ("irv", [[1], [1], [2, 3], [3, 2], [3, 2]], [3]),
    ("scottish-stv", [[1, 2], [1, 2], [1, 3], [2], [3], [3, 1]], [1, 3]),
    ("meek-stv", [[1, 2], [1, 2], [1, 3], [2], [3], [3, 1]], [1, 3]),
    ("schulze", [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 3, 2], [1, 2]], [1]),
])
def test_every_method_runs_through_the_kernel(cast, rc, method, votes, elected):
    seats = 2 if method in ("block", "scottish-stv", "meek-stv") else 1
    poll = new_poll(cast, method=method, options=["Ann", "Ben", "Cy"], seats=seats)
    for voter, vote in zip(committee(cast), votes, strict=False):
        cast_vote(poll, voter=voter, vote=vote, idempotency_key="k")
    poll = publish_poll(close_poll(poll, by=cast.rashid), by=cast.rashid)
    assert sorted(poll.result["elected"]) == sorted(elected)
    assert [o.number for o in queries.elected(poll)] == poll.result["elected"]
    assert last("publish_poll")["detail"]["elected"] == poll.result["elected"]


@pytest.mark.parametrize("vote,message", [
    ("maybe", "for, against, abstain"),
])
def test_a_yes_no_ballot_takes_only_for_against_abstain(cast, rc, open_yes_no, vote, message):
    with pytest.raises(InvalidInput, match=message):
        cast_vote(open_yes_no, voter=cast.saima, vote=vote, idempotency_key="k")
    assert not Participation.objects.exists()


@pytest.mark.parametrize("vote", [[], [4], [1, 1], "1", [True], [1, 2, 3]])
def test_bad_ranked_and_choose_ballots_are_refused_and_nothing_is_stored(cast, rc, vote):
    poll = new_poll(cast, method="block", options=["Ann", "Ben", "Cy"], seats=2)
    with pytest.raises(InvalidInput):
        cast_vote(poll, voter=cast.saima, vote=vote, idempotency_key="k")
    assert not Participation.objects.exists() and not Ballot.objects.exists()


@pytest.mark.parametrize("kw", [
    {"method": "yes_no", "options": ["A", "B"]},
    {"method": "irv", "options": ["A"]},
    {"method": "irv", "options": ["A", "B", "C"], "seats": 2},
    {"method": "scottish-stv", "options": ["A", "B"], "seats": 2},
    {"method": "approval", "options": ["A", "a"]},
    {"method": "block", "options": ["A", "B", "C"], "max_choices": 4},
    {"method": "borda", "options": ["A", "B"]},
    {"mode": "proxy"},
    {"title": " "},
])
def test_a_poll_that_makes_no_sense_is_refused_with_what_is_wrong(cast, rc, kw):
    args = {"by": cast.rashid, "title": "Q", "method": "yes_no", "mode": "secret", **kw}
    with pytest.raises(InvalidInput):
        create_poll(rc, **args)
    assert not Poll.objects.exists()
