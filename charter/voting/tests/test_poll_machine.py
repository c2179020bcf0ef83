"""A poll's lifecycle driven by Hypothesis: votes (new, resent with the same key, tried again with
another key, from members and from people outside the body), closing and publishing in any order.
Invariants after every step: one participation and one ballot per accepted voter, none after the
close, the published totals equal the accepted votes, and the record verifies."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from charter.lib.errors import InvalidInput
from charter.record import log
from charter.rulebook.enforce import Refused
from charter.testing.machines import DatabaseMachine, machine_settings
from charter.voting.actions import (
    AlreadyVoted,
    cast_vote,
    close_poll,
    create_poll,
    open_poll,
    publish_poll,
)
from charter.voting.models import Ballot, Participation, Poll
from charter.voting.tests.conftest import committee

pytestmark = pytest.mark.django_db

CHOICES = ["yes", "no", "abstain"]


class PollMachine(DatabaseMachine):
    cast: Any = None

    def __init__(self) -> None:
        super().__init__()
        cast = self.cast
        self.chair = cast.rashid
        self.members = committee(cast)
        self.outsiders = [cast.alice, cast.sara]
        poll = create_poll(
            cast.bodies["rc"], by=self.chair, title="Adopt the plan", method="yes_no", mode="secret"
        )
        self.poll = open_poll(poll, by=self.chair)
        self.state = "open"
        self.votes: dict[int, tuple[str, str]] = {}  # voter -> (key, choice), as accepted

    def _people(self) -> list[Any]:
        return self.members + self.outsiders

    @rule(who=st.integers(0, 8), choice=st.sampled_from(CHOICES), key=st.sampled_from(["a", "b"]))
    def vote(self, who: int, choice: str, key: str) -> None:
        voter = self._people()[who % len(self._people())]
        full_key = f"{voter.pk}-{key}"
        eligible = voter in self.members
        try:
            receipt = cast_vote(self.poll, voter=voter, vote=choice, idempotency_key=full_key)
        except AlreadyVoted:
            assert voter.pk in self.votes and self.votes[voter.pk][0] != full_key
            return
        except Refused:
            assert not eligible
            return
        except InvalidInput:
            assert self.state != "open" and voter.pk not in self.votes
            return
        assert eligible, "someone outside the body voted"
        if voter.pk in self.votes:
            assert receipt.replayed and self.votes[voter.pk][0] == full_key
        else:
            assert self.state == "open", "a vote was taken after the close"
            assert not receipt.replayed
            self.votes[voter.pk] = (full_key, choice)

    @rule()
    def close(self) -> None:
        try:
            self.poll = close_poll(self.poll, by=self.chair)
        except InvalidInput:
            assert self.state == "published"
            return
        if self.state == "open":
            self.state = "closed"
        assert self.poll.voters == len(self.votes)

    @rule()
    def publish(self) -> None:
        try:
            self.poll = publish_poll(self.poll, by=self.chair)
        except InvalidInput:
            assert self.state == "open"
            return
        assert self.state in ("closed", "published")
        self.state = "published"
        expected = Counter(choice for _key, choice in self.votes.values())
        assert self.poll.result["totals"] == {c: expected.get(c, 0) for c in CHOICES}

    @rule(who=st.integers(0, 1))
    def outsider_closes(self, who: int) -> None:
        before = Poll.objects.get(pk=self.poll.pk)
        try:
            close_poll(self.poll, by=self.outsiders[who])
        except (Refused, InvalidInput):
            pass
        else:  # closing a closed poll again only reports its figures, whoever asks
            assert before.state != Poll.State.OPEN, "someone outside the body closed the poll"
        after = Poll.objects.get(pk=self.poll.pk)
        assert (after.state, after.close_entry, after.ballots_sha256) == (
            before.state,
            before.close_entry,
            before.ballots_sha256,
        )

    @invariant()
    def counts_agree(self) -> None:
        rows = Participation.objects.filter(poll=self.poll)
        assert rows.count() == Ballot.objects.filter(poll=self.poll).count() == len(self.votes)
        assert set(rows.values_list("voter_id", flat=True)) == set(self.votes)
        assert Poll.objects.get(pk=self.poll.pk).state == self.state

    @invariant()
    def record_verifies(self) -> None:
        assert log.verify() is None


def test_poll_machine(cast, at):
    at("2026-03-02T10:00:00")
    PollMachine.cast = cast
    run_state_machine_as_test(PollMachine, settings=machine_settings())
