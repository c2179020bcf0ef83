"""The committed ballot list and its count. Pure Python: no Django.

A ballot is ``{"tracker": str, "weight": int, "vote": ...}`` where the vote is ``"yes"``, ``"no"``
or ``"abstain"`` (yes/no polls), the sorted option numbers chosen (approval, block vote), or the
option numbers in order of preference (ranked methods). Option numbers start at 1, as on paper.

The list is sorted by tracker and serialized with :func:`charter.lib.canonical.canonical_json`;
its SHA-256 is what the close entry commits to, and those exact bytes are what members download.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from charter.lib.canonical import canonical_json, sha256_hex
from charter.voting import counting
from charter.voting.counting import CountSheet, Election, SchulzeResult

YES_NO = ("yes", "no", "abstain")
RANKED = ("irv", "scottish-stv", "meek-stv", "schulze")
CHOOSE = ("approval", "block")

Ballot = dict[str, Any]


def ballot_list(rows: Iterable[tuple[str, int, Any]]) -> list[Ballot]:
    """(tracker, weight, vote) rows as the canonical list: one dict each, sorted by tracker."""
    return [{"tracker": t, "weight": int(w), "vote": v} for t, w, v in sorted(rows, key=lambda r: r[0])]


def list_bytes(ballots: list[Ballot]) -> bytes:
    return canonical_json(ballots)


def list_hash(ballots: list[Ballot]) -> str:
    return sha256_hex(list_bytes(ballots))


def seed_from(ballots_sha256: str) -> int:
    """Ties left to lot are drawn from a generator seeded by the committed hash: fixed once the
    poll closes, unknown before, and the same for everyone who recounts."""
    return int(ballots_sha256[:12] or "0", 16)


def count(method: str, *, options: Sequence[str], seats: int, ballots: Sequence[Ballot], seed: int) -> dict[str, Any]:
    """Count ``ballots`` by ``method``. Returns JSON-ready data: the totals (yes/no, choose) or the
    count sheet (ranked), the elected option numbers, the ties and how they were broken."""
    if method == "yes_no":
        return _yes_no(ballots)
    if method in CHOOSE:
        return {**_choose(method, options, seats, ballots, seed), "seed": seed}
    if method in RANKED:
        return {**_ranked(method, options, seats, ballots, seed), "seed": seed}
    raise ValueError(f"unknown method {method!r}")


def _yes_no(ballots: Sequence[Ballot]) -> dict[str, Any]:
    totals = dict.fromkeys(YES_NO, 0)
    for b in ballots:
        totals[b["vote"]] += b["weight"]
    return {"method": "yes_no", "totals": totals, "ballots": len(ballots), "weight": sum(b["weight"] for b in ballots)}


def _choose(method: str, options: Sequence[str], seats: int, ballots: Sequence[Ballot], seed: int) -> dict[str, Any]:
    n = len(options)
    totals = [0] * (n + 1)
    blank = 0
    for b in ballots:
        if not b["vote"]:
            blank += b["weight"]
        for number in b["vote"]:
            totals[number] += b["weight"]
    order = sorted(range(1, n + 1), key=lambda k: -totals[k])
    elected = order[:seats]
    ties: list[dict[str, Any]] = []
    if 0 < seats < n and totals[order[seats - 1]] == totals[order[seats]]:
        # The last seat(s) fall in a group of equal totals: draw by lot among that group.
        level = totals[order[seats - 1]]
        sure = [k for k in order if totals[k] > level]
        tied = [k for k in range(1, n + 1) if totals[k] == level]
        drawn = random.Random(seed).sample(tied, seats - len(sure))
        elected = sure + drawn
        ties.append({"purpose": "last seats", "tied": tied, "chosen": drawn, "method": "lot", "seed": seed})
    return {
        "method": method,
        "seats": seats,
        "totals": {str(k): totals[k] for k in range(1, n + 1)},
        "blank": blank,
        "ballots": len(ballots),
        "weight": sum(b["weight"] for b in ballots),
        "elected": elected,
        "ties": ties,
    }


def election_of(options: Sequence[str], seats: int, ballots: Sequence[Ballot], title: str = "") -> Election:
    """The ranked ballots as the counting package's election (identical ballots grouped)."""
    grouped: Counter[tuple[int, ...]] = Counter()
    for b in ballots:
        grouped[tuple(k - 1 for k in b["vote"])] += b["weight"]
    return Election(
        candidates=list(options), parties=[None] * len(options), seats=seats,
        ballots=sorted(((w, prefs) for prefs, w in grouped.items()), key=lambda x: x[1]), title=title,
    )


def to_blt(options: Sequence[str], seats: int, ballots: Sequence[Ballot], title: str = "") -> str:
    """The ranked ballots as a BLT file that ``python -m charter.voting.counting`` counts (a double
    quote, which BLT cannot hold in a name, becomes a single one)."""
    clean = [o.replace('"', "'") for o in options]
    return counting.to_blt(election_of(clean, seats, ballots, title.replace('"', "'")))


def _ranked(method: str, options: Sequence[str], seats: int, ballots: Sequence[Ballot], seed: int) -> dict[str, Any]:
    election = election_of(options, seats, ballots)
    result = counting.count(method, election, None if method == "irv" else seats, seed)
    numbers = {label: k for k, label in enumerate(options, 1)}
    out: dict[str, Any] = {
        **result.to_json(),
        "ballots": len(ballots),
        "weight": sum(b["weight"] for b in ballots),
        "elected": [numbers[name] for name in result.elected],
        "text": result.to_text(),
    }
    if isinstance(result, CountSheet):
        out["ties"] = result.ties_json()
    elif isinstance(result, SchulzeResult):
        out["ties"] = [{"stage": t.stage, "purpose": t.purpose, "tied": t.tied, "chosen": t.chosen, "method": t.method, "seed": t.seed, "draw": t.draw} for t in result.ties]
    return out
