"""Tie-breaking shared by the counts: the most recent earlier stage where the tied
candidates differed decides, and failing that a seeded lot."""

from __future__ import annotations

import random
from collections.abc import Sequence

from .sheet import TieBreak

__all__ = ["TieBreaker"]


class TieBreaker:
    """Breaks ties and records how; one seeded generator serves all lots of a count."""

    def __init__(self, seed: int, names: Sequence[str]) -> None:
        self.seed = seed
        self.names = names
        self.rng = random.Random(seed)
        self.draws = 0
        self.records: list[TieBreak] = []

    def pick(
        self,
        tied: Sequence[int],
        history: Sequence[Sequence[int]],
        *,
        stage: int,
        purpose: str,
        highest: bool,
    ) -> int:
        """Choose one of ``tied``.

        ``history`` holds each earlier stage's totals, oldest first (the current
        stage left out). Going back from the latest, the first stage at which the
        tied candidates' totals were not all equal keeps only those with the
        highest (or lowest) total there; what remains after the first stage is
        settled by lot.
        """
        group = sorted(tied)
        if len(group) == 1:
            return group[0]
        for index in range(len(history) - 1, -1, -1):
            row = history[index]
            vals = [row[c] for c in group]
            best = max(vals) if highest else min(vals)
            if any(v != best for v in vals):
                group = [c for c, v in zip(group, vals, strict=True) if v == best]
                if len(group) == 1:
                    self._record(tied, group[0], stage, purpose, "earlier stage", index + 1)
                    return group[0]
        self.draws += 1
        chosen = self.rng.choice(group)
        self._record(tied, chosen, stage, purpose, "lot", None)
        return chosen

    def _record(
        self,
        tied: Sequence[int],
        chosen: int,
        stage: int,
        purpose: str,
        method: str,
        earlier: int | None,
    ) -> None:
        lot = method == "lot"
        self.records.append(
            TieBreak(
                stage=stage,
                purpose=purpose,
                tied=[self.names[c] for c in sorted(tied)],
                chosen=self.names[chosen],
                method=method,
                earlier_stage=earlier,
                seed=self.seed if lot else None,
                draw=self.draws if lot else None,
            )
        )


def order_by_votes(
    cands: Sequence[int], votes: Sequence[int], history: Sequence[Sequence[int]]
) -> list[int]:
    """Highest votes first; equal totals by the latest earlier stage where they differed,
    then by the order of the candidates in the file (this order decides nothing)."""

    def key(c: int) -> tuple[int, ...]:
        return (-votes[c], *(-row[c] for row in reversed(history)), c)

    return sorted(cands, key=key)
