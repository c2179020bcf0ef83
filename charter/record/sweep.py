"""``record verify``'s first pass: confirm in bulk that the whole stored record is intact.

The audit (``record.audit``) walks the entries one at a time so that it can name the first thing
wrong. Most of its time goes on that walk, not on hashing. This pass only answers "intact" or "not
confirmed", and does per entry little more than hash it: each chunk of ``CHUNK`` entries is read as
bytes, its sealed blocks (``record.blocks``) in one query and the entries after them in rows in
another, and checked with whole-chunk comparisons (a block's entries against its stored ends, the
indexes against ``range``, the stored leaf hashes against the computed ones joined, the subtrees
the blocks hold and the stored subtrees of the chunk, in key order, against the computed levels
joined). It is at least as strict as the audit: whatever the audit would
report, this pass does not confirm, and ``verify`` then runs the audit to name it (a test holds the
two to that on every case of the tamper matrix).

Reads happen in one snapshot (``snapshot``). With a log of ``PARALLEL_MIN`` entries or more, read in
a transaction of its own on Linux, the chunks are split between worker processes, one per core,
each on its own connection. On PostgreSQL a worker is forked and reads the parent's snapshot
(exported by the parent, imported by the worker). On SQLite a worker is a new interpreter (this
module imports nothing that needs Django set up): a forked child would share the parent's SQLite
library state, which tracks the file's locks for the whole process; it reads its own snapshot and
goes on only if it sees the log state the parent saw. A worker that fails, waits on a lock, or sees
another log state leaves the log unconfirmed, and the audit runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import struct
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, chain
from operator import itemgetter
from typing import Any

from django.db import connection, transaction

from charter.lib import merkle

CHUNK_BITS = 12
CHUNK = 1 << CHUNK_BITS
BLOCK_BITS = 8  # entries are sealed in blocks of 256, and subtrees that wide or wider stored (record.blocks)
BLOCK = 1 << BLOCK_BITS
PARALLEL_MIN = 1 << 16  # entries; below this a worker costs more than it saves

Mark = tuple[int, str, list[str]]  # a tree head to check: size, root hex, right edge (hex)
Rows = list[tuple[Any, ...]]

_sha256 = hashlib.sha256
_digest = type(_sha256()).digest
_ENDS = f"<{BLOCK}I"  # where each of a block's entries ends in its data
_ZERO = b"\x00"
HOLDING = "(body = '' AND leaf_hash = '') IS NOT TRUE"  # an entry's row that holds its bytes (migration 0006)
_one_more = (1).__add__
_PLACE = b',"index":%d,"outcome":'  # canonical JSON puts the top-level index just before outcome
_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)
_ENTRIES = 'SELECT "index", leaf_hash, body FROM record_entry WHERE "index" >= {p} AND "index" < {p}{text} ORDER BY "index"'
_BLOCKS = "SELECT number, data, ends, leaves, nodes FROM record_block WHERE number >= {p} AND number < {p}{text} ORDER BY number"
_NODES = (
    "SELECT key - {p} AS k, hash FROM record_node WHERE key >= {p} AND key < {p}{text} ORDER BY key"
)
# Stored subtrees are read joined by the database into one row of comma-separated keys and hashes, and
# their count (``Reader.nodes``): the per-row work stays in the database and in C. A value holding a
# comma would add a value, so values that split into as many as there are rows are each the row's own.
# Both aggregates read the rows in one order; should it not be the subquery's, the keys do not come
# out as expected and the chunk is not confirmed.
_AGGREGATE = {"postgresql": "string_agg({}::text, ',')", "sqlite": "group_concat({}, ',')"}
# SQLite reads text and blobs alike as bytes here; a row whose hash or body is not text is left out,
# so the chunk does not add up and is not confirmed (the audit reads it and names it)
_TEXT_ONLY = {
    "entries": " AND typeof(leaf_hash) = 'text' AND typeof(body) = 'text'",
    "nodes": " AND typeof(hash) = 'text'",
    "blocks": " AND typeof(data) = 'blob' AND typeof(ends) = 'blob' AND typeof(leaves) = 'blob' AND typeof(nodes) = 'blob'",
}


def levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Level 0 the leaves; level k the hashes of the complete, aligned subtrees of 2**k leaves."""
    out = [leaves]
    while len(out[-1]) >= 2:
        below = out[-1]
        out.append(
            [
                _sha256(b"\x01" + below[i] + below[i + 1]).digest()
                for i in range(0, len(below) - 1, 2)
            ]
        )
    return out


