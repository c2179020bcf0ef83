"""Tests for the standalone verifier, charter.verify (the charter-verify command)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from charter.lib.canonical import canonical_json
from charter.lib.checkpoint import generate_signer, sign_checkpoint
from charter.lib.merkle import EMPTY_ROOT, MemoryTree, leaf_hash
from charter.verify import main

REPO = Path(__file__).resolve().parents[3]
ORIGIN = "charter.example/record"

ENTRIES = [
    {
        "type": "member.admitted",
        "member": f"M-{i:04d}",
        "note": "caf\u00e9" if i % 3 else None,
        "seq": i,
    }
    for i in range(13)
]


@pytest.fixture(scope="module")
def keys():
    return generate_signer(ORIGIN)


@pytest.fixture(scope="module")
def tree():
    return MemoryTree(leaf_hash(canonical_json(e)) for e in ENTRIES)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_ok(result):
    code, out, err = result
    assert code == 0, (out, err)
    assert out.startswith("OK: ") and out.count("\n") == 1
    assert err == ""


def assert_invalid(result, fragment=""):
    code, out, err = result
    assert code == 1, (out, err)
    assert out.startswith("INVALID: ") and out.count("\n") == 1
    assert fragment in out
    assert err == ""


def assert_error(result, fragment=""):
    code, out, err = result
    assert code == 2, (out, err)
    assert err.startswith("ERROR: ") and err.count("\n") == 1
    assert fragment in err
    assert out == ""


def hexlist(hashes):
    return ",".join(x.hex() for x in hashes)


# ---------------------------------------------------------------------------
# inclusion / consistency
# ---------------------------------------------------------------------------


def inclusion_args(tree, index, size, proof=None, leaf=None, root=None):
    proof = tree.inclusion_proof(index, size) if proof is None else proof
    return [
        "inclusion",
        "--leaf-hash",
        (leaf or tree.leaf(index)).hex(),
        "--index",
        str(index),
        "--size",
        str(size),
        "--root",
        (root or tree.root(size)).hex(),
        "--proof",
        hexlist(proof),
    ]


def test_inclusion_ok(capsys, tree):
    for size in (1, 2, 7, 13):
        for index in range(size):
            assert_ok(run(capsys, *inclusion_args(tree, index, size)))


def test_inclusion_empty_proof(capsys, tree):
    args = inclusion_args(tree, 0, 1)
    assert args[-1] == ""
    assert_ok(run(capsys, *args))
    assert_ok(run(capsys, *args[:-2]))  # or left out


def test_inclusion_invalid(capsys, tree):
    proof = tree.inclusion_proof(5, 13)
    assert_invalid(run(capsys, *inclusion_args(tree, 6, 13, proof=proof)))
    assert_invalid(run(capsys, *inclusion_args(tree, 5, 13, leaf=tree.leaf(4), proof=proof)))
    assert_invalid(run(capsys, *inclusion_args(tree, 5, 13, root=tree.root(12), proof=proof)))
    assert_invalid(
        run(capsys, *inclusion_args(tree, 5, 13, proof=proof[:-1])), "has 4 hashes, this one has 3"
    )
    assert_invalid(run(capsys, *inclusion_args(tree, 5, 5, proof=[])), "not below")
    flipped = bytes([tree.leaf(0)[0] ^ 1]) + tree.leaf(0)[1:]
    assert_invalid(run(capsys, *inclusion_args(tree, 0, 1, leaf=flipped)))


def test_inclusion_malformed(capsys, tree):
    args = inclusion_args(tree, 0, 2)
    bad_leaf = list(args)
    bad_leaf[2] = "zz" * 32
    assert_error(run(capsys, *bad_leaf), "--leaf-hash")
    short = list(args)
    short[2] = args[2][:-2]
    assert_error(run(capsys, *short), "64 hex digits")
    bad_proof = list(args)
    bad_proof[-1] = args[-1] + ",,"
    assert_error(run(capsys, *bad_proof), "--proof element 1")
    neg = list(args)
    neg[4] = "-1"
    assert_error(run(capsys, *neg))
    # no --proof is an empty proof: one more hash was needed here
    assert_invalid(run(capsys, *args[:-2]), "has 1 hashes, this one has 0")
    assert_error(run(capsys))
    assert_error(run(capsys, "frobnicate"))


def test_consistency(capsys, tree):
    for m in range(0, 14):
        for n in range(m, 14):
            assert_ok(
                run(
                    capsys,
                    "consistency",
                    "--size1", str(m),
                    "--size2", str(n),
                    "--root1", tree.root(m).hex(),
                    "--root2", tree.root(n).hex(),
                    "--proof", hexlist(tree.consistency_proof(m, n)),
                )
            )  # fmt: skip


def consistency_args(tree, m, n, root1=None, root2=None, proof=None):
    return [
        "consistency",
        "--size1", str(m),
        "--size2", str(n),
        "--root1", (root1 or tree.root(min(m, tree.size))).hex(),
        "--root2", (root2 or tree.root(min(n, tree.size))).hex(),
        "--proof", hexlist(tree.consistency_proof(min(m, n), min(n, tree.size)) if proof is None else proof),
    ]  # fmt: skip


def test_consistency_invalid(capsys, tree):
    assert_invalid(run(capsys, *consistency_args(tree, 5, 3, proof=[])), "cannot shrink")
    assert_invalid(run(capsys, *consistency_args(tree, 5, 9, root1=tree.root(4))))
    assert_invalid(run(capsys, *consistency_args(tree, 5, 9, root2=tree.root(10))))
    assert_invalid(
        run(capsys, *consistency_args(tree, 5, 9, proof=[])), "has 5 hashes, this one has 0"
    )
    assert_invalid(run(capsys, *consistency_args(tree, 9, 9, root2=tree.root(8))), "same tree size")
    assert_invalid(run(capsys, *consistency_args(tree, 0, 9, root1=tree.root(1))), "empty tree")
    assert_ok(run(capsys, *consistency_args(tree, 0, 9, root1=EMPTY_ROOT)))
    # no --proof is an empty proof
    assert_ok(run(capsys, *consistency_args(tree, 9, 9)[:-2]))
    assert_invalid(run(capsys, *consistency_args(tree, 5, 9)[:-2]), "has 5 hashes, this one has 0")


# ---------------------------------------------------------------------------
# receipts
# ---------------------------------------------------------------------------


def make_receipt(tree, keys, at, size=None, entry=None, **override):
    skey, _ = keys
    size = tree.size if size is None else size
    receipt = {
        "entry": ENTRIES[at] if entry is None else entry,
        "index": at,
        "leaf_hash": tree.leaf(at).hex(),
        "proof": [p.hex() for p in tree.inclusion_proof(at, size)],
        "checkpoint": sign_checkpoint(skey, ORIGIN, size, tree.root(size)),
    }
    receipt.update(override)
    return receipt


def write_json(tmp_path, name, obj):
    path = tmp_path / name
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_receipt_ok(capsys, tmp_path, tree, keys):
    _, vkey = keys
    for index in (0, 5, 12):
        path = write_json(tmp_path, f"r{index}.json", make_receipt(tree, keys, index))
        result = run(capsys, "receipt", path, "--key", vkey)
        assert_ok(result)
        assert f"entry {index} is included in {ORIGIN} at tree size 13" in result[1]
    # Older checkpoint, size 1.
    path = write_json(tmp_path, "r.json", make_receipt(tree, keys, 0, size=1))
    assert_ok(run(capsys, "receipt", path, "--key", vkey))


def test_receipt_key_from_file(capsys, tmp_path, tree, keys):
    _, vkey = keys
    key_file = tmp_path / "log.pub"
    key_file.write_text(vkey + "\n")
    path = write_json(tmp_path, "r.json", make_receipt(tree, keys, 3))
    assert_ok(run(capsys, "receipt", path, "--key", str(key_file)))


def test_receipt_altered_entry(capsys, tmp_path, tree, keys):
    _, vkey = keys
    entry = dict(ENTRIES[3], member="M-9999")
    path = write_json(tmp_path, "r.json", make_receipt(tree, keys, 3, entry=entry))
    assert_invalid(run(capsys, "receipt", path, "--key", vkey), "entry was altered")


def test_receipt_altered_entry_with_matching_leaf_hash(capsys, tmp_path, tree, keys):
    _, vkey = keys
    entry = dict(ENTRIES[3], member="M-9999")
    receipt = make_receipt(
        tree, keys, 3, entry=entry, leaf_hash=leaf_hash(canonical_json(entry)).hex()
    )
    path = write_json(tmp_path, "r.json", receipt)
    assert_invalid(run(capsys, "receipt", path, "--key", vkey), "does not lead to root")


def test_receipt_wrong_index_or_proof(capsys, tmp_path, tree, keys):
    _, vkey = keys
    receipt = make_receipt(tree, keys, 3, index=4)
    assert_invalid(run(capsys, "receipt", write_json(tmp_path, "a.json", receipt), "--key", vkey))
    receipt = make_receipt(tree, keys, 3, index=13)
    assert_invalid(
        run(capsys, "receipt", write_json(tmp_path, "b.json", receipt), "--key", vkey), "not below"
    )
    receipt = make_receipt(tree, keys, 3)
    receipt["proof"] = receipt["proof"][:-1]
    assert_invalid(run(capsys, "receipt", write_json(tmp_path, "c.json", receipt), "--key", vkey))


def test_receipt_wrong_key_or_tampered_checkpoint(capsys, tmp_path, tree, keys):
    _, vkey = keys
    _, other_vkey = generate_signer(ORIGIN)
    path = write_json(tmp_path, "r.json", make_receipt(tree, keys, 3))
    assert_invalid(run(capsys, "receipt", path, "--key", other_vkey), "not signed by")
    receipt = make_receipt(tree, keys, 3)
    receipt["checkpoint"] = receipt["checkpoint"].replace("\n13\n", "\n14\n")
    path = write_json(tmp_path, "t.json", receipt)
    assert_invalid(run(capsys, "receipt", path, "--key", vkey), "does not verify")


def test_receipt_malformed(capsys, tmp_path, tree, keys):
    _, vkey = keys
    good = make_receipt(tree, keys, 3)
    path = write_json(tmp_path, "ok.json", good)
    assert_error(run(capsys, "receipt", path, "--key", "not-a-key"), "--key")
    assert_error(
        run(capsys, "receipt", str(tmp_path / "missing.json"), "--key", vkey), "cannot read"
    )
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert_error(run(capsys, "receipt", str(bad), "--key", vkey), "not valid JSON")
    dup = tmp_path / "dup.json"
    dup.write_text('{"index": 1, "index": 2}')
    assert_error(run(capsys, "receipt", str(dup), "--key", vkey), "duplicate")
    for field in ("entry", "index", "leaf_hash", "proof", "checkpoint"):
        receipt = {k: v for k, v in good.items() if k != field}
        assert_error(
            run(capsys, "receipt", write_json(tmp_path, "m.json", receipt), "--key", vkey), field
        )
    for field, value in [
        ("index", -1),
        ("index", "3"),
        ("index", True),
        ("leaf_hash", "xyz"),
        ("proof", "abc"),
        ("proof", ["00"]),
        ("checkpoint", 5),
        ("entry", {"amount": 1.5}),
    ]:
        receipt = dict(good, **{field: value})
        assert_error(run(capsys, "receipt", write_json(tmp_path, "w.json", receipt), "--key", vkey))
    assert_error(
        run(capsys, "receipt", write_json(tmp_path, "l.json", [good]), "--key", vkey), "object"
    )


# ---------------------------------------------------------------------------
# whole logs
# ---------------------------------------------------------------------------


def write_log(tmp_path, entries, with_hashes=False, name="log.jsonl"):
    lines = []
    for i, entry in enumerate(entries):
        obj = {"index": i, "entry": entry}
        if with_hashes:
            obj["leaf_hash"] = leaf_hash(canonical_json(ENTRIES[i])).hex()
        lines.append(json.dumps(obj, ensure_ascii=False))
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return str(path)


def write_checkpoint(tmp_path, keys, tree, size):
    skey, _ = keys
    path = tmp_path / f"checkpoint-{size}"
    path.write_text(sign_checkpoint(skey, ORIGIN, size, tree.root(size)), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("with_hashes", [False, True])
def test_log_ok(capsys, tmp_path, tree, keys, with_hashes):
    _, vkey = keys
    log = write_log(tmp_path, ENTRIES, with_hashes)
    cp = write_checkpoint(tmp_path, keys, tree, 13)
    result = run(capsys, "log", log, "--checkpoint", cp, "--key", vkey)
    assert_ok(result)
    assert "first 13 entries" in result[1]
    # A checkpoint older than the file: later entries are not covered.
    cp = write_checkpoint(tmp_path, keys, tree, 8)
    result = run(capsys, "log", log, "--checkpoint", cp, "--key", vkey)
    assert_ok(result)
    assert "5 later entries" in result[1]


def test_log_empty(capsys, tmp_path, tree, keys):
    _, vkey = keys
    log = tmp_path / "empty.jsonl"
    log.write_text("")
    cp = write_checkpoint(tmp_path, keys, tree, 0)
    assert_ok(run(capsys, "log", str(log), "--checkpoint", cp, "--key", vkey))
    # The empty file cannot satisfy a non-empty checkpoint.
    cp = write_checkpoint(tmp_path, keys, tree, 3)
    assert_invalid(run(capsys, "log", str(log), "--checkpoint", cp, "--key", vkey), "missing")


def test_log_altered_entry_is_named_when_leaf_hashes_are_present(capsys, tmp_path, tree, keys):
    _, vkey = keys
    entries = [dict(e) for e in ENTRIES]
    entries[7]["member"] = "M-9999"
    log = write_log(tmp_path, entries, with_hashes=True)
    cp = write_checkpoint(tmp_path, keys, tree, 13)
    assert_invalid(run(capsys, "log", log, "--checkpoint", cp, "--key", vkey), "entry 7 ")


def test_log_altered_entry_without_leaf_hashes(capsys, tmp_path, tree, keys):
    _, vkey = keys
    entries = [dict(e) for e in ENTRIES]
    entries[7]["member"] = "M-9999"
    log = write_log(tmp_path, entries)
    cp = write_checkpoint(tmp_path, keys, tree, 13)
    assert_invalid(run(capsys, "log", log, "--checkpoint", cp, "--key", vkey), "hash to root")
    # Beyond the checkpoint the change is not covered.
    cp = write_checkpoint(tmp_path, keys, tree, 7)
    assert_ok(run(capsys, "log", log, "--checkpoint", cp, "--key", vkey))


def test_log_truncated_gapped_or_reordered(capsys, tmp_path, tree, keys):
    _, vkey = keys
    cp = write_checkpoint(tmp_path, keys, tree, 13)
    log = write_log(tmp_path, ENTRIES[:10])
    assert_invalid(
        run(capsys, "log", log, "--checkpoint", cp, "--key", vkey), "index 10 on are missing"
    )
    path = tmp_path / "gap.jsonl"
    lines = Path(write_log(tmp_path, ENTRIES)).read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:4] + lines[5:]))
    assert_invalid(
        run(capsys, "log", str(path), "--checkpoint", cp, "--key", vkey), "line 5 holds index 5"
    )
    path.write_text("".join([lines[1], lines[0], *lines[2:]]))
    assert_invalid(
        run(capsys, "log", str(path), "--checkpoint", cp, "--key", vkey), "line 1 holds index 1"
    )


def test_log_bad_checkpoint(capsys, tmp_path, tree, keys):
    _, vkey = keys
    log = write_log(tmp_path, ENTRIES)
    cp = Path(write_checkpoint(tmp_path, keys, tree, 13))
    cp.write_text(cp.read_text().replace(ORIGIN, "other.example"))
    assert_invalid(run(capsys, "log", log, "--checkpoint", str(cp), "--key", vkey), "checkpoint:")
    _, other = generate_signer(ORIGIN)
    cp2 = write_checkpoint(tmp_path, keys, tree, 13)
    assert_invalid(run(capsys, "log", log, "--checkpoint", cp2, "--key", other), "not signed")


def test_log_malformed(capsys, tmp_path, tree, keys):
    _, vkey = keys
    cp = write_checkpoint(tmp_path, keys, tree, 2)
    path = tmp_path / "bad.jsonl"
    good = Path(write_log(tmp_path, ENTRIES[:2])).read_text()
    for content, fragment in [
        ("{oops}\n", "line 1 is not valid JSON"),
        ('{"index": 0}\n', "line 1"),
        ('{"index": "0", "entry": {}}\n', "'index'"),
        ('{"index": 0, "entry": {"x": 1.5}}\n', "cannot be canonicalized"),
        ('{"index": 0, "entry": {}, "leaf_hash": "nothex"}\n', "leaf_hash"),
        ("[0, {}]\n", "line 1"),
        (good.replace("\n", "\n\n", 1), "blank line"),
    ]:
        path.write_text(content)
        assert_error(run(capsys, "log", str(path), "--checkpoint", cp, "--key", vkey), fragment)
    path.write_bytes(b'{"index": 0, "entry": "\xff"}\n')
    assert_error(run(capsys, "log", str(path), "--checkpoint", cp, "--key", vkey), "UTF-8")
    # Trailing blank lines are harmless.
    path.write_text(good + "\n\n")
    assert_ok(run(capsys, "log", str(path), "--checkpoint", cp, "--key", vkey))
    assert_error(
        run(capsys, "log", str(path), "--checkpoint", str(tmp_path / "nope"), "--key", vkey),
        "cannot read",
    )
    assert_error(
        run(capsys, "log", str(tmp_path / "nope"), "--checkpoint", cp, "--key", vkey), "cannot read"
    )


def test_help_exits_zero(capsys):
    code = main(["--help"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "inclusion" in out and "receipt" in out


# ---------------------------------------------------------------------------
# Standalone: as a module in a fresh interpreter, and without Django
# ---------------------------------------------------------------------------


def subprocess_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def test_python_dash_m_receipt(tmp_path, tree, keys):
    _, vkey = keys
    path = write_json(tmp_path, "r.json", make_receipt(tree, keys, 4))
    proc = subprocess.run(
        [sys.executable, "-m", "charter.verify", "receipt", path, "--key", vkey],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK: entry 4 ")
    bad = make_receipt(tree, keys, 4, index=5)
    path = write_json(tmp_path, "bad.json", bad)
    proc = subprocess.run(
        [sys.executable, "-m", "charter.verify", "receipt", path, "--key", vkey],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("INVALID: ")
    proc = subprocess.run(
        [sys.executable, "-m", "charter.verify", "inclusion", "--index", "x"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("ERROR: ")


def test_verifier_never_imports_django(tmp_path, tree, keys):
    _, vkey = keys
    receipt = write_json(tmp_path, "r.json", make_receipt(tree, keys, 2))
    log = write_log(tmp_path, ENTRIES)
    cp = write_checkpoint(tmp_path, keys, tree, 13)
    script = f"""
import sys
from charter.verify import main
codes = [
    main(["receipt", {receipt!r}, "--key", {vkey!r}]),
    main(["log", {log!r}, "--checkpoint", {cp!r}, "--key", {vkey!r}]),
]
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
assert codes == [0, 0], codes
assert not loaded, loaded
print("clean")
"""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip().endswith("clean")
    imported = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    assert "charter.verify" in imported
    assert not [m for m in imported if m == "django" or m.startswith("django.")]
