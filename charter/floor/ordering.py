"""The order of a list of speakers, as the chair asks for it. Pure: no Django, table-tested.

Points of order always come first, in the order asked. The other requests keep the order in which
they were asked, unless the chair asks for
- ``first_time_first``: those who have not yet spoken at the conference before those who have;
- ``balance``: alternate between the values of an attribute (gender, as registered), each group
  keeping its own order, starting with the group of whoever is first in line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    id: int
    point_of_order: bool
    spoken_before: bool = False
    group: str = ""  # the attribute balanced on (e.g. gender); "" when not given


def order(
    requests: Sequence[Request], *, first_time_first: bool = False, balance: bool = False
) -> list[int]:
    """The ids in speaking order; ``requests`` come in the order they were asked."""
    points = [r for r in requests if r.point_of_order]
    rest = [r for r in requests if not r.point_of_order]
    # With both, balance works within each tier: nobody who has spoken goes before a first-timer.
    tiers = (
        [[r for r in rest if not r.spoken_before], [r for r in rest if r.spoken_before]]
        if first_time_first
        else [rest]
    )
    if balance:
        tiers = [_alternate(t) for t in tiers]
    return [r.id for r in points] + [r.id for t in tiers for r in t]


def _alternate(rest: list[Request]) -> list[Request]:
    """Round-robin over the groups in order of first appearance; within a group, the given order."""
    groups: dict[str, list[Request]] = {}
    for r in rest:
        groups.setdefault(r.group, []).append(r)
    out: list[Request] = []
    queues = list(groups.values())
    while any(queues):
        for q in queues:
            if q:
                out.append(q.pop(0))
    return out