def pieces(chunk_levels: list[list[bytes]], offset: int) -> list[bytes]:
    """The right edge of the tree of a chunk's first ``offset`` leaves, from the chunk's levels."""
    out, pos = [], 0
    for bit in reversed(range(offset.bit_length())):
        if offset >> bit & 1:
            out.append(chunk_levels[bit][pos >> bit])
            pos += 1 << bit
    return out


def edge(
    outer: merkle.CompactRange, chunk_pieces: list[bytes], offset: int, bits: int
) -> merkle.CompactRange:
    """The right edge of the tree of ``outer.size`` whole chunks (``outer``: the tree over their
    roots) and then the first ``offset`` leaves of the next chunk (``chunk_pieces``: ``pieces``)."""
    if offset == 1 << bits:  # the whole next chunk: its root joins the outer tree
        joined = outer.copy()
        joined.append(chunk_pieces[0])
        return merkle.CompactRange(joined.size << bits, joined.hashes)
    return merkle.CompactRange((outer.size << bits) + offset, [*outer.hashes, *chunk_pieces])


@lru_cache(maxsize=8)
def _layout(n: int, bits: int, rows_from: int) -> tuple[bytes, list[int]]:
    """For a chunk of ``n`` leaves whose first ``rows_from`` are sealed: the keys (relative to the
    chunk's, as ``Reader.nodes`` gives them, comma-joined) of the subtrees of levels 1 to ``bits``
    it completes that are stored as rows (in a sealed block, only those at least a block wide), in
    key order, and where each one's hash sits in the levels joined."""
    offsets, at = {}, 0
    for level in range(1, bits + 1):
        offsets[level] = at
        at += n >> level
    keys, where = [], []
    for lo in range(0, n, 2):
        for level in range(1 if lo >= rows_from else BLOCK_BITS, bits + 1):
            if lo % (1 << level) or lo + (1 << level) > n:
                break
            keys.append(lo * 64 + level)
            where.append(offsets[level] + (lo >> level))
    return ",".join(map(str, keys)).encode(), where


@dataclass
class Chunk:
    """What checking one chunk gives the pass that ties the chunks together."""

    start: int
    size: int
    root: bytes | None  # the chunk's subtree hash, when it is full
    edges: list[list[bytes]] = field(default_factory=list)  # per mark ending inside it, in order
    # the stored subtrees wider than a chunk that start at its first entry
    wide: dict[int, str] = field(default_factory=dict)
    nodes: int = 0  # stored subtree rows read


