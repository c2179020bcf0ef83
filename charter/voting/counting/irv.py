"""Instant-runoff voting (single seat, alternative vote).

Stage 1 counts first preferences. A candidate with more than half of the votes
still on continuing candidates' piles (exhausted papers left out) is elected.
Otherwise the lowest continuing candidate is excluded and all their papers move
to each paper's next continuing preference, in one stage. Equal lowest: the one
with fewer votes at the latest earlier stage where they differed, then a seeded
lot. When one continuing candidate is left, they are elected.
"""

from __future__ import annotations

from ._ties import TieBreaker
from ._trie import Node, build_root, no_gc, send
from .blt import Election
from .sheet import Action, CountSheet, Stage, units

__all__ = ["count_irv"]


def count_irv(election: Election, seed: int = 0) -> CountSheet:
    """Count ``election`` for one seat by instant-runoff."""
    with no_gc():
        return _count(election, seed)


def _count(election: Election, seed: int) -> CountSheet:
    n = len(election.candidates)
    names = election.candidates
    live = [c for c in range(n) if c not in election.withdrawn]
    continuing = [c not in election.withdrawn for c in range(n)]
    piles: list[list[tuple[Node, int]]] = [[] for _ in range(n)]
    votes = [0] * n
    ties = TieBreaker(seed, names)
    root = build_root(election.ballots)
    invalid = send(root, 1, continuing, piles, votes)
    valid = root.count - invalid
    history: list[list[int]] = []
    stages: list[Stage] = []
    exhausted = 0
    action = Action("first")
    elected: list[int] = []
    while True:
        history.append(list(votes))
        hopeful = [c for c in live if continuing[c]]
        total = sum(votes[c] for c in hopeful)
        stage = Stage(
            number=len(stages) + 1,
            action=action,
            totals={names[c]: units(votes[c], 0) for c in live},
            non_transferable=units(exhausted, 0),
            rounding_loss=units(0, 0),
            excluded=list(action.candidates) if action.kind == "exclusion" else [],
            quota=units(total // 2 + 1, 0),
        )
        stages.append(stage)
        if not hopeful:
            break
        leader = max(hopeful, key=lambda c: votes[c])
        if 2 * votes[leader] > total or len(hopeful) == 1:
            elected.append(leader)
            stage.elected.append(names[leader])
            break
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if votes[c] == low]
        loser = ties.pick(
            tied, history[:-1], stage=stage.number, purpose="exclusion", highest=False
        )
        continuing[loser] = False
        pile, piles[loser] = piles[loser], []
        for node, value in pile:
            exhausted += send(node, value, continuing, piles, votes)
        action = Action("exclusion", [names[loser]], units(votes[loser], 0))
        votes[loser] = 0
    return CountSheet(
        method="irv",
        seats=1,
        valid=units(valid, 0),
        quota=None,
        elected=[names[c] for c in elected],
        stages=stages,
        places=0,
        candidates=[names[c] for c in live],
        withdrawn=[names[c] for c in sorted(election.withdrawn)],
        ties=ties.records,
        title=election.title,
    )
