"""The public record driven by Hypothesis: acts done and refused, and checkpoints signed, in any
order. Invariants after every step: the record verifies; it only grows; every root seen before is
consistent with the current one (an RFC 9162 consistency proof from the stored tree checks out
against the roots as they were seen, and against the signed checkpoints); nothing of a refused act
stays but its entry."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from charter.lib import merkle
from charter.members.actions import apply_for_membership
from charter.record import checkpoints, log, proofs
from charter.record.models import Checkpoint, Entry, LogState
from charter.rulebook.enforce import Refused
from charter.testing.machines import DatabaseMachine, machine_settings
from charter.voting.actions import create_poll
from charter.voting.models import Poll

pytestmark = pytest.mark.django_db


def head() -> tuple[int, bytes]:
    state = LogState.objects.filter(id=1).first()
    return (state.size, bytes.fromhex(state.root)) if state else (0, merkle.EMPTY_ROOT)


class RecordMachine(DatabaseMachine):
    cast: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[int, bytes]] = [head()]
        self.polls = Poll.objects.count()

    @rule(n=st.integers(0, 10_000))
    def apply(self, n: int) -> None:
        """A person applies to join a branch: an act with its entry."""
        before = Entry.objects.count()
        apply_for_membership(
            name=f"Applicant {n}", branch=self.cast.karachi, email=f"a{n}@example.org"
        )
        assert Entry.objects.count() == before + 1

    @rule()
    def refused_act(self) -> None:
        """Alice, on no committee, claims the Regional Committee's authority: refused, on the record."""
        before = Entry.objects.count()
        with pytest.raises(Refused):
            create_poll(
                self.cast.bodies["rc"],
                by=self.cast.alice,
                title="Q",
                method="yes_no",
                mode="secret",
            )
        assert Poll.objects.count() == self.polls
        assert Entry.objects.count() == before + 1
        assert Entry.objects.order_by("-index").first().outcome == "refused"

    @rule()
    def sign_checkpoint(self) -> None:
        signed = checkpoints.sign_if_due()
        size, root = head()
        if signed is not None:
            assert (signed.size, signed.root) == (size, root.hex())

    @invariant()
    def grows_consistently(self) -> None:
        size, root = head()
        assert log.verify() is None
        assert size >= self.seen[-1][0], "the record shrank"
        for old_size, old_root in self.seen:
            assert merkle.verify_consistency(
                old_size, size, old_root, root, proofs.consistency(old_size, size)
            )
        for cp in Checkpoint.objects.all():
            assert merkle.verify_consistency(
                cp.size, size, bytes.fromhex(cp.root), root, proofs.consistency(cp.size, size)
            )
        if (size, root) != self.seen[-1]:
            self.seen.append((size, root))


def test_record_machine(cast, at):
    at("2026-03-02T10:00:00")
    RecordMachine.cast = cast
    run_state_machine_as_test(RecordMachine, settings=machine_settings())
