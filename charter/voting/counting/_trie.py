"""A lazily built prefix tree of ballots, the data structure behind every count here.

All ballots below one node share the preferences down to it, so they travel
together: at any stage of a count they sit with the same candidate at the same
value. A count therefore moves whole nodes (parcels of papers) instead of single
papers, and a node is split by its next preference only when it first has to move.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter

__all__ = ["Node", "children", "send", "build_root", "no_gc"]

_weight = itemgetter(0)


class Node:
    """Ballots sharing their first ``depth`` preferences; ``count`` is their total weight."""

    __slots__ = ("depth", "items", "count", "end", "kids")

    def __init__(self, depth: int, items: list[tuple[int, tuple[int, ...]]], count: int) -> None:
        self.depth = depth
        self.items: list[tuple[int, tuple[int, ...]]] | None = items
        self.count = count
        self.end = 0  # weight of the ballots that have no preference after this node
        self.kids: dict[int, Node] | None = None


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cycle collector: a count allocates many small objects and makes no
    reference cycles, so collecting would only rescan the tree again and again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build_root(ballots: Iterable[tuple[int, tuple[int, ...]]]) -> Node:
    """The root node holding every ballot (weight, preferences) with a positive weight."""
    items = [b for b in ballots if b[0] > 0]
    return Node(0, items, sum(map(_weight, items)))


def children(node: Node) -> dict[int, Node]:
    """The node's children by next preference, splitting its ballots on first use."""
    kids = node.kids
    if kids is not None:
        return kids
    items = node.items
    assert items is not None
    depth = node.depth
    if len(items) == 1:  # one distinct ballot: no grouping needed
        prefs = items[0][1]
        if len(prefs) > depth:
            kids = {prefs[depth]: Node(depth + 1, items, node.count)}
        else:
            kids = {}
            node.end = node.count
    else:
        groups, node.end = (_split_large if len(items) > 16 else _split_small)(items, depth)
        kids = {c: Node(depth + 1, g, sum(map(_weight, g))) for c, g in groups.items()}
    node.items = None
    node.kids = kids
    return kids


_Groups = dict[int, list[tuple[int, tuple[int, ...]]]]


def _split_small(items: list[tuple[int, tuple[int, ...]]], depth: int) -> tuple[_Groups, int]:
    groups: _Groups = {}
    get = groups.get
    end = 0
    for item in items:
        prefs = item[1]
        if len(prefs) > depth:
            cand = prefs[depth]
            group = get(cand)
            if group is None:
                groups[cand] = [item]
            else:
                group.append(item)
        else:
            end += item[0]
    return groups, end


def _split_large(items: list[tuple[int, tuple[int, ...]]], depth: int) -> tuple[_Groups, int]:
    # Same result as _split_small; exceptions are rare here (once per child, and
    # once per distinct ballot ending at this node), so the common path is short.
    groups: _Groups = {}
    adders: dict[int, Callable[[tuple[int, tuple[int, ...]]], None]] = {}
    end = 0
    for item in items:
        try:
            adders[item[1][depth]](item)
        except KeyError:
            cand = item[1][depth]
            group = groups[cand] = [item]
            adders[cand] = group.append
        except IndexError:
            end += item[0]
    return groups, end


def send(
    node: Node,
    value: int,
    continuing: list[bool],
    piles: list[list[tuple[Node, int]]],
    votes: list[int],
) -> int:
    """Move a parcel to each ballot's next continuing preference, all at ``value``.

    Ballots with no further continuing preference are non-transferable; returns
    their total weight (not multiplied by ``value``).
    """
    exhausted = 0
    stack = [node]
    while stack:
        here = stack.pop()
        kids = here.kids if here.kids is not None else children(here)
        exhausted += here.end
        for cand, kid in kids.items():
            if continuing[cand]:
                piles[cand].append((kid, value))
                votes[cand] += kid.count * value
            else:
                stack.append(kid)
    return exhausted
