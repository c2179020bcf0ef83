"""Blocks: every ``SIZE`` integrated entries sealed into one row, where they are read from then on.

With a row per entry, reading the entries costs ``record verify`` more than hashing them: the
database's work and the driver's are per row (decision 0003, "Blocks"). So once integration has
taken a whole aligned block of ``SIZE`` entries, it seals them (``seal``): one ``Block`` row holds
their leaf inputs (each entry's bytes after the byte 0x00, as RFC 9162 hashes them) joined, where
each one ends, their leaf hashes joined, and the hashes of the subtrees inside the block joined. The
entries' own rows keep their index, time, act and outcome, and their bytes and leaf hash are
emptied; the subtrees' own rows are deleted. On PostgreSQL the record's append-only triggers allow
exactly those changes, and only where the block holds what is taken out (migration 0006). Sealing
first checks the entries against the tree: each entry's bytes hash to its stored leaf hash, and
together they give every stored subtree of the block.

Every reader of an entry's bytes or leaf hash goes through ``rows``, ``row``, ``fill`` and
``leaves``, which read a sealed entry from its block and any other from its row. How a block's data
divides into its entries is ``sweep.block_entries``, where ``record verify`` reads it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from hashlib import sha256
from typing import Any

from charter.lib import merkle
from charter.record.models import Block, Entry, Node
from charter.record.sweep import BLOCK as SIZE
from charter.record.sweep import BLOCK_BITS as BITS
from charter.record.sweep import block_entries, ends_of, levels

Row = tuple[int, bytes, str]  # index, the entry's bytes, its leaf hash (hex)


def pack(bodies: list[bytes]) -> dict[str, bytes]:
    """A block's stored columns for these entries' bytes: their leaf inputs joined, where each
    ends (``sweep.block_entries``), their leaf hashes joined, and the hashes of the subtrees inside
    it (levels 1 to 7, each level in order) joined."""
    inputs = [b"\x00" + body for body in bodies]
    leaves = [sha256(one).digest() for one in inputs]
    return {
        "data": b"".join(inputs),
        "ends": ends_of(bodies),
        "leaves": b"".join(leaves),
        "nodes": b"".join(b"".join(level) for level in levels(leaves)[1:BITS]),
    }


def node_place(key: int) -> int:
    """Where the subtree ``key`` (narrower than a block) sits in its block's ``nodes``, in hashes."""
    level, start = key % 64, key // 64
    return SIZE - (2 * SIZE >> level) + ((start & (SIZE - 1)) >> level)


def node_keys(number: int) -> list[int]:
    """The keys of the subtrees inside block ``number`` (levels 1 to 7), in the order of its
    ``nodes``."""
    base = number << BITS
    return [(base + (j << level)) * 64 + level for level in range(1, BITS) for j in range(SIZE >> level)]


def sealed_blocks() -> int:
    """How many blocks are sealed (they are numbered from 0, without gaps, as ``record verify``
    checks)."""
    last = Block.objects.order_by("-number").values_list("number", flat=True).first()
    return 0 if last is None else last + 1


def seal(size: int) -> tuple[int, str] | None:
    """Seal every whole block of the first ``size`` (integrated) entries that is not sealed yet.
    Runs in integration's transaction. Returns the first entry it cannot seal and why, or None."""
    for number in range(sealed_blocks(), size >> BITS):
        lo, hi = number << BITS, (number + 1) << BITS
        rows = list(Entry.objects.filter(index__gte=lo, index__lt=hi).order_by("index").values_list("index", "body", "leaf_hash"))
        if [r[0] for r in rows] != list(range(lo, hi)):
            return lo, f"the entries {lo}–{hi - 1} are not all stored, so they cannot be sealed"
        bodies = [body.encode("utf-8") for _, body, _ in rows]
        for k, body in enumerate(bodies):
            if b"\x00" in body:  # no canonical entry holds it, and a block divides its entries at it
                return lo + k, "its bytes hold the byte 0x00, which no entry's bytes hold, so it cannot be sealed"
        columns = pack(bodies)
        leaves = columns["leaves"]
        for k, (_, _, stored) in enumerate(rows):
            if leaves[32 * k : 32 * k + 32].hex() != stored:
                return lo + k, "its bytes do not hash to its stored leaf hash (the entry or its hash was changed)"
        # the subtrees stored for the block's entries (they move into it) are the ones they give
        inner = columns["nodes"]
        expected = {key: inner[32 * i : 32 * i + 32].hex() for i, key in enumerate(node_keys(number))}
        expected[Node.key_for(lo, hi)] = merkle.root_from_leaf_hashes([leaves[i : i + 32] for i in range(0, len(leaves), 32)]).hex()
        stored_nodes = dict(Node.objects.filter(key__in=list(expected)).values_list("key", "hash"))
        if stored_nodes != expected:
            return lo, f"entries {lo}–{hi - 1} do not give the subtree hashes stored for them, so they are not sealed"
        Block.objects.create(number=number, **columns)
        Entry.objects.filter(index__gte=lo, index__lt=hi).update(body="", leaf_hash="")
        Node.objects.filter(key__in=list(expected)).exclude(key=Node.key_for(lo, hi)).delete()
    return None


