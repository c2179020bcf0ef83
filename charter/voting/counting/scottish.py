"""Scottish STV: the Scottish Local Government Elections Order 2007, Schedule 1,
rules 45-52 (rules 46-53 of the 2011 Order, the same text renumbered).

Arithmetic is integer, in units of 1/100000 of a vote (five decimal places):
transfer values are truncated, never rounded, and never touch a float.

Rules as implemented (2007 numbering):

* 46 quota = floor(valid / (seats + 1)) + 1.
* 47 a candidate whose votes equal or exceed the quota is elected.
* 48 a surplus is transferred by sorting *all* the ballot papers the elected
  candidate holds by their next available preference (weighted inclusive
  Gregory). Each paper goes on at trunc5(surplus * its value when received /
  the candidate's total); papers with no next continuing preference are
  non-transferable at that same value. What truncation leaves over is the
  stage's rounding loss.
* 49 one surplus per stage, the largest first; equal surpluses: the candidate
  with more votes at the latest earlier stage where they differed, then lot.
* 50 only when no surplus is left is the lowest continuing candidate excluded;
  all their papers move on in one stage at the values they arrived with.
* 51 equal lowest: the one with fewer votes at the latest earlier stage where
  they differed is excluded, then lot.
* 52 when the continuing candidates are no more than the vacancies left, they
  are elected and nothing more is transferred.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._ties import TieBreaker, order_by_votes
from ._trie import Node, build_root, no_gc, send
from .blt import Election
from .sheet import Action, CountSheet, Stage, units

__all__ = ["count_scottish", "PLACES", "UNIT"]

PLACES = 5
UNIT = 10**PLACES


@dataclass
class _State:
    """The mutable position of a count (candidate numbers index every list)."""

    names: list[str]
    live: list[int]  # candidates not withdrawn, file order
    continuing: list[bool]
    piles: list[list[tuple[Node, int]]]
    votes: list[int]
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)  # elected, surplus not yet transferred
    history: list[list[int]] = field(default_factory=list)  # votes at the end of each stage
    nt_papers: int = 0  # value of non-transferable papers so far
    losses: int = 0  # rounding losses of stages before the current one


def count_scottish(election: Election, seats: int | None = None, seed: int = 0) -> CountSheet:
    """Count ``election`` by the Scottish rules; ``seats`` overrides the file's."""
    with no_gc():
        return _count(election, election.seats if seats is None else seats, seed)


def _count(election: Election, seats: int, seed: int) -> CountSheet:
    n = len(election.candidates)
    st = _State(
        names=election.candidates,
        live=[c for c in range(n) if c not in election.withdrawn],
        continuing=[c not in election.withdrawn for c in range(n)],
        piles=[[] for _ in range(n)],
        votes=[0] * n,
    )
    ties = TieBreaker(seed, election.candidates)
    root = build_root(election.ballots)
    # Papers whose every preference is for a withdrawn candidate (or none) are not valid votes.
    invalid = send(root, UNIT, st.continuing, st.piles, st.votes)
    valid = root.count - invalid
    quota = (valid // (seats + 1) + 1) * UNIT
    stages = [_stage(st, Action("first"), 1, 0)]
    _elect_reaching(st, quota, stages[-1])

    while len(st.elected) < seats:
        vacancies = seats - len(st.elected)
        hopeful = [c for c in st.live if st.continuing[c]]
        if len(hopeful) <= vacancies:  # rule 52
            _elect(st, order_by_votes(hopeful, st.votes, st.history[:-1]), stages[-1])
            break
        number = len(stages) + 1
        if st.pending:
            stage = _transfer_surplus(st, quota, ties, number)
        else:
            stage = _exclude_lowest(st, ties, number)
        stages.append(stage)
        _elect_reaching(st, quota, stage)

    return CountSheet(
        method="scottish-stv",
        seats=seats,
        valid=units(valid * UNIT, PLACES),
        quota=units(quota, PLACES),
        elected=[st.names[c] for c in st.elected],
        stages=stages,
        places=PLACES,
        candidates=[st.names[c] for c in st.live],
        withdrawn=[st.names[c] for c in sorted(election.withdrawn)],
        ties=ties.records,
        title=election.title,
    )


def _transfer_surplus(st: _State, quota: int, ties: TieBreaker, number: int) -> Stage:
    """Rules 48-49: transfer the largest surplus, all of the candidate's papers."""
    top = max(st.votes[c] for c in st.pending)
    tied = [c for c in st.pending if st.votes[c] == top]
    cand = ties.pick(tied, st.history[:-1], stage=number - 1, purpose="surplus", highest=True)
    st.pending.remove(cand)
    total = st.votes[cand]
    surplus = total - quota
    pile, st.piles[cand] = st.piles[cand], []
    sent = 0
    for node, value in pile:
        tv = surplus * value // total  # rule 48(3): five places, remainder ignored
        sent += node.count * tv
        st.nt_papers += send(node, tv, st.continuing, st.piles, st.votes) * tv
    st.votes[cand] = quota
    action = Action("surplus", [st.names[cand]], units(surplus, PLACES))
    return _stage(st, action, number, surplus - sent)


def _exclude_lowest(st: _State, ties: TieBreaker, number: int) -> Stage:
    """Rules 50-51: exclude the lowest continuing candidate, all papers in one stage."""
    hopeful = [c for c in st.live if st.continuing[c]]
    low = min(st.votes[c] for c in hopeful)
    tied = [c for c in hopeful if st.votes[c] == low]
    cand = ties.pick(tied, st.history[:-1], stage=number - 1, purpose="exclusion", highest=False)
    st.continuing[cand] = False
    st.excluded.append(cand)
    pile, st.piles[cand] = st.piles[cand], []
    for node, value in pile:
        st.nt_papers += send(node, value, st.continuing, st.piles, st.votes) * value
    amount = st.votes[cand]
    st.votes[cand] = 0
    stage = _stage(st, Action("exclusion", [st.names[cand]], units(amount, PLACES)), number, 0)
    stage.excluded.append(st.names[cand])
    return stage


def _stage(st: _State, action: Action, number: int, loss: int) -> Stage:
    """Record the end of a stage; this stage's loss joins the cumulative total after it."""
    st.history.append(list(st.votes))
    stage = Stage(
        number=number,
        action=action,
        totals={st.names[c]: units(st.votes[c], PLACES) for c in st.live},
        non_transferable=units(st.nt_papers + st.losses, PLACES),
        rounding_loss=units(loss, PLACES),
    )
    st.losses += loss
    return stage


def _elect_reaching(st: _State, quota: int, stage: Stage) -> None:
    """Rule 47: elect every continuing candidate at or above the quota, highest first."""
    reached = [c for c in st.live if st.continuing[c] and st.votes[c] >= quota]
    ordered = order_by_votes(reached, st.votes, st.history[:-1])
    _elect(st, ordered, stage)
    st.pending.extend(c for c in ordered if st.votes[c] > quota)


def _elect(st: _State, cands: list[int], stage: Stage) -> None:
    for c in cands:
        st.continuing[c] = False
        st.elected.append(c)
        stage.elected.append(st.names[c])