class Reader:
    """The entries and stored subtrees of a range, as bytes, from a DB-API connection."""

    def __init__(self, conn: Any, vendor: str) -> None:
        self.conn = conn
        self.vendor = vendor
        if vendor == "postgresql":
            import psycopg
            from psycopg.types.string import ByteaBinaryLoader

            # binary results need server-side binding (Django's own cursors bind on the client)
            self.cursor = psycopg.Cursor(conn)
            self.cursor.format = psycopg.pq.Format.BINARY
            for name in ("text", "varchar"):  # the stored bytes as they are, not decoded
                self.cursor.adapters.register_loader(name, ByteaBinaryLoader)
            p = "%s"
        else:
            self.cursor = conn.cursor()
            p = "?"
        sqlite = vendor == "sqlite"
        self.entries_sql = _ENTRIES.format(p=p, text=_TEXT_ONLY["entries"] if sqlite else "")
        self.blocks_sql = _BLOCKS.format(p=p, text=_TEXT_ONLY["blocks"] if sqlite else "")
        # entries joined so were measured slower than a row each, on both databases
        nodes = _NODES.format(p=p, text=_TEXT_ONLY["nodes"] if sqlite else "")
        agg = _AGGREGATE[vendor]
        self.nodes_sql = (
            f"SELECT count(*), {agg.format('k')}, {agg.format('hash')} FROM ({nodes}) AS n"
        )

    def entries(self, lo: int, hi: int) -> Rows:
        self.cursor.execute(self.entries_sql, [lo, hi])
        return self.cursor.fetchall()

    def blocks(self, lo: int, hi: int) -> Rows:
        """The sealed blocks numbered from ``lo`` up to ``hi``: number, data, ends, leaves, nodes."""
        self.cursor.execute(self.blocks_sql, [lo, hi])
        return self.cursor.fetchall()

    def nodes(self, lo: int, hi: int) -> tuple[list[bytes], list[bytes]] | None:
        """The stored subtrees starting in ``[lo, hi)`` in key order: their keys less ``lo * 64``
        (as decimal text) and their hashes; None when they do not come out one value per row."""
        self.cursor.execute(self.nodes_sql, [lo * 64, lo * 64, hi * 64])
        count, keys, hashes = self.cursor.fetchone()
        if not count:
            return [], []
        split = keys.split(b","), hashes.split(b",")
        if any(len(values) != count for values in split):
            return None
        return split

    def state(self) -> tuple[int, str] | None:
        self.cursor.execute("SELECT size, root FROM record_logstate WHERE id = 1")
        row = self.cursor.fetchone()
        return (
            None
            if row is None
            else (
                row[0],
                bytes(row[1]).decode() if isinstance(row[1], (bytes, memoryview)) else row[1],
            )
        )


def names_its_place(body: bytes, index: int) -> bool:
    """Whether an entry's bytes name ``index`` as its place in the log (``_PLACE`` in canonical
    JSON; other JSON is parsed)."""
    if _PLACE % index in body:
        return True
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("index") == index


def block_entries(data: bytes, ends: bytes) -> list[bytes]:
    """The entries' bytes a block holds. An entry's bytes hold no 0x00 (canonical JSON escapes it),
    so the block's data splits at each 0x00 into exactly its entries; where they end must be the
    block's stored ends. ValueError when they are not ``BLOCK`` entries so divided."""
    parts = data.split(_ZERO)
    if len(parts) != BLOCK + 1 or parts[0] or len(ends) != 4 * BLOCK:
        raise ValueError(f"its data does not divide into {BLOCK} entries, each after a 0x00")
    del parts[0]
    if tuple(accumulate(map(_one_more, map(len, parts)))) != struct.unpack(_ENDS, ends):
        raise ValueError("its stored ends are not where its entries end")
    return parts


def ends_of(entries: list[bytes]) -> bytes:
    """A block's stored ends for these entries' bytes (``block_entries``)."""
    return struct.pack(f"<{len(entries)}I", *accumulate(map(_one_more, map(len, entries))))


def sealed_leaves(reader: Reader, lo: int, hi: int, signed: int = 0) -> tuple[list[bytes], list[bytes]] | None:
    """The leaf hashes of the sealed entries ``[lo, hi)`` (whole blocks), computed from each
    block's data, and the subtree hashes each block holds (joined); None unless every block is
    there and holds exactly 256 leaf inputs (``block_entries``), each 0x00 and then bytes that name
    their place, whose hashes are the block's stored leaf hashes. Entries before ``signed`` (the largest signed checkpoint, which the caller checks against the tree) are
    not searched for their place: the log's key signed only a tree whose every entry integration
    had found in its place, so a moved entry there changes the signed root."""
    first, last = lo >> BLOCK_BITS, hi >> BLOCK_BITS
    rows = reader.blocks(first, last) if last > first else []
    if list(map(_first, rows)) != list(range(first, last)):
        return None
    out: list[bytes] = []
    inner: list[bytes] = []
    for number, data, ends, stored, nodes in rows:
        parts = block_entries(data, ends)  # a ValueError leaves the chunk unconfirmed (check_chunks)
        computed = list(map(_digest, map(_sha256, map(_ZERO.__add__, parts))))
        if b"".join(computed) != stored:
            return None
        base = number << BLOCK_BITS
        # each entry names its own place (``names_its_place``, the canonical case), searched from its end
        if base + BLOCK > signed and -1 in map(bytes.rfind, parts, map(_PLACE.__mod__, range(base, base + BLOCK))):
            return None
        out += computed
        inner.append(nodes)
    return out, inner


