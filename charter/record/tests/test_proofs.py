"""Proofs and signed checkpoints served from the stored record, receipts, and the append-only tables."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.db import DatabaseError, connection, transaction

from charter.lib import merkle
from charter.lib.canonical import canonical_json
from charter.lib.checkpoint import open_checkpoint
from charter.record import blocks, checkpoints, integration, log, proofs
from charter.record.models import Block, Checkpoint, Entry, LogState, Node
from charter.testing.tamper import rewrite

pytestmark = pytest.mark.django_db


def grow(n: int) -> None:
    """Append ``n`` entries of a record-only act (the record itself is what is under test here), and
    integrate them, as the signer does within its round."""
    with transaction.atomic():
        for i in range(n):
            log.append("test_entry", "done", detail={"n": i})
    assert integration.integrate() is None


def memory_tree() -> merkle.MemoryTree:
    return merkle.MemoryTree(bytes.fromhex(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True))


def test_proofs_across_sealed_blocks_are_the_rfc_proofs(db):
    """Leaves and the subtrees inside a block come from the block once it is sealed."""
    grow(700)
    assert Block.objects.count() == 2 and Entry.objects.filter(index__lt=512, body="").count() == 512
    assert not Node.objects.filter(key__lt=512 * 64).exclude(key__in=[0 * 64 + 8, 256 * 64 + 8, 0 * 64 + 9]).exists()
    tree = merkle.MemoryTree(bytes.fromhex(h) for _i, _b, h in blocks.rows(0, 700))
    for size in (1, 255, 256, 257, 511, 512, 513, 700):
        root = tree.root(size)
        assert proofs.root_at(size) == root
        for index in sorted({0, 1, 127, 254, 255, 256, 300, 511, 512, 699} & set(range(size))):
            proof = proofs.inclusion(index, size)
            assert proof == tree.inclusion_proof(index, size)
        for size1 in (0, 1, 200, 256, 300, 512, 600):
            if size1 <= size:
                assert proofs.consistency(size1, size) == tree.consistency_proof(size1, size)


def test_proofs_from_the_store_are_the_rfc_proofs_for_every_index_and_size(db):
    grow(37)
    tree = memory_tree()
    for size in range(1, 38):
        root = tree.root(size)
        assert proofs.root_at(size) == root
        for index in range(size):
            proof = proofs.inclusion(index, size)
            assert proof == tree.inclusion_proof(index, size)
            assert merkle.verify_inclusion(tree.leaf(index), index, size, proof, root)
        for size1 in range(0, size + 1):
            proof = proofs.consistency(size1, size)
            assert proof == tree.consistency_proof(size1, size)
            assert merkle.verify_consistency(size1, size, tree.root(size1), root, proof)
    assert Node.objects.count() == 37 - bin(37).count("1")  # every perfect subtree, stored once


def test_proof_outside_the_log_is_refused(db):
    grow(5)
    for bad in [(5, 5), (0, 6), (-1, 3)]:
        with pytest.raises(proofs.ProofError):
            proofs.inclusion(*bad)
    with pytest.raises(proofs.ProofError):
        proofs.consistency(3, 6)
    with pytest.raises(proofs.ProofError):
        proofs.consistency(4, 2)


def test_checkpoints_are_signed_once_per_growth_and_each_extends_the_last(db):
    first = checkpoints.sign_if_due()  # the empty log has a checkpoint too
    assert first is not None and first.size == 0 and first.root == merkle.EMPTY_ROOT.hex()
    assert checkpoints.sign_if_due() is None
    grow(10)
    second = checkpoints.sign_if_due()
    grow(7)
    third = checkpoints.sign_if_due()
    assert checkpoints.sign_if_due() is None
    key = checkpoints.verifier_key()
    opened = [open_checkpoint(c.note, key) for c in (first, second, third)]
    assert [c.size for c in opened] == [0, 10, 17]
    assert opened[2].root.hex() == LogState.objects.get().root
    proof = proofs.consistency(10, 17)
    assert merkle.verify_consistency(10, 17, opened[1].root, opened[2].root, proof)
    assert any(line.startswith("time ") for line in opened[2].extensions)


def signed_then_entry_4_rewritten() -> None:
    """12 entries signed, 3 more; then the superuser rewrites entry 4 (signed) and rehashes it."""
    grow(12)
    checkpoints.sign_if_due()
    grow(3)
    body = json.loads(Entry.objects.get(index=4).body)
    body["detail"] = {"n": 999}
    data = json.dumps(body, separators=(",", ":"), sort_keys=True)
    rewrite('UPDATE record_entry SET body = %s, leaf_hash = %s WHERE "index" = 4', data, merkle.leaf_hash(data.encode()).hex())


def test_charter_will_not_sign_over_a_changed_history(db):
    signed_then_entry_4_rewritten()  # and the log state to match:
    tree = memory_tree()
    LogState.objects.filter(id=1).update(root=tree.root().hex(), compact=tree.compact_range().to_list())
    # Built from the last signed edge, the new entries give another root than the stored one: no.
    with pytest.raises(checkpoints.CannotSign):
        checkpoints.sign_if_due()
    assert Checkpoint.objects.count() == 1
    problem = log.verify()
    assert problem is not None and problem.index == 4 and "4–5" in problem.reason


def test_charter_will_not_sign_entries_moved_before_their_first_checkpoint(db):
    grow(12)
    checkpoints.sign_if_due()
    grow(3)
    # Not yet signed, entries 13 and 14 trade places, each rehashed, and the log state to match.
    a, b = (json.loads(Entry.objects.get(index=i).body) for i in (13, 14))
    for index, body in ((13, b), (14, a)):
        data = json.dumps(body, separators=(",", ":"), sort_keys=True)
        rewrite('UPDATE record_entry SET body = %s, leaf_hash = %s WHERE "index" = %s', data, merkle.leaf_hash(data.encode()).hex(), index)
    tree = memory_tree()
    LogState.objects.filter(id=1).update(root=tree.root().hex(), compact=tree.compact_range().to_list())
    with pytest.raises(checkpoints.CannotSign, match="entry 13: its content names another position"):
        checkpoints.sign_if_due()
    problem = log.verify()
    assert problem is not None and problem.index == 13 and "another position" in problem.reason


def test_charter_signs_on_from_what_it_signed_not_from_what_is_stored(db):
    # Then the signed checkpoint's stored root and edge, and the log state, rewritten to match: the
    # stored columns agree with the entries, the signed note does not.
    signed_then_entry_4_rewritten()
    leaves = [bytes.fromhex(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    first = merkle.MemoryTree(leaves[:12])
    rewrite("UPDATE record_checkpoint SET root = %s, compact = %s WHERE size = 12", first.root().hex(), json.dumps(first.compact_range().to_list()))
    tree = memory_tree()
    LogState.objects.filter(id=1).update(root=tree.root().hex(), compact=tree.compact_range().to_list())
    with pytest.raises(checkpoints.CannotSign, match="signed root"):
        checkpoints.sign_if_due()
    assert Checkpoint.objects.count() == 1


def test_charter_will_not_sign_a_shorter_log(db):
    grow(6)
    checkpoints.sign_if_due()
    rewrite("DELETE FROM record_entry WHERE \"index\" = 5")
    LogState.objects.filter(id=1).update(size=5)
    with pytest.raises(checkpoints.CannotSign):
        checkpoints.sign_if_due()


def test_checkpoint_key_and_proof_urls(client):
    assert client.get("/record/checkpoint").status_code == 503  # nothing signed yet: says so
    grow(20)
    checkpoints.sign_if_due()
    note = client.get("/record/checkpoint")
    key = client.get("/record/key")
    assert note.status_code == key.status_code == 200
    signed = open_checkpoint(note.content.decode(), key.content.decode().strip())
    assert signed.size == 20
    got = client.get("/record/proof/inclusion", {"index": 7, "size": 20}).json()
    proof = [bytes.fromhex(h) for h in got["proof"]]
    assert merkle.verify_inclusion(bytes.fromhex(got["leaf_hash"]), 7, 20, proof, signed.root)
    got = client.get("/record/proof/consistency", {"size1": 13, "size2": 20}).json()
    assert merkle.verify_consistency(13, 20, proofs.root_at(13), signed.root, [bytes.fromhex(h) for h in got["proof"]])
    for params in ({"index": "x", "size": 3}, {"index": 3}, {"index": 30, "size": 40}, {"size1": 5, "size2": 2}):
        path = "/record/proof/inclusion" if "index" in params else "/record/proof/consistency"
        response = client.get(path, params)
        assert response.status_code == 400 and response.content.strip()
    assert client.get("/record/log.jsonl", {"start": "-3"}).status_code == 400


def _charter_verify(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "charter.verify", *args], capture_output=True, text=True, timeout=60)


def test_receipt_checks_with_the_standalone_verifier(client, tmp_path):
    grow(9)
    assert client.get("/record/3/receipt.json").status_code == 503  # not yet under a checkpoint
    checkpoints.sign_if_due()
    response = client.get("/record/3/receipt.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    receipt = response.json()
    assert receipt["index"] == 3 and receipt["entry"] == json.loads(Entry.objects.get(index=3).body)
    (tmp_path / "receipt.json").write_text(json.dumps(receipt))
    (tmp_path / "key").write_text(checkpoints.verifier_key())
    ok = _charter_verify("receipt", str(tmp_path / "receipt.json"), "--key", str(tmp_path / "key"))
    assert ok.returncode == 0, ok.stdout + ok.stderr
    receipt["entry"]["detail"]["n"] = 4
    (tmp_path / "forged.json").write_text(json.dumps(receipt))
    bad = _charter_verify("receipt", str(tmp_path / "forged.json"), "--key", str(tmp_path / "key"))
    assert bad.returncode == 1 and "INVALID" in bad.stdout


def test_downloaded_log_checks_against_the_served_checkpoint(client, tmp_path):
    grow(25)
    checkpoints.sign_if_due()
    (tmp_path / "log.jsonl").write_bytes(b"".join(client.get("/record/log.jsonl").streaming_content))
    (tmp_path / "checkpoint").write_bytes(client.get("/record/checkpoint").content)
    (tmp_path / "key").write_bytes(client.get("/record/key").content)
    ok = _charter_verify("log", str(tmp_path / "log.jsonl"), "--checkpoint", str(tmp_path / "checkpoint"), "--key", str(tmp_path / "key"))
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_entry_page_shows_its_proof(client):
    grow(4)
    page = client.get("/record/2/")
    assert "Not yet covered by a signed checkpoint" in page.content.decode()
    checkpoints.sign_if_due()
    page = client.get("/record/2/").content.decode()
    assert "included in the signed checkpoint of the first 4 entries" in page and "/record/2/receipt.json" in page
    listing = client.get("/record/").content.decode()
    assert "Latest signed checkpoint: the first 4 entries" in listing


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only triggers are PostgreSQL's")
@pytest.mark.parametrize("sql", [
    "UPDATE record_entry SET act = 'x' WHERE \"index\" = 0",
    "DELETE FROM record_entry WHERE \"index\" = 0",
    "UPDATE record_node SET hash = 'x'",
    "DELETE FROM record_node",
    "UPDATE record_checkpoint SET note = 'x'",
    "DELETE FROM record_checkpoint",
    "UPDATE record_block SET nodes = ''::bytea",
    "DELETE FROM record_block",
    # a sealed entry's row stays empty, and only a sealed entry's row is emptied
    "UPDATE record_entry SET body = '{}' WHERE \"index\" = 10",
    "UPDATE record_entry SET body = '', leaf_hash = '' WHERE \"index\" = 260",
    # only a block holding the same bytes lets an entry's row be emptied, or a subtree's row go
    "INSERT INTO record_block SELECT 1, data, ends, leaves, nodes FROM record_block WHERE number = 0; "
    "UPDATE record_entry SET body = '', leaf_hash = '' WHERE \"index\" = 260",
    "INSERT INTO record_block SELECT 1, data, ends, leaves, nodes FROM record_block WHERE number = 0; "
    "DELETE FROM record_node WHERE key = 256 * 64 + 1",
    "DELETE FROM record_node WHERE key = 256 * 64 + 1",
])
def test_postgresql_refuses_to_change_the_record(db, sql):
    grow(300)  # the first 256 sealed in a block
    checkpoints.sign_if_due()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert log.verify() is None


def test_a_clean_log_with_checkpoints_verifies(db):
    for n in (1, 2, 5, 30):
        grow(n)
        checkpoints.sign_if_due()
    assert Checkpoint.objects.count() == 4
    assert log.verify() is None


def test_the_worker_signs_new_entries_in_its_next_round(db):
    from charter.cli import main

    grow(3)
    assert main(["worker", "--once"]) == 0  # what `charter serve` runs every 5 seconds in a thread
    head = checkpoints.latest()
    assert head is not None and head.size == 3
    grow(2)
    assert main(["worker", "--once"]) == 0
    assert checkpoints.latest().size == 5


def test_each_append_stores_the_bytes_and_hash_and_integration_the_tree_that_python_computes(db):
    """On PostgreSQL one database function appends (migration 0005); on SQLite ``log.append`` in
    Python. Either way: the entry's bytes are the canonical entry with its index and the leaf hash is
    RFC 9162's of those bytes; once integrated, the stored subtrees, right edge and root are the
    tree's."""
    tricky = [
        {"n": 0},
        {"index": -1, "outcome": "x", "nested": {"index": -1, "outcome": "y"}},  # the same keys inside
        {"text": 'quotes " and \\ backslashes, "index":-1,"outcome":'},
        {"name": "اردو سنڌي ünïcödé"},
    ]
    with transaction.atomic():
        for i in range(70):
            log.append("test_entry", "done", detail=tricky[i % len(tricky)] | {"i": i}, articles=["11.1"])
    entries = list(Entry.objects.order_by("index"))
    assert [e.index for e in entries] == list(range(70))
    for e in entries:
        parsed = json.loads(e.body)
        assert parsed["index"] == e.index and parsed["detail"]["i"] == e.index
        assert parsed["detail"] == tricky[e.index % len(tricky)] | {"i": e.index}
        assert e.body.encode() == canonical_json(parsed)  # canonical: the same bytes again
        assert e.leaf_hash == merkle.leaf_hash(e.body.encode()).hex()
    assert not Node.objects.exists()  # the acts built no tree
    assert integration.integrate() is None
    tree = memory_tree()
    state = LogState.objects.get()
    assert state.size == 70 and state.root == tree.root(70).hex()
    assert state.compact == [h.hex() for h in tree.compact_range(70).hashes]
    nodes = {n.range: n.hash for n in Node.objects.all()}
    expected = {}
    for level in range(1, 7):
        width = 1 << level
        for start in range(0, 70 - width + 1, width):
            expected[(start, start + width)] = merkle.MemoryTree(
                bytes.fromhex(e.leaf_hash) for e in entries[start : start + width]
            ).root().hex()
    assert nodes == expected
    assert log.verify() is None


def test_the_record_page_says_when_the_latest_checkpoint_was_signed_in_the_readers_language(client):
    from django.utils import translation

    from charter.lib import dates

    grow(3)
    head = checkpoints.sign_if_due()
    assert head is not None
    stamp = checkpoints.signed_time(head)
    for language in ("en", "sd"):
        with translation.override(language):
            said = dates.moment(dt.datetime.fromisoformat(stamp))
        page = client.get("/record/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert said in page and stamp not in page, language
