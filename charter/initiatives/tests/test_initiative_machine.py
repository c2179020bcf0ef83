"""An initiative's collection driven by Hypothesis: members of the cast sign, sign again and
withdraw in any order. Invariants after every step: the count equals the counted signatures,
nobody is counted twice, a signature is withdrawn only before the threshold, the threshold's
obligation arises once (when the count reaches what is needed) and never goes, every signature
names its record entry, and the record verifies."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule, run_state_machine_as_test

from charter.initiatives.actions import sign_initiative, start_initiative, withdraw_signature
from charter.initiatives.models import Initiative, Obligation, Signature
from charter.members.models import Member
from charter.record import log
from charter.rulebook.enforce import Refused
from charter.testing.machines import DatabaseMachine, machine_settings

pytestmark = pytest.mark.django_db


class InitiativeMachine(DatabaseMachine):
    people: list[Any] = []
    starter: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.ini = start_initiative(
            by=self.starter,
            kind="investigation",
            title="Investigate",
            text="How were the expulsions decided?",
        )
        self.signed: set[int] = set()
        self.reached = False

    def _fresh(self) -> Initiative:
        return Initiative.objects.get(pk=self.ini.pk)

    @rule(who=st.integers(0, 40))
    def sign(self, who: int) -> None:
        member = self.people[who % len(self.people)]
        before = self._fresh()
        try:
            sign_initiative(self.ini.pk, by=member)
        except Refused:
            assert member.pk in self.signed or before.state != Initiative.State.COLLECTING
            return
        assert member.pk not in self.signed, "a member was counted twice"
        self.signed.add(member.pk)
        after = self._fresh()
        if after.signature_count >= after.needed:
            self.reached = True

    @rule(who=st.integers(0, 40))
    def withdraw(self, who: int) -> None:
        member = self.people[who % len(self.people)]
        try:
            withdraw_signature(self.ini.pk, by=member)
        except Refused:
            assert member.pk not in self.signed or self.reached
            return
        assert member.pk in self.signed and not self.reached, (
            "a signature was withdrawn after the threshold"
        )
        self.signed.discard(member.pk)

    @invariant()
    def counted_once(self) -> None:
        ini = self._fresh()
        live = Signature.objects.filter(initiative=ini, withdrawn_at__isnull=True)
        members = list(live.values_list("member_id", flat=True))
        assert len(members) == len(set(members)) == ini.signature_count == len(self.signed)
        assert not live.filter(entry_index__isnull=True).exists()

    @invariant()
    def obligation_once(self) -> None:
        obligations = Obligation.objects.filter(initiative_id=self.ini.pk).count()
        assert obligations == (1 if self.reached else 0)
        assert (self._fresh().state != Initiative.State.COLLECTING) == self.reached

    @invariant()
    def record_verifies(self) -> None:
        assert log.verify() is None


def test_initiative_machine(cast, at):
    at("2026-03-02T10:00:00")
    InitiativeMachine.people = list(Member.objects.filter(status="member").order_by("pk"))
    InitiativeMachine.starter = cast.alice
    run_state_machine_as_test(InitiativeMachine, settings=machine_settings())