def row_leaves(reader: Reader, lo: int, hi: int) -> list[bytes] | None:
    """The leaf hashes of the entries ``[lo, hi)`` held in rows, computed from their bytes; None
    unless every one is there, hashes to its stored leaf hash and names its place. Hashes are
    compared joined, each one first checked to be 64 characters (a hash cut short on one row and
    carried on the next would join the same)."""
    if hi <= lo:
        return []
    rows = reader.entries(lo, hi)
    if len(rows) != hi - lo or list(map(_first, rows)) != list(range(lo, hi)):
        return None
    bodies = list(map(_third, rows))
    leaves = [_sha256(b"\x00" + body).digest() for body in bodies]
    stored_leaves = list(map(_second, rows))
    if (
        set(map(len, stored_leaves)) != {64}
        or b"".join(stored_leaves) != b"".join(leaves).hex().encode()
    ):
        return None
    # each entry names its own place (``names_its_place``, the canonical case, for the whole range)
    if not all(map(bytes.__contains__, bodies, [_PLACE % i for i in range(lo, hi)])):
        return None
    return leaves


def check_chunk(
    reader: Reader,
    start: int,
    end: int,
    marks: Sequence[int],
    bits: int = CHUNK_BITS,
    sealed: int = 0,
    signed: int = 0,
) -> Chunk | None:
    """Check the entries ``[start, end)`` (one aligned chunk of ``2**bits``, at least a block) and
    the subtrees stored in it; None when anything is not as the entries give it. ``marks``: tree
    sizes ending in it; ``sealed``: the entries before it are read from their blocks; ``signed``:
    the largest signed checkpoint among the marks (``sealed_leaves``)."""
    n = end - start
    inside = min(max(sealed, start), end)
    held = sealed_leaves(reader, start, inside, signed)
    rest = row_leaves(reader, inside, end) if held is not None else None
    if held is None or rest is None:
        return None
    leaves, inner = held
    leaves += rest
    chunk_levels = levels(leaves)
    # the subtrees inside each sealed block, as the block holds them (levels 1 to 7, in order)
    for b, stored in enumerate(inner):
        at = b << BLOCK_BITS
        if stored != b"".join(b"".join(chunk_levels[k][at >> k : (at + BLOCK) >> k]) for k in range(1, BLOCK_BITS)):
            return None
    stored = reader.nodes(start, start + (1 << bits))
    if stored is None:
        return None
    keys, hashes = stored
    # subtrees starting at the chunk's first entry come first (their keys, less its, are their levels)
    head = 0
    while head < len(keys) and int(keys[head]) < 64:
        head += 1
    wide = {
        start * 64 + int(key): digest.decode("ascii", "replace")
        for key, digest in zip(keys[:head], hashes[:head], strict=True)
        if int(key) > bits
    }
    if wide:
        narrow = [i for i in range(head) if int(keys[i]) <= bits]
        keys = [keys[i] for i in narrow] + keys[head:]
        hashes = [hashes[i] for i in narrow] + hashes[head:]
    expected_keys, where = _layout(n, bits, inside - start)
    if b",".join(keys) != expected_keys:
        return None
    joined = list(chain.from_iterable(chunk_levels[1 : bits + 1]))
    if hashes and set(map(len, hashes)) != {64}:
        return None
    if b"".join(hashes) != b"".join(map(joined.__getitem__, where)).hex().encode():
        return None
    return Chunk(
        start=start,
        size=n,
        root=chunk_levels[bits][0] if n == 1 << bits else None,
        edges=[pieces(chunk_levels, mark - start) for mark in marks],
        wide=wide,
        nodes=len(stored[0]),
    )


