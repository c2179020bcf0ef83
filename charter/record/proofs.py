"""RFC 9162 proofs served from the stored tree: leaves from the entries, perfect subtrees from ``Node``,
or, in a sealed block, both from the block (``record.blocks``).

A proof needs O(log n) nodes. They are found in two passes of the pure generator in
``charter.lib.merkle``: the first only notes which perfect subtrees it asks for, one query fetches
them all, the second builds the proof from what was fetched.
"""

from __future__ import annotations

from collections.abc import Callable

from charter.lib import merkle
from charter.record import blocks
from charter.record.models import LogState, Node

GetNode = Callable[[int, int], bytes]
_PLACEHOLDER = bytes(merkle.HASH_SIZE)


class ProofError(ValueError):
    """The proof asked for does not exist (sizes out of range), or a stored node is missing."""


def log_size() -> int:
    state = LogState.objects.filter(id=1).first()
    return state.size if state else 0


def _nodes(ranges: list[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    leaves = [lo for lo, hi in ranges if hi - lo == 1]
    inner = {Node.key_for(lo, hi): (lo, hi) for lo, hi in ranges if hi - lo > 1}
    found: dict[tuple[int, int], bytes] = {}
    for index, leaf in blocks.leaves(leaves).items():
        found[(index, index + 1)] = leaf
    for key, digest in Node.objects.filter(key__in=list(inner)).values_list("key", "hash"):
        found[inner[key]] = bytes.fromhex(digest)
    for key, digest in blocks.nodes([k for k, r in inner.items() if r not in found]).items():
        found[inner[key]] = digest
    missing = [r for r in ranges if r not in found]
    if missing:
        raise ProofError(f"the stored tree lacks the subtree {missing[0]}")
    return found


def _prefetched(build: Callable[[GetNode], list[bytes]]) -> list[bytes]:
    wanted: list[tuple[int, int]] = []

    def note(lo: int, hi: int) -> bytes:
        wanted.append((lo, hi))
        return _PLACEHOLDER

    build(note)
    if not wanted:
        return build(note)
    table = _nodes(wanted)
    return build(lambda lo, hi: table[(lo, hi)])


def inclusion(index: int, size: int) -> list[bytes]:
    """The inclusion proof of entry ``index`` in the tree of the first ``size`` entries."""
    if not 0 <= index < size <= log_size():
        raise ProofError(f"no inclusion proof for entry {index} in a tree of {size} entries (the log has {log_size()})")
    return _prefetched(lambda get: merkle.inclusion_proof(index, size, get))


def consistency(size1: int, size2: int) -> list[bytes]:
    """The consistency proof from the tree of ``size1`` entries to that of ``size2``."""
    if not 0 <= size1 <= size2 <= log_size():
        raise ProofError(f"no consistency proof from size {size1} to size {size2} (the log has {log_size()})")
    return _prefetched(lambda get: merkle.consistency_proof(size1, size2, get))


def root_at(size: int) -> bytes:
    """The tree root after the first ``size`` entries, from the stored subtrees."""
    if not 0 <= size <= log_size():
        raise ProofError(f"the log has no tree of {size} entries (it has {log_size()})")
    if size == 0:
        return merkle.EMPTY_ROOT
    return _prefetched(lambda get: [merkle.subtree_hash(0, size, get)])[0]
