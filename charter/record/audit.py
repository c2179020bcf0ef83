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
from charter.record import checkpoints, integration, sweep
from charter.record.integration import Problem
from charter.record.models import Checkpoint, LogState, Node
from charter.record.sweep import CHUNK, CHUNK_BITS

Head = tuple[int, str, list[str]]  # size, root hex, right edge (hex)


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
    return sweep.confirms(marks, state.size if state else 0, join, progress, bits)


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
        for start, rows in _chunks(state.size if state else 0):
            problem = self._chunk(start, rows)
            if problem is not None:
                return problem
        return self._finish()

    def _chunk(self, start: int, rows: list[tuple[int, str, str]]) -> Problem | None:
        leaves: list[bytes] = []
        first_bad: Problem | None = None
        expected = start
        for index, body, stored in rows:
            if not isinstance(body, str) or not isinstance(stored, str):
                first_bad = Problem(index, "its stored bytes or leaf hash are not text (the row was rewritten)")
                break
            data = body.encode("utf-8")
            leaf = sha256(b"\x00" + data).digest()
            if index != expected or leaf.hex() != stored or not sweep.names_its_place(data, index):
                first_bad = self._entry(index, body, stored, expected)
                if first_bad is not None:
                    break
            leaves.append(leaf)
            expected += 1
        levels = sweep.levels(leaves)
        stored_nodes = _stored_nodes(start, start + CHUNK)
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

    def _entry(self, index: int, body: str, stored: str, expected: int) -> Problem | None:
        if index != expected:
            return Problem(expected, f"is missing (the next stored entry is {index})" if index > expected else "is stored twice")
        return integration.entry_problem(index, body.encode("utf-8"), stored)[1]

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


def _chunks(size: int) -> Iterator[tuple[int, list[tuple[int, str, str]]]]:
    """The entries of the integrated tree (below ``size``; those after it are not in the tree yet)
    in index order, in aligned chunks of ``CHUNK`` (a gap shows as a wrong index)."""
    start = 0
    with connection.chunked_cursor() as cur:
        cur.execute('SELECT "index", body, leaf_hash FROM record_entry WHERE "index" < %s ORDER BY "index"', [size])
        while True:
            rows = cur.fetchmany(CHUNK)
            if not rows:
                return
            yield start, rows
            start += CHUNK


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