def check_chunks(
    reader: Reader,
    first: int,
    last: int,
    size: int,
    marks: Sequence[int],
    bits: int,
    progress: Callable[[int], Any] | None = None,
    sealed: int = 0,
    signed: int = 0,
) -> list[Chunk] | None:
    """``check_chunk`` over the chunks ``first`` to ``last - 1`` of a log of ``size`` entries, the
    first ``sealed`` of them in blocks."""
    out = []
    for c in range(first, last):
        start, end = c << bits, min((c + 1) << bits, size)
        try:
            chunk = check_chunk(reader, start, end, [m for m in marks if start < m <= end], bits, sealed, signed)
        except (TypeError, ValueError, struct.error):  # a value no column should hold (a NULL, say)
            return None
        if chunk is None:
            return None
        out.append(chunk)
        if progress is not None:
            progress(chunk.size)
    return out


@contextlib.contextmanager
def snapshot() -> Iterator[str | None]:
    """Run the block in one snapshot of the database. Yields what a worker opens: PostgreSQL's
    exported snapshot or SQLite's file; None when there can be no workers (the caller's own
    transaction is used, or the database is in memory)."""
    if connection.in_atomic_block or not connection.get_autocommit():
        yield None
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            yield cur.fetchone()[0]
        return
    if connection.vendor != "sqlite" or connection.connection.in_transaction:
        yield None
        return
    # SQLite: a deferred transaction only reads (Django's atomic would begin by taking the write lock)
    with connection.cursor() as cur:
        cur.execute("BEGIN DEFERRED")
        try:
            cur.execute("SELECT count(*) FROM record_logstate")  # the read snapshot starts here
            name = str(connection.settings_dict["NAME"])
            yield None if not name or connection.creation.is_in_memory_db(name) else name
        finally:
            if connection.connection.in_transaction:
                cur.execute("ROLLBACK")


def confirms(
    marks: list[Mark],
    size: int,
    join: str | None,
    progress: Callable[[int], Any] | None = None,
    bits: int = CHUNK_BITS,
    signed: int = 0,
) -> bool:
    """True when every entry, stored subtree and mark (the signed checkpoints and the log state,
    by size) is what the stored entries give, read in bulk; False when not confirmed. ``join``
    comes from ``snapshot``; ``bits`` sets the chunk (``2**bits`` entries, at least a block);
    ``signed``: the size of the largest signed checkpoint among the marks, its signature checked."""
    if bits < BLOCK_BITS:
        raise ValueError(f"a chunk holds whole blocks: bits must be {BLOCK_BITS} or more")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM record_node")
        node_count = cur.fetchone()[0]
        cur.execute("SELECT count(*), max(number) FROM record_block")
        blocks, top = cur.fetchone()
        sealed = blocks << BLOCK_BITS
    if (blocks and top != blocks - 1) or sealed > size:
        return False
    if any(m[0] > size or m[0] < 0 for m in marks):
        return False
    for mark_size, root, compact in marks:
        if mark_size == 0 and (root != merkle.EMPTY_ROOT.hex() or compact != []):
            return False
    rows: list[bool] = []
    signed = signed if any(m[0] == signed for m in marks) else 0
    chunks = _run(size, sorted({m[0] for m in marks if m[0] > 0}), join, progress, bits, (sealed, signed), lambda: rows.append(_rows_in_place(size, sealed)))
    if chunks is None or rows != [True]:
        return False
    return _tie(chunks, marks, bits) and sum(c.nodes for c in chunks) == node_count


