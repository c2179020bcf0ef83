"""Meek STV as the Proportional Representation Foundation's reference rule
(Hill, Wichmann & Woodall, "Algorithm 123", with the PRF's fixed-point conventions).

Conventions (all values integers in units of 10**-9):

* A. hopeful candidates get keep factor 1, withdrawn ones 0; omega = 10**-6.
* B.1 the count ends when every seat is filled or the hopeful candidates are no
  more than the seats left.
* B.2.a every ballot starts at weight 1; each candidate in turn keeps
  weight * keep factor, rounded *up* to 9 places, and the weight drops by that
  much. What is left after the last preference is exhausted (non-transferable);
  nothing is lost to rounding.
* B.2.b quota = (sum of all candidates' votes) / (seats + 1), truncated to 9
  places, plus 10**-9.
* B.2.c hopeful candidates with votes >= quota are elected.
* B.2.d surplus = sum over elected of (votes - quota), at least 0.
* B.2.e a round ends when someone is elected, or the surplus is below omega, or
  (after its first iteration) the surplus stopped falling.
* B.2.f otherwise each elected keep factor becomes
  ceil9(ceil9(keep * quota) / votes) and the ballots are distributed again.
* B.3 the lowest hopeful is defeated; candidates whose votes are within the
  surplus of the lowest count as tied with it. Ties: fewest votes at the latest
  earlier stage where they differed, then a seeded lot.
* C. remaining seats go to the remaining hopefuls.

Each round is a stage of the sheet: its totals are those at the end of the
round's iterations. After a last defeat that ends the count, one more
distribution is made for the record, so the sheet shows where the defeated
candidate's votes went.
"""

from __future__ import annotations

from ._ties import TieBreaker, order_by_votes
from ._trie import Node, build_root, children, no_gc
from .blt import Election
from .sheet import Action, CountSheet, Stage, units

__all__ = ["count_meek", "PLACES", "ONE", "OMEGA"]

PLACES = 9
ONE = 10**PLACES
OMEGA = 10**3  # 0.000001


def count_meek(election: Election, seats: int | None = None, seed: int = 0) -> CountSheet:
    """Count ``election`` by the PRF reference Meek rule; ``seats`` overrides the file's."""
    with no_gc():
        return _Meek(election, election.seats if seats is None else seats, seed).run()


class _Meek:
    def __init__(self, election: Election, seats: int, seed: int) -> None:
        n = len(election.candidates)
        self.election = election
        self.names = election.candidates
        self.seats = seats
        self.live = [c for c in range(n) if c not in election.withdrawn]
        self.keep = [0 if c in election.withdrawn else ONE for c in range(n)]
        self.hopeful = list(self.live)
        self.elected: list[int] = []
        self.ties = TieBreaker(seed, election.candidates)
        self.root = build_root(election.ballots)
        self.history: list[list[int]] = []
        self.stages: list[Stage] = []
        votes, exhausted = self.distribute()
        self.invalid = exhausted  # ballots with no preference for a candidate still standing
        self.valid = self.root.count - exhausted // ONE

    def run(self) -> CountSheet:
        action = Action("first")
        quota = (self.valid * ONE) // (self.seats + 1) + 1
        while 0 < self.seats - len(self.elected) < len(self.hopeful):
            stage, quota, surplus, elected_now = self.round(action)
            if elected_now:
                having = [c for c in self.elected if self.history[-1][c] > quota]
                action = Action("surplus", [self.names[c] for c in having])
                continue
            loser = self.defeat(surplus, stage)
            action = Action(
                "exclusion", [self.names[loser]], units(self.history[-1][loser], PLACES)
            )
        if action.kind == "exclusion" or not self.stages:
            # the record of where the last excluded candidate's votes went (or of the
            # first preferences, when there was nothing to count): no quota applies
            votes, exhausted = self.distribute()
            self.record(action, votes, exhausted, None)
        if len(self.elected) < self.seats and self.hopeful:  # C.1
            rest = order_by_votes(self.hopeful, self.history[-1], self.history[:-1])
            self.elect(rest, self.stages[-1])
        return CountSheet(
            method="meek-stv",
            seats=self.seats,
            valid=units(self.valid * ONE, PLACES),
            quota=units(quota, PLACES),
            elected=[self.names[c] for c in self.elected],
            stages=self.stages,
            places=PLACES,
            candidates=[self.names[c] for c in self.live],
            withdrawn=[self.names[c] for c in sorted(self.election.withdrawn)],
            ties=self.ties.records,
            title=self.election.title,
        )

    def round(self, action: Action) -> tuple[int, int, int, bool]:
        """B.2: iterate until someone is elected or the surplus settles."""
        last: int | None = None
        while True:
            votes, exhausted = self.distribute()
            quota = sum(votes) // (self.seats + 1) + 1
            reached = [c for c in self.hopeful if votes[c] >= quota]
            surplus = max(0, sum(votes[c] - quota for c in self.elected + reached))
            if reached or surplus < OMEGA or (last is not None and surplus >= last):
                break
            last = surplus
            for c in self.elected:
                if votes[c]:
                    self.keep[c] = _ceil_div(_ceil_div(self.keep[c] * quota, ONE) * ONE, votes[c])
        stage = self.record(action, votes, exhausted, quota)
        self.elect(order_by_votes(reached, votes, self.history[:-1]), stage)
        return stage.number, quota, surplus, bool(reached)

    def defeat(self, surplus: int, stage: int) -> int:
        """B.3: defeat the lowest hopeful (ties within the surplus)."""
        votes = self.history[-1]
        low = min(votes[c] for c in self.hopeful)
        tied = [c for c in self.hopeful if votes[c] <= low + surplus]
        loser = self.ties.pick(
            tied, self.history[:-1], stage=stage, purpose="exclusion", highest=False
        )
        self.hopeful.remove(loser)
        self.keep[loser] = 0
        return loser

    def elect(self, cands: list[int], stage: Stage) -> None:
        for c in cands:
            self.hopeful.remove(c)
            self.elected.append(c)
            stage.elected.append(self.names[c])

    def record(self, action: Action, votes: list[int], exhausted: int, quota: int | None) -> Stage:
        self.history.append(votes)
        stage = Stage(
            number=len(self.stages) + 1,
            action=action,
            totals={self.names[c]: units(votes[c], PLACES) for c in self.live},
            non_transferable=units(exhausted - self.invalid, PLACES),
            rounding_loss=units(0, PLACES),
            quota=None if quota is None else units(quota, PLACES),
        )
        if action.kind == "exclusion":
            stage.excluded.extend(action.candidates)
        self.stages.append(stage)
        return stage

    def distribute(self) -> tuple[list[int], int]:
        """B.2.a over the ballot tree: ballots sharing a prefix share their weights."""
        keep = self.keep
        votes = [0] * len(keep)
        exhausted = 0
        stack: list[tuple[Node, int]] = [(self.root, ONE)]
        while stack:
            node, weight = stack.pop()
            kids = children(node)
            exhausted += node.end * weight
            for cand, kid in kids.items():
                kf = keep[cand]
                if kf == ONE:  # hopeful: keeps the whole weight
                    votes[cand] += weight * kid.count
                elif kf == 0:  # withdrawn or defeated: passes everything on
                    stack.append((kid, weight))
                else:
                    kept = _ceil_div(weight * kf, ONE)
                    votes[cand] += kept * kid.count
                    if kept < weight:
                        stack.append((kid, weight - kept))
        return votes, exhausted


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)
