"""``charter record verify``: recompute the whole stored record and name the first thing wrong.

``verify`` first asks ``record.sweep`` to confirm, in bulk, that everything is intact; only when it
cannot does the audit below walk the record to name the first problem.

The entries are read in aligned chunks of ``CHUNK`` leaves. For each chunk the leaf hashes are
recomputed from the entry bytes and every perfect subtree inside the chunk is hashed level by level;
the stored subtrees whose start falls in the chunk are read with one range query (their keys are
``start * 64 + level``) and compared. Subtrees wider than a chunk are built from the chunks' roots.
Every signed checkpoint's tree is rebuilt at its size from the chunk levels, so the cost stays at
about two SHA-256 calls per entry plus the reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from charter.lib import merkle
from charter.lib.checkpoint import CheckpointError, open_checkpoint
from charter.record import blocks, checkpoints, integration, sweep
from charter.record.integration import Problem
from charter.record.models import Block, Checkpoint, Entry, LogState, Node
from charter.record.sweep import CHUNK, CHUNK_BITS

Head = tuple[int, str, list[str]]  # size, root hex, right edge (hex)
Stored = tuple[int, bytes, str, str | None]  # index, bytes, stored leaf hash (hex), what is wrong


def verify(progress: Any = None) -> Problem | None:
    """Recompute every leaf hash, stored subtree and tree root from the stored entry bytes, and check
    every signed checkpoint against them.

    Returns the first problem found, or None when the log is intact: each entry's bytes hash to its
    stored leaf hash, indexes run 0, 1, 2, … without gaps, each entry's ``index`` field matches its
    place, every stored subtree hash is the one the entries give (and no other is stored), the log
    state agrees, and every checkpoint carries a valid signature by the log's key over the tree the
    entries give at its size (so a log cut short, or rewritten and rehashed, is caught).
    """
    with sweep.snapshot() as join:
        heads, problem = _signed_heads()
        if problem is not None:
            return problem
        if confirmed(heads, join, progress):
            return None
        return _Audit(heads, None).run()


def confirmed(heads: list[Head], join: str | None = None, progress: Any = None, bits: int = CHUNK_BITS) -> bool:
    """Whether ``record.sweep`` confirms, in bulk, the entries, stored subtrees, the signed heads and
    the log state (``join`` and ``bits`` as ``sweep.confirms`` takes them)."""
    state = LogState.objects.filter(id=1).first()
    marks = [*heads, *([(state.size, state.root, _edge_list(state.compact))] if state else [])]
    signed = max((size for size, _root, _edge in heads), default=0)
    return sweep.confirms(marks, state.size if state else 0, join, progress, bits, signed)


def _edge_list(compact: Any) -> list[str]:
    """A stored right edge as the list of hex hashes it should be; anything else as a list that
    matches no edge (so that it is reported, not raised on)."""
    return list(compact) if isinstance(compact, list) else [f"not a list: {compact!r}"]


class _Audit:
    def __init__(self, heads: list[Head], progress: Any) -> None:
        self.heads = heads
        self.next_head = 0
        self.progress = progress
        self.outer = merkle.CompactRange()  # over the roots of whole chunks
        self.wide_stored: dict[int, str] = {}  # stored subtrees wider than a chunk, awaiting their chunk
        self.size = 0
        self.tail: list[list[bytes]] = [[]]  # the levels of a last, partial chunk

    def run(self) -> Problem | None:
        problem = self._heads_at(0, [[]])
        if problem is not None:
            return problem
        state = LogState.objects.filter(id=1).first()
        for start, rows, held in _chunks(state.size if state else 0):
            problem = self._chunk(start, rows, held)
            if problem is not None:
                return problem
        return self._finish()

    def _chunk(self, start: int, rows: list[Stored], held: dict[int, str]) -> Problem | None:
        leaves: list[bytes] = []
        first_bad: Problem | None = None
        expected = start
        for index, data, stored, wrong in rows:
            if wrong is not None and index == expected:
                first_bad = Problem(index, wrong)
                break
            leaf = sha256(b"\x00" + data).digest()
            if index != expected or leaf.hex() != stored or not sweep.names_its_place(data, index):
                first_bad = self._entry(index, data, stored, expected)
                if first_bad is not None:
                    break
            leaves.append(leaf)
            expected += 1
        levels = sweep.levels(leaves)
        stored_nodes = _stored_nodes(start, start + CHUNK)
        twice = sorted(set(stored_nodes) & set(held))
        if twice and first_bad is None:
            lo = twice[0] // 64
            return Problem(lo, f"a subtree hash from entry {lo} is stored both in its sealed block and as a row of its own (one was added)")
        stored_nodes.update(held)
        node_bad = self._compare_nodes(start, levels, stored_nodes, complete=first_bad is None)
        if node_bad is not None or first_bad is not None:
            return min((p for p in (node_bad, first_bad) if p is not None), key=lambda p: p.index)
        for key, digest in stored_nodes.items():  # wider than a chunk: checked when built
            self.wide_stored[key] = digest
        problem = self._heads_at(start, levels)
        if problem is not None:
            return problem
        self.size = start + len(leaves)
        self.tail = levels if len(leaves) < CHUNK else [[]]
        if len(leaves) == CHUNK:
            for lo, hi, digest in self.outer.append_with_subtrees(levels[-1][0])[1:]:
                key = Node.key_for(lo * CHUNK, hi * CHUNK)
                if self.wide_stored.pop(key, None) != digest.hex():
                    return Problem(lo * CHUNK, f"entries {lo * CHUNK}–{hi * CHUNK - 1} do not give the subtree hash stored for them: one of them was changed and rehashed, or the stored hash was changed")
        if self.progress is not None:
            self.progress(len(leaves))
        return None

    def _entry(self, index: int, data: bytes, stored: str, expected: int) -> Problem | None:
        if index != expected:
            return Problem(expected, f"is missing (the next stored entry is {index})" if index > expected else "is stored twice")
        return integration.entry_problem(index, data, stored)[1]

    def _compare_nodes(self, start: int, levels: list[list[bytes]], stored: dict[int, str], complete: bool) -> Problem | None:
        bad: list[tuple[int, int]] = []  # (last entry, first entry) of each subtree that fails
        for level in range(1, len(levels)):
            width = 1 << level
            for j, digest in enumerate(levels[level]):
                lo = start + j * width
                if stored.pop(lo * 64 + level, None) != digest.hex():
                    bad.append((lo + width - 1, lo))
        end = start + len(levels[0])
        if complete:
            narrow = [k for k in stored if k % 64 <= CHUNK_BITS]
            for key in narrow:  # stored where no such subtree exists
                lo = key // 64
                bad.append((lo + (1 << key % 64) - 1, lo))
                del stored[key]
            beyond = [last for last, _lo in bad if last >= end]
            if beyond and min(bad)[0] >= end:
                return Problem(end, f"is missing: subtree hashes are stored over entries up to {max(beyond)}, but the log ends before it (entries were removed)")
        if not bad:
            return None
        last, first = min(bad, key=lambda r: (r[0], -r[1]))  # the narrowest subtree that fails first
        return Problem(first, f"entries {first}–{last} do not give the subtree hash stored for them: one of them was changed and rehashed, or the stored hash was changed")

    def _heads_at(self, start: int, levels: list[list[bytes]]) -> Problem | None:
        """Check every checkpoint whose size falls in this chunk, ``(start, start + len]``."""
        length = len(levels[0])
        while self.next_head < len(self.heads) and self.heads[self.next_head][0] <= start + length:
            size, root, compact = self.heads[self.next_head]
            edge = self._edge(levels, size - start)
            if edge.root().hex() != root or edge.to_list() != compact:
                return Problem(max(size - 1, 0), f"the signed checkpoint of the first {size} entries does not match them (entries before it were changed, or the checkpoint was)")
            self.next_head += 1
        return None

    def _edge(self, levels: list[list[bytes]], offset: int) -> merkle.CompactRange:
        """The right edge of the tree of the first ``outer.size * CHUNK + offset`` entries."""
        return sweep.edge(self.outer, sweep.pieces(levels, offset), offset, CHUNK_BITS)

    def _finish(self) -> Problem | None:
        size = self.size
        if self.next_head < len(self.heads):
            signed = self.heads[self.next_head][0]
            return Problem(size, f"a checkpoint was signed over {signed} entries but only {size} are stored: entries were removed")
        if self.wide_stored:
            lo = min(self.wide_stored) // 64
            return Problem(lo, f"a subtree hash is stored from entry {lo} where the entries make none")
        read_to = -(-size // CHUNK) * CHUNK  # the chunks read cover the stored subtrees below this
        stray = Node.objects.filter(Q(key__gte=read_to * 64) | Q(key__lt=0)).order_by("key").first()
        if stray is not None:
            return Problem(size, f"a subtree hash is stored beyond the log's end (key {stray.key}): entries were removed, or it was added")
        beyond = Block.objects.filter(Q(number__gte=size >> sweep.BLOCK_BITS) | Q(number__lt=0)).order_by("number").values_list("number", flat=True).first()
        if beyond is not None:
            return Problem(size, f"block {beyond} is stored beyond the entries the tree holds: entries were removed, or it was added")
        state = LogState.objects.filter(id=1).first()
        stored_size = state.size if state else 0
        if stored_size != size:
            return Problem(size, f"the log state says {stored_size} entries but {size} are stored")
        if state is not None:
            edge = self._edge(self.tail, size - self.outer.size * CHUNK)
            if edge.root().hex() != state.root or edge.to_list() != _edge_list(state.compact):
                return Problem(max(size - 1, 0), "the stored log root does not match the entries")
        return None


def _stored_nodes(lo: int, hi: int) -> dict[int, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT key, hash FROM record_node WHERE key >= %s AND key < %s", [lo * 64, hi * 64])
        return dict(cur.fetchall())


def _chunks(size: int) -> Iterator[tuple[int, list[Stored], dict[int, str]]]:
    """The entries of the integrated tree (below ``size``; those after it are not in the tree yet)
    in index order, in aligned chunks of ``CHUNK`` (a gap shows as a wrong index): a sealed one's
    bytes and leaf hash from its block, any other's from its row, with what is wrong with how it is
    stored, if anything; and the subtree hashes the chunk's sealed blocks hold, by key."""
    top = Block.objects.filter(number__lt=size >> sweep.BLOCK_BITS).order_by("-number").values_list("number", flat=True).first()
    top = -1 if top is None else top
    for start in range(0, size, CHUNK):
        end = min(start + CHUNK, size)
        held, nodes = {}, {}
        with connection.cursor() as cur:
            cur.execute(_BLOCKS[connection.vendor == "sqlite"], [start >> sweep.BLOCK_BITS, (end - 1) >> sweep.BLOCK_BITS])
            found = cur.fetchall()
        for number, *columns, kinds in found:
            held[number] = _opened(number, *columns) if kinds == "blob" * 4 else f"its block {number} does not hold its columns as bytes (the block was rewritten)"
            if not isinstance(held[number], str):  # a block may be wider than the chunk
                nodes.update((k, h) for k, h in held[number][2].items() if start <= k // 64 < end)
        rows = Entry.objects.filter(index__gte=start, index__lt=end).order_by("index").values_list("index", "body", "leaf_hash")
        yield start, [_stored(index, body, leaf, held, top) for index, body, leaf in rows], nodes


# SQLite keeps any value in any column: a block's columns are read as bytes, with what they hold
_BLOCKS = (
    "SELECT number, data, ends, leaves, nodes, 'blobblobblobblob' FROM record_block WHERE number >= %s AND number <= %s",
    "SELECT number, CAST(data AS BLOB), CAST(ends AS BLOB), CAST(leaves AS BLOB), CAST(nodes AS BLOB), "
    "typeof(data) || typeof(ends) || typeof(leaves) || typeof(nodes) FROM record_block WHERE number >= %s AND number <= %s",
)


def _opened(number: int, data: Any, ends: Any, leaves: Any, nodes: Any) -> tuple[list[bytes], list[str], dict[int, str]] | str:
    """A sealed block's entries, their stored leaf hashes (hex) and the subtree hashes it holds
    (hex, by key); or what is wrong with it."""
    try:
        entries = sweep.block_entries(bytes(data), bytes(ends))
    except ValueError as exc:
        return f"its block {number} cannot be read: {exc} (the block was changed)"
    joined, inner, keys = bytes(leaves), bytes(nodes), blocks.node_keys(number)
    if len(joined) != 32 * sweep.BLOCK or len(inner) != 32 * len(keys):
        return f"its block {number} does not hold the leaf hashes of its {sweep.BLOCK} entries and the subtree hashes inside it (the block was changed)"
    held = {key: inner[32 * i : 32 * i + 32].hex() for i, key in enumerate(keys)}
    return entries, [joined[i : i + 32].hex() for i in range(0, len(joined), 32)], held


def _stored(index: int, body: Any, leaf: Any, held: dict[int, Any], top: int) -> Stored:
    number = index >> sweep.BLOCK_BITS
    block = held.get(number)
    if block is None:
        if not isinstance(body, str) or not isinstance(leaf, str):
            return index, b"", "", "its stored bytes or leaf hash are not text (the row was rewritten)"
        if body == "" and leaf == "":
            return index, b"", "", "its row was emptied for a block that is not stored (the block was removed)"
        if number < top:
            return index, body.encode("utf-8"), leaf, f"its block {number} is not stored, though later blocks are (the block was removed)"
        return index, body.encode("utf-8"), leaf, None
    if isinstance(block, str):
        return index, b"", "", block
    if body != "" or leaf != "":
        return index, b"", "", "its row holds bytes or a leaf hash, though its block is sealed (the row was changed)"
    k = index & (sweep.BLOCK - 1)
    return index, block[0][k], block[1][k], None


def _signed_heads() -> tuple[list[Head], Problem | None]:
    """Every stored checkpoint as (size, root hex, right edge), its signature and fields checked."""
    rows = list(Checkpoint.objects.order_by("size").values_list("size", "root", "note", "compact"))
    if not rows:
        return [], None
    verifier = checkpoints.signer().verifier()
    heads = []
    for size, root, note, compact in rows:
        where = max(size - 1, 0)
        try:
            signed = open_checkpoint(note, verifier, origin=settings.RECORD_ORIGIN)
        except CheckpointError as exc:
            return [], Problem(where, f"the checkpoint stored for size {size} does not verify with the log's key ({exc})")
        if signed.size != size or signed.root.hex() != root:
            return [], Problem(where, f"the checkpoint stored for size {size} says size {signed.size} and root {signed.root.hex()} in its signed text")
        heads.append((size, root, _edge_list(compact)))
    return heads, None
