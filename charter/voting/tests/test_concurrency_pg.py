"""Voting and closing racing one another on PostgreSQL, each thread in its own connection: one
consistent result. Half the delegates vote at once; when a third of the votes are in, the other half
and two closing chairs go together, so some votes land before the close and some after (typically
20-odd accepted, 10-odd refused). SQLite runs one writer at a time: the race is PostgreSQL's to show."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection, connections

from charter.lib.errors import InvalidInput
from charter.members.models import Member
from charter.record.models import Entry
from charter.voting.actions import AlreadyVoted, cast_vote, close_poll, create_poll, open_poll
from charter.voting.models import Ballot, Participation, Poll

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOTERS = 40


@pytest.fixture
def aggregate_poll(db, at):  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL (DATABASE_URL=postgres://...)")
    from charter.testing.cast import build

    cast = build(congress_delegates=VOTERS)  # every member of the cast sits in Congress
    at("2026-03-02T10:00:00")
    congress = cast.body("congress")
    poll = open_poll(create_poll(congress, by=cast.alice, title="Q", method="yes_no", mode="secret"), by=cast.alice)
    delegates = list(Member.objects.filter(mandates__body=congress).order_by("pk"))
    assert poll.electorate == len(delegates) >= 30
    return cast, poll, delegates


def test_many_voters_and_a_closing_chair_give_one_consistent_count(aggregate_poll):
    cast, poll, voters = aggregate_poll
    start = threading.Barrier(len(voters) + 3)
    outcomes: dict[str, list[Any]] = {"accepted": [], "refused": [], "closes": [], "errors": []}
    lock = threading.Lock()
    third = threading.Event()

    def voter(member: Member, i: int) -> None:
        try:
            start.wait()
            if i % 2:
                third.wait(timeout=30)  # half the voters arrive together with the closing chairs
            try:
                cast_vote(poll, voter=member, vote="yes" if i % 3 else "no", idempotency_key=f"k{i}")
                kind = "accepted"
            except InvalidInput:
                kind = "refused"
            except AlreadyVoted:
                kind = "errors"
            with lock:
                outcomes[kind].append(member.pk)
                if len(outcomes["accepted"]) >= len(voters) // 3:
                    third.set()
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                outcomes["errors"].append(repr(exc))
        finally:
            connections.close_all()

    def closer() -> None:
        try:
            start.wait()
            third.wait(timeout=30)  # close while the rest are still voting
            for _ in range(2):  # two closes racing the voters and each other
                closed = close_poll(poll, by=cast.alice)
                with lock:
                    outcomes["closes"].append((closed.voters, closed.ballots, closed.ballots_sha256))
        except Exception as exc:  # noqa: BLE001
            with lock:
                outcomes["errors"].append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=voter, args=(m, i)) for i, m in enumerate(voters)]
    threads += [threading.Thread(target=closer), threading.Thread(target=closer)]
    for t in threads:
        t.start()
    start.wait()
    for t in threads:
        t.join(timeout=120)
    assert not outcomes["errors"], outcomes["errors"]
    poll = Poll.objects.get(pk=poll.pk)
    ballots = Ballot.objects.filter(poll=poll).count()
    participations = Participation.objects.filter(poll=poll).count()
    assert poll.state == Poll.State.CLOSED
    assert ballots == participations == poll.voters == poll.ballots == len(outcomes["accepted"])
    assert len(outcomes["accepted"]) + len(outcomes["refused"]) == len(voters)
    assert set(outcomes["closes"]) == {(poll.voters, poll.ballots, poll.ballots_sha256)}  # every close reports the same count
    entries = Entry.objects.filter(act="close_poll", outcome="done")
    assert entries.count() == 1 and json.loads(entries.get().body)["detail"]["ballots"] == ballots
    # No ballot after close: a vote refused in the race is refused again now, and the count stays.
    for pk in outcomes["refused"][:3]:
        with pytest.raises(InvalidInput):
            cast_vote(poll, voter=Member.objects.get(pk=pk), vote="yes", idempotency_key="late")
    assert Ballot.objects.filter(poll=poll).count() == ballots


def test_the_same_voter_racing_with_one_key_votes_once(aggregate_poll):
    _cast, poll, voters = aggregate_poll
    member = voters[0]
    start = threading.Barrier(8)
    receipts: list[Any] = []
    lock = threading.Lock()

    def submit(key: str) -> None:
        try:
            start.wait()
            try:
                r: Any = cast_vote(poll, voter=member, vote="yes", idempotency_key=key)
            except AlreadyVoted as exc:
                r = exc
            with lock:
                receipts.append(r)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=("same" if i < 6 else f"other-{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Participation.objects.filter(poll=poll, voter=member).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1
    firsts = [r for r in receipts if not isinstance(r, AlreadyVoted) and not r.replayed]
    assert len(firsts) == 1 and len(receipts) == 8
