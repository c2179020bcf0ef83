"""`charter record mirror` keeps a verified copy of a log served over HTTP, and raises the alarm
when the server shows a history that contradicts one it signed before or showed to someone else.

The server here is a real HTTP server on 127.0.0.1 speaking the record's public contract
(checkpoint, key, log.jsonl pages, consistency and inclusion proofs), with logs built from
`merkle.MemoryTree` and checkpoints signed by `lib.checkpoint`. Each log is served under its own
path prefix, so one process can show different histories to different readers.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest

from charter import verify
from charter.lib.canonical import canonical_json, sha256_hex
from charter.lib.checkpoint import generate_signer, sign_checkpoint
from charter.lib.merkle import MemoryTree, leaf_hash
from charter.record import mirror

ORIGIN = "charter.example.org/record"
EMPTY_ROOT_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
KEYS = generate_signer("charter.example.org")
OTHER_KEYS = generate_signer("charter.example.org")


def entries(start: int, stop: int, tag: str = "") -> list[dict[str, Any]]:
    return [
        {
            "seq": i,
            "kind": "admission",
            "subject": sha256_hex(f"{tag}{i}".encode()),
            "outcome": "done",
            "articles": ["4.2", "ß"],
        }
        for i in range(start, stop)
    ]


class FakeLog:
    """One history of a log, served under /<name>/record/... as the contract says."""

    def __init__(self, items: list[dict[str, Any]], keys: tuple[str, str] = KEYS) -> None:
        self.signer, self.key = keys
        self.items: list[dict[str, Any]] = []
        self.tree = MemoryTree()
        self.published: int | None = None  # the checkpoint's size; None: the whole tree
        self.page_size = 100
        self.starts: list[int] = []
        self.served = 0
        self.on_checkpoint: Callable[[int], None] | None = None
        self.bad_lines: dict[int, str] = {}
        self.note_override: str | None = None
        self.log_ends_at: int | None = None
        self.append(items)

    def append(self, items: list[dict[str, Any]]) -> None:
        for item in items:
            self.items.append(item)
            self.tree.append(leaf_hash(canonical_json(item)))

    def replace(self, items: list[dict[str, Any]]) -> None:
        self.items, self.tree = [], MemoryTree()
        self.append(items)

    def rewrite(self, index: int, item: dict[str, Any]) -> None:
        self.replace([item if i == index else old for i, old in enumerate(self.items)])

    def sign_with(self, keys: tuple[str, str]) -> None:
        self.signer, self.key = keys

    @property
    def size(self) -> int:
        return self.tree.size if self.published is None else self.published

    def checkpoint(self) -> str:
        return sign_checkpoint(self.signer, ORIGIN, self.size, self.tree.root(self.size))

    def line(self, index: int) -> str:
        if index in self.bad_lines:
            return self.bad_lines[index]
        h = self.tree.leaf(index).hex()
        # Not canonical on purpose (spaces, insertion order): the mirror must canonicalize.
        return f'{{"index": {index}, "leaf_hash": "{h}", "entry": {json.dumps(self.items[index])}}}'

    def respond(self, path: str, q: dict[str, int]) -> tuple[int, str, str]:
        if path == "checkpoint":
            self.served += 1
            if self.on_checkpoint:
                self.on_checkpoint(self.served)
            return 200, "text/plain", self.note_override or self.checkpoint()
        if path == "key":
            return 200, "text/plain", self.key.split("PRIVATE")[0] + "\n"
        if path == "log.jsonl":
            start = q.get("start", 0)
            self.starts.append(start)
            end = min(
                self.tree.size if self.log_ends_at is None else self.log_ends_at,
                start + self.page_size,
            )
            return 200, "application/jsonl", "".join(self.line(i) + "\n" for i in range(start, end))
        if path == "proof/consistency":
            size1, size2 = q["size1"], q["size2"]
            if not 0 <= size1 <= size2 <= self.tree.size:
                return 400, "application/json", '{"error": "no such sizes"}'
            proof = [p.hex() for p in self.tree.consistency_proof(size1, size2)]
            return (
                200,
                "application/json",
                json.dumps({"size1": size1, "size2": size2, "proof": proof}),
            )
        if path == "proof/inclusion":
            index, size = q["index"], q["size"]
            if not 0 <= index < size <= self.tree.size:
                return 400, "application/json", '{"error": "no such leaf"}'
            proof = [p.hex() for p in self.tree.inclusion_proof(index, size)]
            body = {
                "index": index,
                "size": size,
                "leaf_hash": self.tree.leaf(index).hex(),
                "proof": proof,
            }
            return 200, "application/json", json.dumps(body)
        return 404, "text/plain", "not found\n"


class Http:
    """A ThreadingHTTPServer on 127.0.0.1 serving FakeLogs by path prefix."""

    def __init__(self) -> None:
        self.logs: dict[str, FakeLog] = {}
        logs = self.logs

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                name, _, rest = url.path.strip("/").partition("/record/")
                q = {k: int(v[0]) for k, v in parse_qs(url.query).items()}
                log = logs.get(name)
                status, ctype, body = log.respond(rest, q) if log else (404, "text/plain", "")
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{name}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http() -> Iterator[Http]:
    server = Http()
    yield server
    server.close()


class Result(NamedTuple):
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    def go(
        url: str,
        folder: Path,
        *peers: Path | str,
        key: str | None = None,
        watch: float | None = None,
    ) -> Result:
        capsys.readouterr()
        ns = argparse.Namespace(
            url=url, dir=str(folder), key=key, peer=[str(p) for p in peers], watch=watch
        )
        code = mirror.main(ns)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return go


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of the copy except the alarms."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and "alarms" not in p.relative_to(folder).parts
    }


def alarms(folder: Path) -> list[str]:
    return (
        [p.read_text() for p in sorted((folder / "alarms").glob("*.txt"))]
        if (folder / "alarms").exists()
        else []
    )


def shows(text: str, note: str) -> bool:
    return note.rstrip("\n") in text


# ---------------------------------------------------------------------------
# Keeping the copy
# ---------------------------------------------------------------------------


def test_first_sync_then_incremental_sync(http, run, tmp_path):
    log = http.logs["org"] = FakeLog(entries(0, 300))
    copy = tmp_path / "copy"

    r = run(http.url("org"), copy)
    assert r.code == 0, r.err
    assert (
        r.out
        == f"OK: 300 entries, root {log.tree.root().hex()}, consistent with 1 checkpoint seen\n"
    )
    assert "trusting the log's key on first use" in r.err
    assert log.starts == [0, 100, 200]
    assert (copy / "key").read_text() == log.key + "\n"

    log.append(entries(300, 350))
    log.starts.clear()
    r = run(http.url("org"), copy)
    assert r.code == 0, r.err
    assert (
        r.out
        == f"OK: 350 entries, root {log.tree.root().hex()}, consistent with 2 checkpoints seen\n"
    )
    assert r.err == ""
    assert log.starts == [300], "only the new entries are fetched"

    lines = [json.loads(line) for line in (copy / "log.jsonl").read_text().splitlines()]
    assert [line["index"] for line in lines] == list(range(350))
    assert [line["entry"] for line in lines] == log.items
    kept = sorted(p.name for p in (copy / "checkpoints").glob("*.txt"))
    assert kept == sorted(f"{n}-{log.tree.root(n).hex()}.txt" for n in (300, 350))
    assert (copy / "checkpoints" / "latest").read_text() == log.checkpoint()

    log.starts.clear()
    r = run(http.url("org"), copy)
    assert r.code == 0 and "consistent with 2 checkpoints seen" in r.out
    assert log.starts == []


def test_the_copy_is_what_charter_verify_checks(http, run, tmp_path, capsys):
    http.logs["org"] = FakeLog(entries(0, 120))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    argv = [
        "log",
        str(copy / "log.jsonl"),
        "--checkpoint",
        str(copy / "checkpoints" / "latest"),
        "--key",
        str(copy / "key"),
    ]
    assert verify.main(argv) == 0
    assert "OK: the first 120 entries" in capsys.readouterr().out


def test_empty_log_then_first_entries(http, run, tmp_path):
    log = http.logs["org"] = FakeLog([])
    copy = tmp_path / "copy"
    r = run(http.url("org"), copy)
    assert r.code == 0, r.err
    assert r.out == f"OK: 0 entries, root {EMPTY_ROOT_HEX}, consistent with 1 checkpoint seen\n"
    assert log.starts == []
    assert (copy / "checkpoints" / f"0-{EMPTY_ROOT_HEX}.txt").exists()

    assert run(http.url("org"), copy).code == 0
    log.append(entries(0, 5))
    r = run(http.url("org"), copy)
    assert r.code == 0, r.err
    assert r.out.startswith("OK: 5 entries") and "consistent with 2 checkpoints seen" in r.out


def test_empty_mirror_and_peer_agree(http, run, tmp_path):
    http.logs["org"] = FakeLog([])
    one, two = tmp_path / "one", tmp_path / "two"
    assert run(http.url("org"), one).code == 0
    r = run(http.url("org"), two, one)
    assert r.code == 0, r.err
    assert r.out.endswith("and 1 from peers\n")


def test_entries_beyond_the_checkpoint_wait_for_the_next_one(http, run, tmp_path):
    log = http.logs["org"] = FakeLog(entries(0, 260))
    log.published = 230
    copy = tmp_path / "copy"
    r = run(http.url("org"), copy)
    assert r.code == 0, r.err
    assert r.out.startswith(f"OK: 230 entries, root {log.tree.root(230).hex()}")
    assert len((copy / "log.jsonl").read_text().splitlines()) == 230
    log.published = None
    assert run(http.url("org"), copy).out.startswith("OK: 260 entries")


def test_a_cut_off_append_is_dropped(http, run, tmp_path):
    http.logs["org"] = FakeLog(entries(0, 40))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    with open(copy / "log.jsonl", "ab") as f:
        f.write(b'{"index":40,"leaf_hash":"00')
    r = run(http.url("org"), copy)
    assert r.code == 0, r.err
    assert len((copy / "log.jsonl").read_bytes().splitlines()) == 40


# ---------------------------------------------------------------------------
# The server changes its history
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("appended", [0, 40], ids=["same-size", "larger"])
def test_rewriting_a_past_entry_raises_the_alarm(http, run, tmp_path, appended):
    log = http.logs["org"] = FakeLog(entries(0, 300))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    before, old_note = snapshot(copy), log.checkpoint()

    log.rewrite(17, {**log.items[17], "outcome": "refused"})
    log.append(entries(300, 300 + appended))
    new_note = log.checkpoint()
    r = run(http.url("org"), copy)

    assert r.code == 3, r.err
    assert r.out == ""
    assert r.err.startswith("ALARM: the log's history is inconsistent")
    assert shows(r.err, old_note) and shows(r.err, new_note)
    assert snapshot(copy) == before
    (saved,) = alarms(copy)
    assert shows(saved, old_note) and shows(saved, new_note)
    assert run(http.url("org"), copy).code == 3, "the alarm does not go away"


def test_rollback_to_a_smaller_log_raises_the_alarm(http, run, tmp_path):
    log = http.logs["org"] = FakeLog(entries(0, 300))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    before, old_note = snapshot(copy), log.checkpoint()

    log.replace(log.items[:250])
    r = run(http.url("org"), copy)

    assert r.code == 3, r.err
    assert "ALARM: the log's history is inconsistent (rollback)" in r.err
    assert "250 entries" in r.err and "300" in r.err
    assert shows(r.err, old_note) and shows(r.err, log.checkpoint())
    assert snapshot(copy) == before
    assert len(alarms(copy)) == 1


def _tamper_entry(log: FakeLog, index: int) -> None:
    forged = {**log.items[index], "outcome": "forged"}
    h = leaf_hash(canonical_json(forged)).hex()
    log.bad_lines[index] = json.dumps({"index": index, "leaf_hash": h, "entry": forged})


def _tamper_leaf_hash(log: FakeLog, index: int) -> None:
    forged = {**log.items[index], "outcome": "forged"}
    log.bad_lines[index] = json.dumps(
        {"index": index, "leaf_hash": log.tree.leaf(index).hex(), "entry": forged}
    )


def _skip_entry(log: FakeLog, index: int) -> None:
    log.bad_lines[index] = log.line(index + 1)


def _float_entry(log: FakeLog, index: int) -> None:
    log.bad_lines[index] = json.dumps({"index": index, "entry": {**log.items[index], "share": 0.5}})


def _cut_short(log: FakeLog, index: int) -> None:
    log.log_ends_at = index


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        pytest.param(_tamper_entry, "do not hash to the root its checkpoint signs", id="changed"),
        pytest.param(_tamper_leaf_hash, "does not hash to the leaf_hash", id="leaf-hash"),
        pytest.param(_skip_entry, "where entry", id="skipped"),
        pytest.param(_float_entry, "is not canonical JSON", id="float"),
        pytest.param(_cut_short, "but its log ends at", id="cut-short"),
    ],
)
@pytest.mark.parametrize("synced", [0, 300], ids=["first-sync", "incremental"])
def test_entries_that_do_not_give_the_signed_root_are_invalid(
    http, run, tmp_path, tamper, says, synced
):
    log = http.logs["org"] = FakeLog(entries(0, synced))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    before = snapshot(copy)

    log.append(entries(synced, synced + 250))
    tamper(log, synced + 120)
    r = run(http.url("org"), copy)

    assert r.code == 1, r.err
    assert r.err.startswith("INVALID: ") and says in r.err
    assert "ALARM" not in r.err
    assert snapshot(copy) == before
    assert not (copy / "incoming.jsonl.tmp").exists()
    assert alarms(copy) == []


def test_a_bad_signature_is_invalid(http, run, tmp_path):
    log = http.logs["org"] = FakeLog(entries(0, 30))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    before = snapshot(copy)

    log.append(entries(30, 40))
    note = log.checkpoint()
    body, sig = note.rsplit(" ", 1)
    log.note_override = body + " " + ("B" if sig[10] == "A" else "A").join([sig[:10], sig[11:]])
    r = run(http.url("org"), copy)
    assert r.code == 1, r.err
    assert r.err.startswith("INVALID: ") and "does not verify" in r.err
    assert snapshot(copy) == before


def test_a_checkpoint_signed_by_another_key_is_invalid(http, run, tmp_path):
    log = http.logs["org"] = FakeLog(entries(0, 30))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    log.append(entries(30, 40))
    log.note_override = sign_checkpoint(OTHER_KEYS[0], ORIGIN, log.size, log.tree.root())
    r = run(http.url("org"), copy)
    assert r.code == 1, r.err
    assert "is not signed by the key" in r.err


def test_a_wrong_key_given_is_refused_and_nothing_is_kept(http, run, tmp_path):
    http.logs["org"] = FakeLog(entries(0, 30))
    copy = tmp_path / "copy"
    r = run(http.url("org"), copy, key=OTHER_KEYS[1])
    assert r.code == 1, r.err
    assert "not the key given with --key" in r.err
    assert not (copy / "key").exists() and not (copy / "log.jsonl").exists()


def test_the_right_key_given_in_a_file_is_kept(http, run, tmp_path):
    log = http.logs["org"] = FakeLog(entries(0, 30))
    key_file = tmp_path / "log.key"
    key_file.write_text(log.key + "\n")
    copy = tmp_path / "copy"
    r = run(http.url("org"), copy, key=str(key_file))
    assert r.code == 0, r.err
    assert "first use" not in r.err
    assert (copy / "key").read_text() == log.key + "\n"
    r = run(http.url("org"), copy, key=OTHER_KEYS[1])
    assert r.code == 2 and r.err.startswith("ERROR: --key is not the key this copy trusts")


@pytest.mark.parametrize("resigned", [True, False], ids=["new-key-signs", "key-only"])
def test_a_key_change_raises_the_alarm(http, run, tmp_path, resigned):
    log = http.logs["org"] = FakeLog(entries(0, 30))
    copy = tmp_path / "copy"
    assert run(http.url("org"), copy).code == 0
    before, old_note = snapshot(copy), log.checkpoint()

    log.append(entries(30, 40))
    new_note = log.checkpoint()
    if resigned:
        log.sign_with(OTHER_KEYS)
        new_note = log.checkpoint()
    else:
        log.key = OTHER_KEYS[1]
    r = run(http.url("org"), copy)

    assert r.code == 3, r.err
    assert r.err.startswith("ALARM: the log's key has changed")
    assert KEYS[1] in r.err and OTHER_KEYS[1] in r.err
    assert shows(r.err, old_note) and shows(r.err, new_note)
    assert snapshot(copy) == before
    assert len(alarms(copy)) == 1


# ---------------------------------------------------------------------------
# Comparing with peers: split views
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra_b", "hidden_a"),
    [(0, 0), (20, 0), (20, 20)],
    ids=["same-size", "b-larger", "b-larger-a-has-more-unpublished"],
)
def test_a_split_view_is_caught_by_both_mirrors(http, run, tmp_path, extra_b, hidden_a):
    common = entries(0, 300)
    a = http.logs["a"] = FakeLog(common)
    if hidden_a:  # A's tree is as large as B's, but it publishes only 300: the proof is checked
        a.append(entries(300, 300 + hidden_a, tag="a"))
        a.published = 300
    b_items = [*common[:100], {**common[100], "outcome": "refused"}, *common[101:]]
    b = http.logs["b"] = FakeLog(b_items + entries(300, 300 + extra_b, tag="b"))
    one, two = tmp_path / "one", tmp_path / "two"

    assert run(http.url("a"), one).code == 0, "each history alone checks out"
    assert run(http.url("b"), two).code == 0

    for url, folder, peer in ((http.url("a"), one, two), (http.url("b"), two, one)):
        before = snapshot(folder)
        r = run(url, folder, peer)
        assert r.code == 3, (url, r.out, r.err)
        assert r.err.startswith("ALARM: the log's history is inconsistent (split view)")
        assert "SPLIT VIEW" in r.err
        assert shows(r.err, a.checkpoint()) and shows(r.err, b.checkpoint())
        assert snapshot(folder) == before
        (saved,) = alarms(folder)
        assert shows(saved, a.checkpoint()) and shows(saved, b.checkpoint())


def test_a_split_view_is_caught_through_a_checkpoint_url(http, run, tmp_path):
    http.logs["a"] = FakeLog(entries(0, 50))
    b = http.logs["b"] = FakeLog(entries(0, 50, tag="b"))
    one = tmp_path / "one"
    assert run(http.url("a"), one).code == 0
    r = run(http.url("a"), one, http.url("b") + "/record/checkpoint")
    assert r.code == 3
    assert "SPLIT VIEW" in r.err and shows(r.err, b.checkpoint())


def test_honest_peers_ahead_and_behind_agree(http, run, tmp_path):
    items = entries(0, 350)
    lagging = http.logs["lagging"] = FakeLog(items)  # e.g. a replica that has not caught up
    lagging.published = 300
    http.logs["current"] = FakeLog(items)
    one, two = tmp_path / "one", tmp_path / "two"
    assert run(http.url("lagging"), one).code == 0
    assert run(http.url("current"), two).code == 0

    r = run(http.url("lagging"), one, two)  # the peer is ahead: the server proves consistency
    assert r.code == 0, r.err
    assert r.out.startswith("OK: 300 entries") and r.out.endswith("and 1 from peers\n")
    r = run(http.url("current"), two, one, http.url("current") + "/record/checkpoint")
    assert r.code == 0, r.err
    assert r.out.endswith("and 2 from peers\n")


def test_a_peer_checkpoint_under_another_key_is_invalid(http, run, tmp_path):
    http.logs["org"] = FakeLog(entries(0, 20))
    http.logs["other"] = FakeLog(entries(0, 20), keys=OTHER_KEYS)
    one, two = tmp_path / "one", tmp_path / "two"
    assert run(http.url("other"), two).code == 0
    assert run(http.url("org"), one).code == 0
    r = run(http.url("org"), one, two)
    assert r.code == 1
    assert r.err.startswith("INVALID: the checkpoint from") and "is not signed by the key" in r.err


# ---------------------------------------------------------------------------
# Bad input, watching, the real command
# ---------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_bad_input_and_an_unreachable_server_are_errors(http, run, tmp_path):
    http.logs["org"] = FakeLog(entries(0, 5))
    cases = [
        (f"http://127.0.0.1:{_closed_port()}", (), None, "ERROR: cannot reach"),
        (
            "ftp://charter.example.org",
            (),
            None,
            "ERROR: 'ftp://charter.example.org' is not an http(s) address",
        ),
        (http.url("nothing-here"), (), None, "ERROR: the server answered 404"),
        (http.url("org"), (tmp_path / "no-such-peer",), None, "ERROR: --peer"),
        (http.url("org"), (), "not a key", "ERROR: --key: malformed verifier key"),
    ]
    for url, peers, key, message in cases:
        r = run(url, tmp_path / "copy", *peers, key=key)
        assert (r.code, r.err.splitlines()[-1][: len(message)]) == (2, message), r.err
    assert run(http.url("org"), tmp_path / "copy", watch=0).code == 2


def test_watch_keeps_checking_until_the_first_alarm(http, run, tmp_path, monkeypatch):
    log = http.logs["org"] = FakeLog(entries(0, 50))
    naps: list[float] = []

    def nap(seconds: float) -> None:  # Ctrl-C after a while, should the alarm never come
        naps.append(seconds)
        if len(naps) > 10:
            raise KeyboardInterrupt

    monkeypatch.setattr(mirror.time, "sleep", nap)

    def turn(served: int) -> None:
        log.append(entries(50 + served, 51 + served))
        if served == 4:
            log.rewrite(5, {**log.items[5], "outcome": "lost"})

    log.on_checkpoint = turn
    r = run(http.url("org"), tmp_path / "copy", watch=0.01)
    assert r.code == 3, r.err
    assert [line.split(",")[0] for line in r.out.splitlines()] == [
        "OK: 51 entries",
        "OK: 52 entries",
        "OK: 53 entries",
    ]
    assert r.err.count("ALARM: the log's history is inconsistent") == 1
    assert naps == [0.01, 0.01, 0.01]


def test_the_charter_command_runs_the_mirror_without_django(http, tmp_path):
    log = http.logs["org"] = FakeLog(entries(0, 300))
    script = Path(sys.executable).with_name("charter")
    if not script.exists():
        pytest.skip("the charter console script is not installed")
    done = subprocess.run(
        [str(script), "record", "mirror", http.url("org"), "--dir", str(tmp_path / "copy")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == f"OK: 300 entries, root {log.tree.root().hex()}, consistent with 1 checkpoint seen\n"
    )

    log.rewrite(3, {**log.items[3], "outcome": "lost"})
    probe = (
        "import sys; from charter.cli import main; "
        f"code = main(['record', 'mirror', {http.url('org')!r}, '--dir', {str(tmp_path / 'copy')!r}]); "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django loaded'; "
        "sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith("ALARM: the log's history is inconsistent")
