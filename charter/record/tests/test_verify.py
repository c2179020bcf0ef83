"""`charter record verify` finds any change to the stored log and names the first bad entry."""

from __future__ import annotations

import json

import pytest

from charter.cli import main
from charter.record import log
from charter.record.models import Entry, LogState
from charter.testing.tamper import rewrite

pytestmark = pytest.mark.django_db


def test_clean_log_verifies(cast, capsys):
    assert log.verify() is None
    assert main(["record", "verify"]) == 0
    assert "OK:" in capsys.readouterr().out


def test_root_matches_an_independent_computation(cast):
    from charter.lib import merkle

    leaves = [merkle.leaf_hash(e.body.encode()) for e in Entry.objects.order_by("index")]
    assert merkle.root_from_leaf_hashes(leaves).hex() == LogState.objects.get().root




@pytest.mark.parametrize("index", [0, 5, 20])
def test_changed_entry_is_named(cast, capsys, index):
    body = json.loads(Entry.objects.get(index=index).body)
    body["outcome"] = "changed"
    rewrite("UPDATE record_entry SET body = %s WHERE \"index\" = %s", json.dumps(body, separators=(",", ":"), sort_keys=True), index)
    problem = log.verify()
    assert problem is not None and problem.index == index
    assert main(["record", "verify"]) == 1
    assert f"entry {index}" in capsys.readouterr().err


def test_changed_entry_with_rehashed_leaf_is_caught_by_the_roots(cast):
    from charter.lib import merkle

    body = json.loads(Entry.objects.get(index=7).body)
    body["articles"] = ["forged"]
    data = json.dumps(body, separators=(",", ":"), sort_keys=True)
    rewrite("UPDATE record_entry SET body = %s, leaf_hash = %s WHERE \"index\" = 7", data, merkle.leaf_hash(data.encode()).hex())
    problem = log.verify()
    # Rehashed, the entry matches its own leaf hash; the subtree stored over entries 6 and 7 does not.
    assert problem is not None and problem.index == 6 and "6–7" in problem.reason


def test_deleted_entry_is_named(cast):
    rewrite("DELETE FROM record_entrysubject WHERE entry_id IN (SELECT id FROM record_entry WHERE \"index\" = 9)")
    rewrite("DELETE FROM record_entry WHERE \"index\" = 9")
    problem = log.verify()
    assert problem is not None and problem.index == 9


def test_swapped_entries_are_named(cast):
    a, b = Entry.objects.get(index=3), Entry.objects.get(index=4)
    rewrite("UPDATE record_entry SET body = %s, leaf_hash = %s WHERE \"index\" = 3", b.body, b.leaf_hash)
    rewrite("UPDATE record_entry SET body = %s, leaf_hash = %s WHERE \"index\" = 4", a.body, a.leaf_hash)
    problem = log.verify()
    assert problem is not None and problem.index == 3


def test_truncated_log_is_caught(cast):
    last = LogState.objects.get().size - 1
    rewrite("DELETE FROM record_entrysubject WHERE entry_id IN (SELECT id FROM record_entry WHERE \"index\" = %s)", last)
    rewrite("DELETE FROM record_entry WHERE \"index\" = %s", last)
    assert log.verify() is not None


def test_checkpoints_signed_where_a_chunk_ends(cast, monkeypatch):
    """A checkpoint whose size is a whole number of the audit's chunks (8 entries here, 4,096 in
    use) and of the bulk pass's (256 entries here, one block) is checked against the tree of those
    chunks, by the audit and by the bulk pass."""
    from django.db import transaction

    from charter.record import audit, checkpoints

    monkeypatch.setattr(audit, "CHUNK_BITS", 3)
    monkeypatch.setattr(audit, "CHUNK", 8)
    with transaction.atomic():
        for _ in range(2):
            while Entry.objects.count() % 256:
                log.append("test_entry", "done", detail={"to": "a chunk's end"})
            checkpoints.sign_if_due()
            log.append("test_entry", "done", detail={"past": "it"})
    heads, problem = audit._signed_heads()
    assert problem is None and sum(1 for size, _root, _edge in heads if size % 256 == 0) >= 2
    assert audit._Audit(heads, None).run() is None
    assert audit.confirmed(heads, bits=8)
    rewrite("UPDATE record_checkpoint SET compact = %s WHERE size = %s", json.dumps([]), heads[-1][0])
    assert log.verify() is not None
