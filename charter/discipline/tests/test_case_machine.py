"""A disciplinary case driven by Hypothesis: its steps (delivery, the hearing's scheduling, the
reply, the decision by 11-2 or 9-3, the appeal, the commission's decision) tried in any order the
calendar allows, each possibly too early or twice. Invariants: the case moves only along legal
transitions, a refused step changes nothing, a decided measure needs a delivered charge, and the
record verifies with every row of the case naming its entry (``reconcile``)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule, run_state_machine_as_test

from charter.discipline import actions
from charter.discipline.models import Case
from charter.discipline.tests import story
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.record import log, reconcile
from charter.rulebook.enforce import Refused
from charter.rulebook.judge import Votes
from charter.testing.machines import DatabaseMachine, machine_settings

pytestmark = pytest.mark.django_db

S = Case.State
LEGAL = {
    (S.FRAMED, S.DELIVERED),
    (S.DELIVERED, S.REPLIED),
    (S.DELIVERED, S.DECIDED),
    (S.REPLIED, S.DECIDED),
    (S.DECIDED, S.APPEALED),
    (S.APPEALED, S.CONFIRMED),
    (S.APPEALED, S.REDUCED),
    (S.APPEALED, S.ANNULLED),
    (S.APPEALED, S.REFERRED),
    (S.CONFIRMED, S.REFERRED),
    (S.REDUCED, S.REFERRED),
}
# When each step happens (story.py's calendar): a step is tried only when the clock has not passed it.
WHEN = {
    "deliver": "2026-09-01T10:00:00",
    "hearing": "2026-09-02T10:00:00",
    "reply": "2026-09-13T09:00:00",
    "decide": "2026-09-17T10:00:00",
    "appeal": "2026-10-15T10:00:00",
    "commission": "2026-10-30T10:00:00",
}
REFUSALS = (Refused, InvalidInput)


class CaseMachine(DatabaseMachine):
    cast: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.case = story.frame(self.cast)
        self.meeting: Any = None
        self.done: set[str] = set()

    def _not_past(self, step: str) -> bool:
        return clock.now() <= story.moment(WHEN[step])

    def _step(self, name: str, act: Any) -> None:
        before = Case.objects.get(pk=self.case.pk).state
        moment = clock.now()
        try:
            act()
        except REFUSALS:
            assert Case.objects.get(pk=self.case.pk).state == before, (
                f"a refused {name} changed the case"
            )
            clock.set_frozen(moment)  # a refused attempt does not move the calendar on
            return
        after = Case.objects.get(pk=self.case.pk).state
        assert after == before or (before, after) in LEGAL, (
            f"{name}: {before} -> {after} is not a legal transition"
        )
        self.done.add(name)

    @precondition(lambda self: self._not_past("deliver"))
    @rule()
    def deliver(self) -> None:
        self._step("deliver", lambda: story.deliver(self.cast, self.case))

    @precondition(lambda self: self._not_past("hearing") and self.meeting is None)
    @rule()
    def hearing(self) -> None:
        def act() -> None:
            self.meeting = story.hearing_meeting(self.cast, self.case)

        self._step("hearing", act)

    @precondition(lambda self: self._not_past("reply"))
    @rule()
    def reply(self) -> None:
        self._step("reply", lambda: story.reply(self.cast, self.case))

    @precondition(lambda self: self._not_past("decide") and self.meeting is not None)
    @rule(for_=st.sampled_from([11, 9]))
    def decide(self, for_: int) -> None:
        self._step(
            "decide",
            lambda: story.decided(self.cast, self.case, self.meeting, Votes(for_, 13 - for_, 0)),
        )

    @precondition(lambda self: self._not_past("appeal"))
    @rule()
    def appeal(self) -> None:
        def act() -> None:
            clock.set_frozen(story.moment(WHEN["appeal"]))
            actions.file_appeal(
                self.case, by=self.cast.tariq, statement="My reply was not weighed."
            )

        self._step("appeal", act)

    @precondition(lambda self: self._not_past("commission") and "appeal" in self.done)
    @rule(outcome=st.sampled_from(["confirm", "reduce", "annul"]))
    def commission(self, outcome: str) -> None:
        self._step("commission", lambda: story.commission_decides(self.cast, self.case, outcome))

    @rule()
    def advance(self) -> None:
        """The next step of the calendar not yet taken (so that runs reach the decision and the
        appeal, not only steps tried out of order)."""
        for step in ("deliver", "hearing", "reply", "decide", "appeal", "commission"):
            if step not in self.done and self._not_past(step):
                if step == "hearing" and self.meeting is not None:
                    continue
                if step == "commission" and "appeal" not in self.done:
                    return
                if step == "decide":
                    if self.meeting is None:
                        return
                    self.decide(11)
                elif step == "commission":
                    self.commission("reduce")
                else:
                    getattr(self, step)()
                return

    @rule()
    def wait(self) -> None:
        """Time passes without a step (and the machine always has a step to take)."""

    @invariant()
    def consistent(self) -> None:
        case = Case.objects.get(pk=self.case.pk)
        if case.state not in (S.FRAMED,):
            assert "deliver" in self.done
        if case.measures.exists():
            assert "deliver" in self.done and "hearing" in self.done, (
                "a measure without a delivered charge and a hearing"
            )
        assert log.verify() is None
        assert list(reconcile.problems()) == []


def test_case_machine(cast):
    story.tariq_becomes_branch_secretary(cast)
    CaseMachine.cast = cast
    run_state_machine_as_test(CaseMachine, settings=machine_settings(examples=5, steps=12))


@pytest.mark.parametrize(
    ("votes", "outcome", "end"),
    [(11, "confirm", S.CONFIRMED), (11, "reduce", S.REDUCED), (11, "annul", S.ANNULLED), (9, None, S.REPLIED)],
)
def test_the_whole_path_under_the_machines_invariants(cast, votes, outcome, end):
    """Every state of a case, reached in the calendar's order with the machine's own steps and its
    invariants checked after each (the random runs reach the later states only sometimes). 9 votes of
    13 are short of the two thirds an expulsion needs: refused, nothing changes."""
    story.tariq_becomes_branch_secretary(cast)
    CaseMachine.cast = cast
    machine = CaseMachine()
    try:
        steps = [machine.deliver, machine.hearing, machine.reply, lambda: machine.decide(votes)]
        if outcome:
            steps += [machine.appeal, lambda: machine.commission(outcome)]
        seen = []
        for step in steps:
            step()
            machine.consistent()
            seen.append(Case.objects.get(pk=machine.case.pk).state)
        assert seen[-1] == end
        if outcome:
            assert S.DECIDED in seen and S.APPEALED in seen
        else:
            assert "decide" not in machine.done
    finally:
        machine.teardown()