def _blocks(numbers: Iterable[int]) -> dict[int, tuple[list[bytes], bytes]]:
    """The sealed blocks among ``numbers``: their entries' bytes and leaf hashes joined (a block
    that cannot be read is left out)."""
    out = {}
    for number, data, ends, leaves in Block.objects.filter(number__in=sorted(set(numbers))).values_list("number", "data", "ends", "leaves"):
        try:
            out[number] = (block_entries(bytes(data), bytes(ends)), bytes(leaves))
        except ValueError:
            continue
    return out


def _resolved(rows: list[tuple[int, Any, Any]]) -> list[Row]:
    """Rows ``(index, body, leaf_hash)`` as stored, with each sealed entry's bytes and leaf hash
    taken from its block (an emptied row whose block is missing stays empty)."""
    blocks = _blocks(i >> BITS for i, body, leaf in rows if body == "" and leaf == "")
    out = []
    for index, body, leaf in rows:
        sealed = blocks.get(index >> BITS) if body == "" and leaf == "" else None
        if sealed is not None and (index & (SIZE - 1)) < len(sealed[0]):
            k = index & (SIZE - 1)
            out.append((index, sealed[0][k], sealed[1][32 * k : 32 * k + 32].hex()))
        else:
            out.append((index, str(body).encode("utf-8"), str(leaf)))
    return out


def rows(lo: int, hi: int, limit: int | None = None) -> list[Row]:
    """The stored entries from ``lo`` up to (not including) ``hi``, in order (at most ``limit``)."""
    query = Entry.objects.filter(index__gte=lo, index__lt=hi).order_by("index").values_list("index", "body", "leaf_hash")
    return _resolved(list(query if limit is None else query[:limit]))


def row(entry: Entry) -> Row:
    """One entry's index, bytes and leaf hash, read from its block when it is sealed."""
    return _resolved([(entry.index, entry.body, entry.leaf_hash)])[0]


def text(entry: Entry) -> str:
    """An entry's canonical JSON, as text (empty when it cannot be read)."""
    return row(entry)[1].decode("utf-8", "replace")


def leaves(indexes: Iterable[int]) -> dict[int, bytes]:
    """The stored leaf hashes of these entries (those stored and readable): a sealed entry's from
    its block, any other's from its row."""
    wanted = set(indexes)
    out = _held("leaves", {i: (i >> BITS, i & (SIZE - 1)) for i in wanted})
    for index, leaf in Entry.objects.filter(index__in=wanted - set(out)).values_list("index", "leaf_hash"):
        try:
            digest = bytes.fromhex(leaf)
        except (TypeError, ValueError):
            continue
        if len(digest) == merkle.HASH_SIZE:
            out[index] = digest
    return out


def nodes(keys: Iterable[int]) -> dict[int, bytes]:
    """The hashes that sealed blocks hold of these subtrees (those narrower than a block, in a
    sealed block)."""
    return _held("nodes", {k: (k // 64 >> BITS, node_place(k)) for k in keys if 1 <= k % 64 < BITS})


def _held(column: str, places: dict[int, tuple[int, int]]) -> dict[int, bytes]:
    """The hashes a column of sealed blocks holds, by key: ``places`` gives each key's block and
    place in it (in hashes); a key whose block is not sealed, or holds nothing there, is left out."""
    out = {}
    for number, joined in Block.objects.filter(number__in={n for n, _at in places.values()}).values_list("number", column):
        joined = bytes(joined)
        for key, (n, at) in places.items():
            if n == number and len(joined) >= 32 * at + 32:
                out[key] = joined[32 * at : 32 * at + 32]
    return out


def fill(entries: Iterable[Entry]) -> list[Entry]:
    """These entries, each sealed one given its bytes and leaf hash from its block, read in one
    query. In memory only, for showing them: the rows stay as they are."""
    out = list(entries)
    for entry, (_index, data, leaf) in zip(out, _resolved([(e.index, e.body, e.leaf_hash) for e in out]), strict=True):
        entry.body, entry.leaf_hash = data.decode("utf-8", "replace"), leaf
    return out
