"""The Schulze method (beatpath), from ranked ballots.

* d[a][b] is the number of voters ranking a above b; a candidate a ballot
  leaves unranked counts below every ranked one, unranked candidates equal.
* p[a][b], the strength of the strongest path from a to b, is found by the
  widest-path variant of Floyd-Warshall over the links where d[a][b] > d[b][a].
* a beats b when p[a][b] > p[b][a]. This relation is transitive, so the ranking
  is built by taking, again and again, the candidates no remaining candidate
  beats; each such group is a tie (the first group are the Schulze winners).
* for N seats the first N of the ranking are elected; a group that straddles
  the last seat is split by a seeded lot, recorded like any tie.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._ties import TieBreaker
from ._trie import Node, build_root, children, no_gc
from .blt import Election
from .sheet import TieBreak

__all__ = ["SchulzeResult", "count_schulze", "pairwise", "strongest_paths", "rank"]


@dataclass
class SchulzeResult:
    """The outcome: ranking as tied groups, the elected, the matrices behind them."""

    seats: int
    valid: int
    candidates: list[str]
    ranking: list[list[str]]
    elected: list[str]
    pairwise: dict[str, dict[str, int]]
    paths: dict[str, dict[str, int]]
    ties: list[TieBreak] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    title: str = ""
    method: str = "schulze"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data: the common count fields plus ranking and matrices."""
        return {
            "method": self.method,
            "seats": self.seats,
            "valid": str(self.valid),
            "quota": None,
            "elected": list(self.elected),
            "stages": [],
            "ranking": [list(group) for group in self.ranking],
            "pairwise": self.pairwise,
            "strongest_paths": self.paths,
        }

    def to_text(self) -> str:
        """The ranking and both matrices as plain text."""
        head = [self.title] if self.title else []
        head.append(f"schulze: {self.seats} seat(s), valid ballots {self.valid}")
        if self.withdrawn:
            head.append("Withdrawn: " + ", ".join(self.withdrawn))
        lines = [*head, "", "Ranking:"]
        for place, group in enumerate(self.ranking, 1):
            lines.append(f"  {place}. " + " = ".join(group))
        lines += ["", "Voters preferring row to column, d[row][column]:"]
        lines += _matrix(self.candidates, self.pairwise)
        lines += ["", "Strongest path strengths, p[row][column]:"]
        lines += _matrix(self.candidates, self.paths)
        lines += ["", "Elected: " + (", ".join(self.elected) if self.elected else "(none)")]
        lines += ["Tie: " + t.describe() for t in self.ties]
        return "\n".join(lines) + "\n"


def _matrix(names: list[str], m: dict[str, dict[str, int]]) -> list[str]:
    labels = [str(i + 1) for i in range(len(names))]
    rows = [["", *labels]]
    for i, a in enumerate(names):
        rows.append([f"{labels[i]} {a}", *("-" if a == b else str(m[a][b]) for b in names)])
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        )
        for r in rows
    ]


def count_schulze(election: Election, seats: int | None = None, seed: int = 0) -> SchulzeResult:
    """Rank the candidates by Schulze and elect the first ``seats`` (default: the file's)."""
    seats = election.seats if seats is None else seats
    names = election.candidates
    live = [c for c in range(len(names)) if c not in election.withdrawn]
    with no_gc():
        d, valid = pairwise(election)
    p = strongest_paths(d, live)
    ranking = rank(p, live)
    ties = TieBreaker(seed, names)
    elected: list[int] = []
    for group in ranking:
        room = seats - len(elected)
        if room <= 0:
            break
        if len(group) <= room:
            elected.extend(group)
            continue
        pool = list(group)
        for _ in range(room):  # the group straddles the last seat: lot
            chosen = ties.pick(pool, [], stage=0, purpose="last seats", highest=True)
            elected.append(chosen)
            pool.remove(chosen)
    return SchulzeResult(
        seats=seats,
        valid=valid,
        candidates=[names[c] for c in live],
        ranking=[[names[c] for c in group] for group in ranking],
        elected=[names[c] for c in elected],
        pairwise={names[a]: {names[b]: d[a][b] for b in live if b != a} for a in live},
        paths={names[a]: {names[b]: p[a][b] for b in live if b != a} for a in live},
        ties=ties.records,
        withdrawn=[names[c] for c in sorted(election.withdrawn)],
        title=election.title,
    )


def pairwise(election: Election) -> tuple[list[list[int]], int]:
    """The matrix d (indexed by candidate number) and the number of valid ballots.

    Walks the ballot tree: every ballot below a node ranks the node's candidate
    above each candidate not ranked before it, so d grows by the node's count for
    each of those, once per node rather than once per ballot and pair.
    """
    n = len(election.candidates)
    withdrawn = election.withdrawn
    live = [c for c in range(n) if c not in withdrawn]
    d = [[0] * n for _ in range(n)]
    valid = 0
    stack: list[tuple[Node, frozenset[int]]] = [(build_root(election.ballots), frozenset())]
    while stack:
        node, above = stack.pop()
        for cand, kid in children(node).items():
            if cand in withdrawn or cand in above:
                stack.append((kid, above))
                continue
            if not above:
                valid += kid.count  # the ballot's first preference for a standing candidate
            row, count = d[cand], kid.count
            for b in live:
                if b != cand and b not in above:
                    row[b] += count
            stack.append((kid, above | {cand}))
    return d, valid


def strongest_paths(d: list[list[int]], live: list[int]) -> list[list[int]]:
    """Widest paths: p[a][b] is the strongest beatpath strength from a to b."""
    n = len(d)
    p = [[0] * n for _ in range(n)]
    for a in live:
        for b in live:
            if a != b and d[a][b] > d[b][a]:
                p[a][b] = d[a][b]
    for i in live:
        pi = p[i]
        for j in live:
            if j == i:
                continue
            pji = p[j][i]
            if pji == 0:
                continue
            pj = p[j]
            for k in live:
                if k != i and k != j:
                    via = pji if pji < pi[k] else pi[k]
                    if via > pj[k]:
                        pj[k] = via
    return p


def rank(p: list[list[int]], live: list[int]) -> list[list[int]]:
    """Groups of candidates, best first: each group is those no remaining one beats."""
    remaining = list(live)
    ranking: list[list[int]] = []
    while remaining:
        top = [a for a in remaining if not any(p[b][a] > p[a][b] for b in remaining if b != a)]
        if not top:  # cannot happen: the beat relation is transitive
            top = list(remaining)
        ranking.append(top)
        remaining = [c for c in remaining if c not in top]
    return ranking
