"""Integration: the tree of the public record, built over the entries after their acts commit.

An act appends its entry (``record.log.append``): its index, its bytes and their leaf hash. It does
not touch the tree, so acts never wait for one another on the log. ``integrate`` then takes the
entries that follow the tree's last one, in index order, recomputes each leaf hash from the entry's
bytes and checks that the bytes name their place, and extends the tree: the perfect subtrees each
entry completes (``Node``) and the new right edge and root (``LogState``). It then seals each whole
block of 256 integrated entries (``record.blocks``). The checkpoint signer
integrates before it signs, and ``record verify`` before it checks, so a checkpoint and a proof are
always of an integrated tree; the entries after it wait at most until the next round of the signer.

On PostgreSQL an index comes from a sequence and is taken for good: an act that rolls back after
taking one leaves its place empty, and the tree cannot pass an empty place. Integration waits until
no act can still fill it: every act takes an advisory lock, shared, before its index and holds it
to its end (migration 0005), so once the sequence has passed a place, every act that may hold it
holds that lock; when each of those has ended, a place still empty stays empty. Other transactions,
however long, are not waited on. Integration then fills it with an entry of the act ``UNUSED``,
which says so, and goes on. On SQLite the
database's one writer gives each act the next index, and a rolled-back act takes its index back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from charter.lib import clock, merkle
from charter.record import blocks, sweep
from charter.record.models import Entry, LogState, Node


@dataclass(frozen=True)
class Problem:
    """The first thing wrong in the stored record: where, and what."""

    index: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.index}: {self.reason}"


BATCH = 5000
UNUSED = "unused_place"  # the act of an entry that fills a place its act took and did not keep
WAIT = 5.0  # seconds to wait, at most, for the acts that may still fill an empty place
SEQUENCE = "record_entry_index_seq"
APPENDING = 91620005  # the advisory lock an appending act holds, shared, to its end (migration 0005)


def integrate() -> Problem | None:
    """Extend the tree over every entry appended since; the first entry it cannot take, or None.

    An entry is not taken when its bytes do not hash to its stored leaf hash or do not name its
    place; integration stops there (``record verify`` names what is wrong). It also stops, without
    a problem, before an empty place an act may still fill.
    """
    with transaction.atomic():
        state = _locked_state()
        try:
            tree = merkle.CompactRange.from_list(state.size, state.compact)
        except (TypeError, ValueError) as exc:
            return Problem(state.size, f"the log state's right edge is not a list of hashes ({exc})")
        problem, filled = None, False
        while problem is None:
            problem, gap = _extend(tree)
            if problem is not None or gap is None or filled:
                break
            if transaction.get_connection().vendor != "postgresql":
                # the one writer hands out indexes in order and takes back a rolled-back one
                problem = Problem(gap, "is missing (entries after it are stored)")
                break
            filled = _fill(gap)  # once a round: what is appended meanwhile waits for the next
            if not filled:
                break
        if tree.size != state.size:
            state.size, state.compact, state.root = tree.size, tree.to_list(), tree.root().hex()
            state.save(update_fields=["size", "compact", "root"])
        unsealed = blocks.seal(tree.size)
        if problem is None and unsealed is not None:
            problem = Problem(*unsealed)
        return problem


def _locked_state() -> LogState:
    state = LogState.objects.select_for_update().filter(id=1).first()
    if state is None:
        LogState.objects.get_or_create(id=1, defaults={"root": merkle.EMPTY_ROOT.hex(), "compact": []})
        state = LogState.objects.select_for_update().get(id=1)
    return state


def _extend(tree: merkle.CompactRange) -> tuple[Problem | None, int | None]:
    """Take the entries that follow ``tree`` while they run on without a gap. Returns the entry
    that cannot be taken, and the first empty place when entries follow it."""
    while True:
        rows = list(
            Entry.objects.filter(index__gte=tree.size)
            .order_by("index")
            .values_list("index", "body", "leaf_hash")[:BATCH]
        )
        if not rows:
            return None, None
        nodes = []
        for index, body, stored in rows:
            if index != tree.size:
                _store(nodes)
                return None, tree.size
            leaf, problem = entry_problem(index, body.encode("utf-8"), stored)
            if problem is not None:
                _store(nodes)
                return problem, None
            completed = tree.append_with_subtrees(leaf)
            nodes.extend(Node(key=Node.key_for(lo, hi), hash=h.hex()) for lo, hi, h in completed[1:])
        _store(nodes)


def entry_problem(index: int, data: bytes, stored: str) -> tuple[bytes, Problem | None]:
    """The leaf hash of an entry's bytes, and what is wrong with the entry at ``index``: its bytes
    do not hash to its stored leaf hash, or do not name its place; None when neither."""
    leaf = merkle.leaf_hash(data)
    if leaf.hex() != stored:
        return leaf, Problem(index, "its bytes do not hash to its stored leaf hash (the entry or its hash was changed)")
    if not sweep.names_its_place(data, index):
        return leaf, Problem(index, "its content names another position in the log (entries were moved), or is not JSON")
    return leaf, None


def _store(nodes: list[Node]) -> None:
    if nodes:
        Node.objects.bulk_create(nodes, batch_size=BATCH)


def _fill(first: int) -> bool:
    """Fill the empty places from ``first`` that no act can fill any more; whether any was
    (PostgreSQL)."""
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")
        last, called = cursor.fetchone()
        taken = last if called else last - 1  # the highest index handed out
        if taken < first:
            return False
        # every act that took an index up to ``taken`` took the lock before: it has ended, or it
        # holds the lock now (read after the sequence)
        cursor.execute(_APPENDING, [APPENDING])
        appending = [row[0] for row in cursor.fetchall()]
        if not _ended(cursor, appending):
            return False
        cursor.execute(
            'SELECT i FROM generate_series(%s::bigint, %s::bigint) AS i WHERE NOT EXISTS '
            '(SELECT 1 FROM record_entry e WHERE e."index" = i) ORDER BY i',
            [first, taken],
        )
        empty = [row[0] for row in cursor.fetchall()]
    now = clock.now()
    Entry.objects.bulk_create([_unused(index, now) for index in empty])
    return bool(empty)


# The transactions (other than the caller's) of this database that hold the appending lock: a
# bigint key shows in pg_locks as its high and low halves, with objsubid 1.
_APPENDING = """
SELECT virtualtransaction FROM pg_locks
WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND classid = 0 AND objid = %s
  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND pid <> pg_backend_pid()
"""


def _ended(cursor: Any, transactions: list[str]) -> bool:
    """Whether every one of ``transactions`` has ended, waiting up to ``WAIT`` seconds."""
    deadline = time.monotonic() + WAIT
    while transactions:
        cursor.execute(_APPENDING, [APPENDING])
        transactions = sorted(set(transactions) & {row[0] for row in cursor.fetchall()})
        if not transactions:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def _unused(index: int, now: Any) -> Entry:
    from charter.record.log import entry_bytes  # the log imports this module

    data = entry_bytes(index, now, UNUSED, "void", None, [], None, [])
    return Entry(
        index=index,
        body=data.decode("utf-8"),
        leaf_hash=merkle.leaf_hash(data).hex(),
        created_at=now,
        act=UNUSED,
        outcome="void",
    )
