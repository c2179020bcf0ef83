"""Every way of changing the stored record behind Charter's back is found by `record verify`.

A log of more than 1,000 entries (the cast's real acts, then record-only entries) with checkpoints
signed along the way. Each case changes the stored tables as a database superuser would, inside a
savepoint that is rolled back, and asks verify for the first bad entry. Every case also holds the
bulk pass (``record.sweep``) to refusing to confirm the changed log, with its chunks at their usual
size and at 256 entries, one block (so that subtrees wider than a chunk, tied between chunks, are
tampered too).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import pytest
from django.db import transaction

from charter.cli import main
from charter.lib import merkle
from charter.record import audit, blocks, checkpoints, log
from charter.record.models import Block, Checkpoint, Entry, LogState, Node
from charter.testing.tamper import (
    entry_text,
    rewrite,
    rewrite_entry,
    stored_leaf,
    swap_entries,
    unseal,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SIZE = 1100
CHUNK_BITS = (audit.CHUNK_BITS, 8)  # the bulk pass's chunks: as used, and one block
rng = random.Random(9162)


class Undo(Exception):
    pass


@pytest.fixture
def record(cast) -> int:
    with transaction.atomic():
        for n in range(Entry.objects.count() + 1, SIZE + 1):
            log.append("test_entry", "done", detail={"n": n - 1, "note": "ünïcode ✓"})
            if n % 97 == 0:
                checkpoints.sign_if_due()
    checkpoints.sign_if_due()
    assert Block.objects.count() == SIZE // blocks.SIZE  # most entries are sealed, the rest in rows
    assert log.verify() is None  # a clean log raises no alarm
    heads, problem = audit._signed_heads()
    assert problem is None and all(audit.confirmed(heads, bits=bits) for bits in CHUNK_BITS)  # nor doubt
    return SIZE


def confirmed_in_bulk() -> bool:
    heads, problem = audit._signed_heads()
    return problem is None and any(audit.confirmed(heads, bits=bits) for bits in CHUNK_BITS)


def found_after(tamper: Callable[[], None]) -> log.Problem | None:
    problem = None
    try:
        with transaction.atomic():
            tamper()
            problem = log.verify()
            if problem is not None:
                assert not confirmed_in_bulk(), f"the bulk pass confirmed a log the audit finds wrong: {problem}"
            raise Undo
    except Undo:
        pass
    return problem


def flip_hex(value: str, at: int) -> str:
    return value[:at] + ("0" if value[at] != "0" else "1") + value[at + 1 :]


def sample(n: int, k: int) -> list[int]:
    return sorted({0, n - 1, *rng.sample(range(n), k)})


def test_any_byte_of_any_entry(record):
    for index in sample(record, 60):
        body = entry_text(index)
        at = rng.randrange(len(body))
        changed = body[:at] + chr((ord(body[at]) + 1) % 0x7F or 0x20) + body[at + 1 :]
        problem = found_after(lambda i=index, b=changed: rewrite_entry(i, body=b))
        assert problem is not None and problem.index == index, (index, at, problem)


def test_any_stored_leaf_hash(record):
    for index in sample(record, 40):
        forged = flip_hex(stored_leaf(index), rng.randrange(64))
        problem = found_after(lambda i=index, h=forged: rewrite_entry(i, leaf_hash=h))
        assert problem is not None and problem.index == index


def test_an_entry_changed_and_rehashed_is_placed_by_its_subtree(record):
    for index in sample(record, 30):
        body = json.loads(entry_text(index))
        body["outcome"] = "refused"
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        leaf = merkle.leaf_hash(data.encode()).hex()
        problem = found_after(lambda i=index, d=data, h=leaf: rewrite_entry(i, body=d, leaf_hash=h))
        assert problem is not None and problem.index in (index, index - 1), (index, problem)


def test_any_stored_subtree_hash(record):
    keys = list(Node.objects.values_list("key", flat=True))
    for key in rng.sample(keys, 40):
        start = key // 64
        end = start + (1 << key % 64)
        node = Node.objects.get(key=key)
        forged = flip_hex(node.hash, rng.randrange(64))
        problem = found_after(lambda k=key, h=forged: rewrite("UPDATE record_node SET hash = %s WHERE key = %s", h, k))
        assert problem is not None and start <= problem.index < end, (start, end, problem)
    problem = found_after(lambda: rewrite("DELETE FROM record_node WHERE key = %s", keys[len(keys) // 2]))
    assert problem is not None


def test_any_subtree_hash_a_sealed_block_holds(record):
    for number in range(record // blocks.SIZE):
        keys = blocks.node_keys(number)
        for key in rng.sample(keys, 10):
            start, end = key // 64, key // 64 + (1 << key % 64)
            at = 32 * blocks.node_place(key) + rng.randrange(32)

            def flip(number: int = number, at: int = at) -> None:
                nodes = bytearray(Block.objects.values_list("nodes", flat=True).get(number=number))
                nodes[at] ^= 0x01
                rewrite("UPDATE record_block SET nodes = %s WHERE number = %s", bytes(nodes), number)

            problem = found_after(flip)
            assert problem is not None and start <= problem.index < end, (start, end, problem)


def test_a_block_or_its_rows_changed_as_a_whole(record):
    last = record // blocks.SIZE - 1
    cases = {
        "a sealed row given back its bytes": (lambda: rewrite('UPDATE record_entry SET body = %s WHERE "index" = 300', "{}"), 300),
        "a sealed row given back its leaf hash": (lambda: rewrite('UPDATE record_entry SET leaf_hash = %s WHERE "index" = 301', "0" * 64), 301),
        "a block deleted": (lambda: rewrite("DELETE FROM record_block WHERE number = 1"), 256),
        "the last block deleted": (lambda: rewrite("DELETE FROM record_block WHERE number = %s", last), last * 256),
        "a block's ends cut short": (lambda: rewrite("UPDATE record_block SET ends = substr(ends, 1, 1020) WHERE number = 2"), 512),
        "a block's data cut short": (lambda: rewrite("UPDATE record_block SET data = substr(data, 1, 9000) WHERE number = 0"), 0),
        "a block's leaf hashes cut short": (lambda: rewrite("UPDATE record_block SET leaves = substr(leaves, 1, 8000) WHERE number = 0"), 0),
        "a block beyond the tree": (lambda: rewrite("INSERT INTO record_block (number, data, ends, leaves, nodes) SELECT 9, data, ends, leaves, nodes FROM record_block WHERE number = 0"), record),
        "a subtree a block holds stored as a row too": (lambda: rewrite("INSERT INTO record_node (key, hash) VALUES (%s, %s)", 256 * 64 + 1, "0" * 64), 256),
    }
    for name, (tamper, index) in cases.items():
        problem = found_after(tamper)
        assert problem is not None and problem.index == index, (name, problem)
    assert found_after(lambda: unseal(0)) is None  # moved back into rows whole, the record is intact


def test_any_stored_checkpoint_field(record):
    heads = list(Checkpoint.objects.all())
    assert len(heads) >= 10
    for head in heads:
        cases = [
            ("size", head.size + 1),
            ("root", flip_hex(head.root, rng.randrange(64))),
            ("note", _flip_note_byte(head.note)),
        ]
        if head.compact:
            cases.append(("compact", json.dumps([flip_hex(head.compact[0], 5), *head.compact[1:]])))
        for field, value in cases:
            if field == "size" and Checkpoint.objects.filter(size=value).exists():
                continue
            problem = found_after(lambda f=field, v=value, pk=head.pk: rewrite(f"UPDATE record_checkpoint SET {f} = %s WHERE id = %s", v, pk))
            assert problem is not None, (head.size, field)
    assert found_after(lambda: rewrite("DELETE FROM record_checkpoint WHERE id = %s", heads[3].pk)) is None  # a checkpoint less proves less, but nothing is wrong


def _flip_note_byte(note: str) -> str:
    at = rng.randrange(len(note) - 1)
    while note[at] == "\n":
        at = rng.randrange(len(note) - 1)
    return note[:at] + ("A" if note[at] != "A" else "B") + note[at + 1 :]


def test_log_state_fields(record):
    state = LogState.objects.get()
    for field, value in (("size", state.size + 1), ("root", flip_hex(state.root, 3)), ("compact", json.dumps([flip_hex(state.compact[0], 1), *state.compact[1:]]))):
        problem = found_after(lambda f=field, v=value: rewrite(f"UPDATE record_logstate SET {f} = %s WHERE id = 1", v))
        assert problem is not None, field


def _delete(index: int) -> None:
    rewrite('DELETE FROM record_entrysubject WHERE entry_id IN (SELECT id FROM record_entry WHERE "index" = %s)', index)
    rewrite('DELETE FROM record_entry WHERE "index" = %s', index)


def test_deleting_any_entry(record):
    for index in sample(record, 25):
        problem = found_after(lambda i=index: _delete(i))
        assert problem is not None and problem.index == index


def test_truncating_the_log(record):
    for keep in (record - 1, record - 50, 600, 1):
        def truncate(keep: int = keep) -> None:
            unseal(keep)
            for index in range(keep, record):
                _delete(index)
            tree = merkle.MemoryTree(bytes.fromhex(h) for _i, _b, h in blocks.rows(0, keep))
            rewrite("DELETE FROM record_node WHERE key / 64 + (CAST(1 AS BIGINT) << CAST(key %% 64 AS INTEGER)) > %s", keep)
            LogState.objects.filter(id=1).update(size=keep, root=tree.root().hex(), compact=tree.compact_range().to_list())

        problem = found_after(truncate)
        assert problem is not None and problem.index <= keep, (keep, problem)


def test_reordering_entries(record):
    for index in sample(record - 1, 20) + [255, 1023]:  # within a block, in rows, and across
        problem = found_after(lambda i=index: swap_entries(i))
        assert problem is not None and problem.index == index, (index, problem)


def test_inserting_an_entry(record):
    for index in sample(record, 15):
        def insert(index: int = index) -> None:
            unseal(index)
            for row in Entry.objects.filter(index__gte=index).order_by("-index").values_list("id", "index"):
                rewrite('UPDATE record_entry SET "index" = %s WHERE id = %s', row[1] + 1, row[0])
            body = json.loads(entry_text(index + 1))
            body.update(index=index, act="admit_member", detail={"forged": True})
            data = json.dumps(body, separators=(",", ":"), sort_keys=True)
            template = Entry.objects.get(index=index + 1)
            Entry.objects.create(index=index, body=data, leaf_hash=merkle.leaf_hash(data.encode()).hex(), created_at=template.created_at, act="admit_member", outcome="done")

        problem = found_after(insert)
        # The forged entry is self-consistent: it is placed by the first entry it pushed out of place,
        # or by the smallest stored subtree (a pair of entries) that no longer matches.
        assert problem is not None and index - 1 <= problem.index <= index + 1, (index, problem)


def test_the_command_names_the_first_bad_entry(record, capsys):
    def change() -> None:
        rewrite('UPDATE record_entry SET leaf_hash = %s WHERE "index" = 500', "0" * 64)
        assert main(["record", "verify"]) == 1

    found_after(change)
    assert "entry 500" in capsys.readouterr().err
    assert main(["record", "verify"]) == 0


def test_a_subtree_hash_stored_beyond_the_end(record):
    problem = found_after(lambda: Node.objects.create(key=(record + 5000) * 64 + 1, hash="0" * 64))
    assert problem is not None and problem.index == record


def test_a_right_edge_that_is_not_a_list(record):
    head = Checkpoint.objects.order_by("size")[3]
    for sql, param in (("UPDATE record_logstate SET compact = %s WHERE id = 1", None), ("UPDATE record_checkpoint SET compact = %s WHERE id = %s", head.pk)):
        problem = found_after(lambda s=sql, p=param: rewrite(s, "null", *([p] if p else [])))
        assert problem is not None, sql


def test_hashes_cut_short_and_carried_on_or_stored_as_bytes(record):
    """SQLite keeps any value in any column; PostgreSQL's columns would refuse these."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a varchar(64) holds no 63 or 65 characters, a text column no bytes")
    five, six = (stored_leaf(i) for i in (5, 6))
    problem = found_after(lambda: (unseal(0), rewrite('UPDATE record_entry SET leaf_hash = %s WHERE "index" = 5', five[:63]), rewrite('UPDATE record_entry SET leaf_hash = %s WHERE "index" = 6', five[63] + six)))
    assert problem is not None and problem.index == 5
    first, second = Node.objects.order_by("key")[:2]
    problem = found_after(lambda: (rewrite("UPDATE record_node SET hash = %s WHERE key = %s", first.hash[:63], first.key), rewrite("UPDATE record_node SET hash = %s WHERE key = %s", first.hash[63] + second.hash, second.key)))
    assert problem is not None
    tail = SIZE - 1  # in a row
    for sql in (f'UPDATE record_entry SET leaf_hash = CAST(leaf_hash AS BLOB) WHERE "index" = {tail}', f'UPDATE record_entry SET body = CAST(body AS BLOB) WHERE "index" = {tail}', f"UPDATE record_node SET hash = CAST(hash AS BLOB) WHERE key = {first.key}", 'UPDATE record_entry SET body = CAST(body AS BLOB) WHERE "index" = 9'):
        problem = found_after(lambda s=sql: rewrite(s))
        assert problem is not None, sql
    for column in ("data", "ends", "leaves", "nodes"):
        problem = found_after(lambda c=column: rewrite(f"UPDATE record_block SET {c} = CAST({c} AS TEXT) WHERE number = 1"))
        assert problem is not None and problem.index == 256, column


def test_subtree_hashes_holding_the_comma_the_bulk_pass_joins_them_with(record):
    """The bulk pass reads a chunk's stored subtrees joined with commas: a hash holding one is not
    taken for two."""
    from django.db import connection

    first, second = Node.objects.order_by("key")[:2]
    problem = found_after(lambda: rewrite("UPDATE record_node SET hash = %s WHERE key = %s", first.hash[:31] + "," + first.hash[32:], first.key))
    assert problem is not None and problem.index == 0
    if connection.vendor == "sqlite":  # a varchar(64) holds no more
        problem = found_after(lambda: (rewrite("UPDATE record_node SET hash = %s WHERE key = %s", first.hash + "," + second.hash, first.key), rewrite("UPDATE record_node SET hash = '' WHERE key = %s", second.key)))
        assert problem is not None