def _rows_in_place(size: int, sealed: int) -> bool:
    """Whether the entries of the integrated tree (those after it are checked as they are
    integrated) have a row each, 0 to ``size - 1``, and no sealed one's row holds its bytes or leaf
    hash again. Run while the workers read: the count from the index of entries, the rows that hold
    bytes from the index of those (migration 0006), and in one process, as they would take CPU
    from the workers."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cur.execute('SELECT count(*), min("index"), max("index") FROM record_entry WHERE "index" < %s', [size])
        count, low, high = cur.fetchone()
        cur.execute(f"SELECT count(*) FROM record_entry WHERE \"index\" < %s AND {HOLDING}", [sealed])
        held = cur.fetchone()[0]
    return count == size and (not size or (low, high) == (0, size - 1)) and not held


def _tie(chunks: list[Chunk], marks: list[Mark], bits: int) -> bool:
    """Build the tree over the chunks' roots: every wider stored subtree and every mark checked."""
    # imported here: a SQLite worker's interpreter imports this module with no Django set up
    from charter.record.models import Node

    by_size: dict[int, list[Mark]] = {}
    for mark in marks:
        by_size.setdefault(mark[0], []).append(mark)
    outer = merkle.CompactRange()
    wide: dict[int, str] = {}
    for chunk in chunks:
        ends = sorted(m for m in by_size if chunk.start < m <= chunk.start + chunk.size)
        for mark_size, chunk_pieces in zip(ends, chunk.edges, strict=True):
            tree = edge(outer, chunk_pieces, mark_size - chunk.start, bits)
            root, compact = tree.root().hex(), tree.to_list()
            if any(root != m[1] or compact != m[2] for m in by_size[mark_size]):
                return False
        wide.update(chunk.wide)
        if chunk.root is not None:
            for lo, hi, digest in outer.append_with_subtrees(chunk.root)[1:]:
                if wide.pop(Node.key_for(lo << bits, hi << bits), None) != digest.hex():
                    return False
    return not wide


def _run(
    size: int,
    marks: list[int],
    join: str | None,
    progress: Callable[[int], Any] | None,
    bits: int,
    stored: tuple[int, int],
    meanwhile: Callable[[], Any],
) -> list[Chunk] | None:
    """Check every chunk, here or in worker processes; ``meanwhile`` runs here while they read."""
    total = -(-size >> bits)  # chunks, the last one partial or full
    workers = _workers(size, total, join)
    if workers <= 1:
        meanwhile()
        return _here(size, marks, total, progress, bits, stored)
    return _parallel(size, marks, total, workers, join, progress, bits, stored, meanwhile)


def _here(
    size: int,
    marks: list[int],
    total: int,
    progress: Callable[[int], Any] | None,
    bits: int,
    stored: tuple[int, int],
) -> list[Chunk] | None:
    connection.ensure_connection()
    raw = connection.connection
    saved = getattr(raw, "text_factory", None)
    if connection.vendor == "sqlite":
        raw.text_factory = bytes
    reader = Reader(raw, connection.vendor)
    try:
        return check_chunks(reader, 0, total, size, marks, bits, progress, *stored)
    finally:
        reader.cursor.close()
        if connection.vendor == "sqlite":
            raw.text_factory = saved


def _workers(size: int, chunks: int, join: str | None) -> int:
    if (
        join is None
        or size < PARALLEL_MIN
        or sys.platform != "linux"
        or threading.active_count() > 1
    ):
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), 8, chunks))


def _parallel(
    size: int,
    marks: list[int],
    total: int,
    workers: int,
    join: str,
    progress: Callable[[int], Any] | None,
    bits: int,
    stored: tuple[int, int],
    meanwhile: Callable[[], Any],
) -> list[Chunk] | None:
    from multiprocessing.connection import wait

    connection.ensure_connection()
    here = Reader(connection.connection, connection.vendor)
    state = here.state()  # what each worker must see too
    here.cursor.close()
    bounds = [total * w // workers for w in range(workers + 1)]
    procs: list[Any] = []
    pipes = []
    for w in range(workers):
        args = (join, state, bounds[w], bounds[w + 1], size, marks, bits, stored)
        if connection.vendor == "postgresql":
            proc, pipe = _fork(connection.get_connection_params(), args)
        else:
            proc, pipe = _start_interpreter(args)
        procs.append(proc)
        pipes.append(pipe)
    try:
        meanwhile()
    except BaseException:  # the workers are not waited for: ended, and the error goes on
        for pipe in pipes:
            pipe.close()
        for proc in procs:
            proc.kill()
            _reap(proc)
        raise
    results: dict[int, list[Chunk] | None] = {}
    open_pipes = dict(zip(pipes, range(workers), strict=True))
    try:
        while open_pipes:
            for pipe in wait(list(open_pipes)):
                w = open_pipes[pipe]
                try:
                    kind, value = pipe.recv()  # type: ignore[union-attr]
                except EOFError:  # the worker died
                    results[w] = None
                    del open_pipes[pipe]  # type: ignore[arg-type]
                    continue
                if kind == "progress":
                    if progress is not None:
                        progress(value)
                else:
                    results[w] = value
                    del open_pipes[pipe]  # type: ignore[arg-type]
    finally:
        for pipe in pipes:
            pipe.close()
        for proc in procs:
            _reap(proc)
    if any(results.get(w) is None for w in range(workers)):
        return None
    return [chunk for w in range(workers) for chunk in results[w] or []]


def _fork(params: dict[str, Any], args: tuple[Any, ...]) -> tuple[Any, Any]:
    """A PostgreSQL worker: forked (Django is set up here; it opens its own connection)."""
    ctx = multiprocessing.get_context("fork")
    mine, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_worker, args=(theirs, params, *args), daemon=True)
    proc.start()
    theirs.close()
    return proc, mine


