"""Arithmetic the rulebook's rules need: quorum, majorities, standing, thresholds. Pure Python."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from charter.rulebook.spec import parse_fraction


def fraction_needed(spec: dict[str, Any], base: int) -> int:
    """The smallest whole number that satisfies ``spec`` (fraction, strict, minimum) against ``base``.

    strict: more than the fraction ("more than half"); otherwise at least the fraction ("two thirds").
    """
    frac = parse_fraction(spec["fraction"])
    exact = frac * base
    if spec.get("strict", False):
        needed = math.floor(exact) + 1
    else:
        needed = math.ceil(exact)
    return max(needed, int(spec.get("minimum", 0)))


def meets(spec: dict[str, Any], count: int, base: int) -> bool:
    return count >= fraction_needed(spec, base)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when end is not after start)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def arrears_months(paid_until: dt.date | None, on: dt.date) -> int:
    """Months of dues owed on ``on`` for a member whose dues are paid up to ``paid_until``."""
    if paid_until is None:
        return 0
    return months_between(paid_until, on)


def in_good_standing(status: str, paid_until: dt.date | None, on: dt.date, max_arrears_months: int) -> bool:
    return status == "member" and arrears_months(paid_until, on) <= max_arrears_months


def delegates_for(members_in_good_standing: int, rule: dict[str, Any]) -> int:
    per = int(rule.get("per_members_in_good_standing", 0))
    minimum = int(rule.get("minimum_per_unit", 0))
    if not per:
        return minimum
    return max(members_in_good_standing // per, minimum)


def vote_weight(rule: dict[str, Any] | None, members_in_good_standing: int) -> int:
    """The weight of one voter under a body's vote_weight rule (1 when there is none)."""
    if not rule:
        return 1
    if rule["by"] == "fixed":
        return int(rule.get("value", 1))
    per = int(rule.get("per", 1))
    return max(members_in_good_standing // per, int(rule.get("minimum", 0)))


def total_weight(rule: dict[str, Any] | None, unit_sizes: Iterable[int]) -> int:
    """The total weight of voters representing units of the given sizes (members in good standing)."""
    return sum(vote_weight(rule, size) for size in unit_sizes)


def weighted_totals(rule: dict[str, Any] | None, ballots: Iterable[tuple[str, int]]) -> tuple[int, int, int]:
    """Add up a weighted vote: (yes, no, abstain) from ballots of (choice, members in good standing
    of the unit the voter represents), each choice one of "yes", "no", "abstain"."""
    totals = {"yes": 0, "no": 0, "abstain": 0}
    for choice, size in ballots:
        if choice not in totals:
            raise ValueError(f"a vote is yes, no or abstain, not {choice!r}")
        totals[choice] += vote_weight(rule, size)
    return totals["yes"], totals["no"], totals["abstain"]


def threshold_needed(spec: dict[str, Any], members_in_good_standing: int) -> int:
    if "members_in_good_standing" in spec:
        return int(spec["members_in_good_standing"])
    frac = parse_fraction(spec["fraction"])
    return max(math.ceil(frac * members_in_good_standing), 1)


def co_option_cap(max_fraction: Any, seats: int) -> int:
    return math.floor(Fraction(parse_fraction(max_fraction)) * seats)
