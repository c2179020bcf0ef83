"""Exact vote counting: BLT ballots in, stage-by-stage count sheets out.

Pure Python and the standard library only. Methods:

* ``scottish-stv``: the Scottish local government STV rules (five-place truncation);
* ``meek-stv``: Meek STV, the PR Foundation's reference rule;
* ``irv``: instant-runoff for one seat;
* ``schulze``: the Schulze method, ranking and top N.
"""

from __future__ import annotations

from .blt import BltError, Election, parse_blt, read_blt, to_blt
from .irv import count_irv
from .meek import count_meek
from .schulze import SchulzeResult, count_schulze
from .scottish import count_scottish
from .sheet import Action, CountSheet, Stage, TieBreak

__all__ = [
    "METHODS",
    "Action",
    "BltError",
    "CountSheet",
    "Election",
    "SchulzeResult",
    "Stage",
    "TieBreak",
    "count",
    "count_irv",
    "count_meek",
    "count_schulze",
    "count_scottish",
    "parse_blt",
    "read_blt",
    "to_blt",
]

METHODS = ("scottish-stv", "meek-stv", "irv", "schulze")


def count(
    method: str, election: Election, seats: int | None = None, seed: int = 0
) -> CountSheet | SchulzeResult:
    """Count ``election`` by ``method`` (one of METHODS); ``seats`` overrides the file's."""
    if method == "scottish-stv":
        return count_scottish(election, seats, seed)
    if method == "meek-stv":
        return count_meek(election, seats, seed)
    if method == "irv":
        if seats not in (None, 1):
            raise ValueError("instant-runoff fills exactly one seat")
        return count_irv(election, seed)
    if method == "schulze":
        return count_schulze(election, seats, seed)
    raise ValueError(f"unknown counting method {method!r}; choose from {', '.join(METHODS)}")