def _start_interpreter(args: tuple[Any, ...]) -> tuple[Any, Any]:
    """A SQLite worker: a new interpreter, sent its part on standard input, answering on standard
    output (multiprocessing's spawn would import the caller's main script again)."""
    import subprocess
    from multiprocessing.connection import Connection

    proc = subprocess.Popen(
        [sys.executable, "-c", "from charter.record.sweep import _sqlite_main; _sqlite_main()"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    request = Connection(os.dup(proc.stdin.fileno()), readable=False)
    proc.stdin.close()
    answers = Connection(os.dup(proc.stdout.fileno()), writable=False)
    proc.stdout.close()
    with contextlib.suppress(OSError):  # a worker that died at once shows as no answer
        request.send(args)
    request.close()
    return proc, answers


def _reap(proc: Any) -> None:
    if isinstance(proc, multiprocessing.process.BaseProcess):
        proc.join(timeout=5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        return
    try:
        proc.wait(timeout=5)
    except Exception:  # noqa: BLE001 - a worker that does not end is ended
        proc.kill()
        proc.wait()


def _worker(pipe: Any, params: dict[str, Any], join: str, *part: Any) -> None:
    """A PostgreSQL worker (forked): its own connection in the parent's snapshot."""
    _answer(pipe, lambda: _postgresql_reader(params, join), *part)


def _sqlite_main() -> None:
    """The entry point of a SQLite worker's interpreter (``_start_interpreter``)."""
    from multiprocessing.connection import Connection

    path, *part = Connection(0, writable=False).recv()
    _answer(Connection(1, readable=False), lambda: _sqlite_reader(path), *part)


def _answer(
    pipe: Any,
    opened: Callable[[], contextlib.AbstractContextManager[Reader]],
    state: tuple[int, str] | None,
    first: int,
    last: int,
    size: int,
    marks: list[int],
    bits: int,
    stored: tuple[int, int],
) -> None:
    """Check a worker's chunks if it sees the parent's log state, and send them back."""
    result: list[Chunk] | None = None
    try:
        with opened() as reader:
            if reader.state() == state:
                result = check_chunks(
                    reader, first, last, size, marks, bits, lambda n: pipe.send(("progress", n)), *stored
                )
    except Exception:  # noqa: BLE001 - any failure leaves the log unconfirmed; the audit runs
        result = None
    pipe.send(("done", result))
    pipe.close()


@contextlib.contextmanager
def _postgresql_reader(params: dict[str, Any], join: str) -> Iterator[Reader]:
    import psycopg

    params = {k: v for k, v in params.items() if k not in ("cursor_factory", "context")}
    with psycopg.connect(**params, autocommit=True) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute(f"SET TRANSACTION SNAPSHOT '{join}'")
        # The parent holds its read locks and waits for this worker: should a request for an
        # exclusive lock queue between them, give up rather than wait where nothing sees it.
        conn.execute("SET LOCAL lock_timeout = '5s'")
        reader = Reader(conn, "postgresql")
        yield reader
        reader.cursor.close()


@contextlib.contextmanager
def _sqlite_reader(path: str) -> Iterator[Reader]:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None, uri=path.startswith("file:"), timeout=20)
    try:
        conn.text_factory = bytes
        conn.execute("BEGIN")
        reader = Reader(conn, "sqlite")
        yield reader
        reader.cursor.close()
    finally:
        conn.close()
