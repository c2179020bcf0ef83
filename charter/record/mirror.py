"""``charter record mirror URL``: a member's or branch's own verified copy of the public log.

Each run fetches the server's signed checkpoint, checks its signature with the key this copy
trusts, downloads the entries it does not hold yet, recomputes every leaf hash from the entry's
canonical JSON and checks that the extended tree has exactly the checkpoint's root. Nothing is
written into the copy until that check has passed. The copy is one append-only sequence of
verified entries, and the root of every checkpoint kept in ``checkpoints/`` was recomputed from
it, so a new checkpoint that passes is consistent with all of them.

The folder (``--dir``)::

    key                         the verifier key this copy trusts (given with --key, or first seen)
    log.jsonl                   {"index": i, "leaf_hash": HEX, "entry": {...}}, one line per entry
    state.json                  size, compact range, bytes of log.jsonl and roots at seen sizes
    checkpoints/<size>-<root>.txt   every signed checkpoint verified against the copy
    checkpoints/latest          a copy of the newest of them, for other mirrors to read
    alarms/<time>-<kind>.txt    every alarm raised, with both signed checkpoints

``--peer`` compares with another mirror's folder (all its ``checkpoints/*.txt``), a checkpoint
file or the http(s) URL of a checkpoint. Two checkpoints signed by the same key that cannot
both be true are a split view: the server showed different histories to different readers.

Exit status: 0 ``OK: ...`` on stdout; 1 ``INVALID: ...`` (bad signature, entries that do not
hash to the signed root); 2 ``ERROR: ...`` (bad arguments, server unreachable, unreadable
folder); 3 ``ALARM: ...`` with both signed checkpoints (two histories, rollback, key change).

Imports only the standard library and the pure ``charter.lib`` modules: no Django.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from charter.lib.canonical import canonical_json
from charter.lib.checkpoint import (
    Checkpoint,
    CheckpointError,
    Verifier,
    open_checkpoint,
    parse_verifier,
)
from charter.lib.merkle import EMPTY_ROOT, CompactRange, leaf_hash, verify_consistency

EXIT_OK, EXIT_INVALID, EXIT_ERROR, EXIT_ALARM = 0, 1, 2, 3
TIMEOUT = 30.0
USER_AGENT = "charter-mirror/1"
NOTE_LIMIT = 1 << 20
PAGE_LINES = 10_000  # entries asked for per request
PAGE_LIMIT = 256 << 20
_HEX_HASH = re.compile(r"[0-9a-fA-F]{64}")


class _Error(Exception):
    """Bad input, an unreachable server or an unusable folder (exit 2)."""


class _HTTPStatus(_Error):
    """The server answered, with an error status."""


class _Invalid(Exception):
    """Data that was checked and is wrong (exit 1)."""


class Evidence(NamedTuple):
    """A signed note and where it came from, to be shown in full in an alarm."""

    source: str
    note: str


@dataclass(frozen=True)
class Signed:
    """A checkpoint verified under the trusted key, with its note."""

    checkpoint: Checkpoint
    evidence: Evidence


class Alarm(Exception):
    """Two signed statements about the log that cannot both be true (exit 3)."""

    def __init__(self, kind: str, reason: str, before: Evidence | None, now: Evidence) -> None:
        super().__init__(reason)
        self.kind, self.reason, self.before, self.now = kind, reason, before, now


# ---------------------------------------------------------------------------
# JSON and HTTP
# ---------------------------------------------------------------------------


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate member {key!r}")
        obj[key] = value
    return obj


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _loads(data: bytes | str) -> Any:
    """Strict JSON: no duplicate member names, no NaN or Infinity."""
    return json.loads(data, object_pairs_hook=_unique, parse_constant=_no_constant)


def _get(url: str, limit: int) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            data: bytes = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise _HTTPStatus(f"the server answered {exc.code} {exc.reason} for {url}") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _Error(f"cannot reach {url}: {getattr(exc, 'reason', exc)}") from None
    if len(data) > limit:
        raise _Invalid(f"{url} sent more than {limit} bytes")
    return data


def _text(data: bytes, url: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Invalid(f"{url} did not send UTF-8 text") from None


def _hex_hashes(values: object) -> list[bytes] | None:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    if not all(_HEX_HASH.fullmatch(v) for v in values):
        return None
    return [bytes.fromhex(v) for v in values]


class Server:
    """The Charter server's public record endpoints."""

    def __init__(self, url: str) -> None:
        self.base = url.rstrip("/")

    def url(self, path: str, **query: int) -> str:
        suffix = f"?{urllib.parse.urlencode(query)}" if query else ""
        return f"{self.base}/record/{path}{suffix}"

    def checkpoint(self) -> Evidence:
        url = self.url("checkpoint")
        return Evidence(url, _text(_get(url, NOTE_LIMIT), url))

    def key(self) -> str:
        url = self.url("key")
        return _text(_get(url, NOTE_LIMIT), url).strip()

    def log_page(self, start: int) -> list[bytes]:
        data = _get(self.url("log.jsonl", start=start, limit=PAGE_LINES), PAGE_LIMIT)
        return [line for line in data.split(b"\n") if line.strip()]

    def consistency_proof(self, size1: int, size2: int) -> list[bytes] | None:
        """The server's proof, or None when it gives none that is well formed."""
        try:
            data = _loads(_get(self.url("proof/consistency", size1=size1, size2=size2), NOTE_LIMIT))
        except (_HTTPStatus, _Invalid, ValueError):
            return None
        if not isinstance(data, dict) or (data.get("size1"), data.get("size2")) != (size1, size2):
            return None
        return _hex_hashes(data.get("proof"))


# ---------------------------------------------------------------------------
# The copy on disk
# ---------------------------------------------------------------------------


@dataclass
class State:
    """What the copy holds: committed in state.json after every verified step."""

    size: int = 0
    compact: CompactRange = field(default_factory=CompactRange)
    log_bytes: int = 0
    origin: str | None = None
    roots: dict[int, bytes] = field(default_factory=lambda: {0: EMPTY_ROOT})

    def to_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "compact_range": self.compact.to_list(),
            "log_bytes": self.log_bytes,
            "origin": self.origin,
            "roots": {str(size): root.hex() for size, root in sorted(self.roots.items())},
        }

    @classmethod
    def from_json(cls, data: Any) -> State:
        compact = CompactRange.from_list(data["size"], data["compact_range"])
        roots = {int(size): bytes.fromhex(root) for size, root in data["roots"].items()}
        if roots.get(compact.size) != compact.root():
            raise ValueError("the compact range does not give the recorded root")
        return cls(compact.size, compact, int(data["log_bytes"]), data["origin"], roots)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _log_line(index: int, leaf: bytes, entry: bytes) -> bytes:
    return b'{"index":%d,"leaf_hash":"%s","entry":%s}\n' % (index, leaf.hex().encode(), entry)


class Store:
    """The mirror's folder."""

    def __init__(self, root: str) -> None:
        self.root = Path(root)
        self.log = self.root / "log.jsonl"
        self.state_file = self.root / "state.json"
        self.key_file = self.root / "key"
        self.checkpoints = self.root / "checkpoints"
        self.alarms = self.root / "alarms"
        self.incoming = self.root / "incoming.jsonl.tmp"

    def open(self) -> State:
        try:
            self.checkpoints.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _Error(f"cannot use the folder {self.root}: {exc.strerror or exc}") from None
        state = self._read_state()
        self._recover_log(state)
        return state

    def _read_state(self) -> State:
        if not self.state_file.exists():
            return State()
        try:
            return State.from_json(_loads(self.state_file.read_bytes()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _Error(f"the copy in {self.root} is damaged: state.json: {exc}") from None

    def _recover_log(self, state: State) -> None:
        """Drop the tail of an append that was cut off before state.json recorded it."""
        held = self.log.stat().st_size if self.log.exists() else 0
        if held < state.log_bytes:
            raise _Error(f"the copy in {self.root} is damaged: log.jsonl is shorter than recorded")
        if held > state.log_bytes:
            with open(self.log, "r+b") as f:
                f.truncate(state.log_bytes)

    def trusted_key(self) -> Verifier | None:
        if not self.key_file.exists():
            return None
        try:
            return parse_verifier(self.key_file.read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError, CheckpointError) as exc:
            raise _Error(f"the copy in {self.root} is damaged: key: {exc}") from None

    def trust(self, key: Verifier) -> None:
        _write_atomic(self.key_file, f"{key.key_string}\n".encode())

    def seen(self, key: Verifier) -> list[Signed]:
        """Every checkpoint kept, verified again under the trusted key, smallest first."""
        return sorted(_folder_checkpoints(self.checkpoints, key), key=lambda s: s.checkpoint.size)

    def roots_at(self, state: State, sizes: Iterable[int]) -> dict[int, bytes]:
        """This copy's root at each size (each at most ``state.size``), recomputed if needed."""
        sizes = set(sizes)
        wanted = {s for s in sizes if s not in state.roots}
        found = {s: state.roots[s] for s in sizes if s in state.roots}
        if not wanted:
            return found
        last = max(wanted)
        compact = CompactRange()
        try:
            with open(self.log, "rb") as f:
                for line in f:
                    compact.append(bytes.fromhex(_loads(line)["leaf_hash"]))
                    if compact.size in wanted:
                        found[compact.size] = compact.root()
                    if compact.size >= last:
                        break
        except (ValueError, KeyError, TypeError) as exc:
            raise _Error(f"the copy in {self.root} is damaged: log.jsonl: {exc}") from None
        if compact.size < last:
            raise _Error(
                f"the copy in {self.root} is damaged: log.jsonl holds {compact.size} entries"
            )
        return found

    def commit(self, state: State, signed: Signed, appended: bool) -> bool:
        """Make ``state`` the copy's (after verification!); returns whether the note is new."""
        if appended:
            with open(self.log, "ab") as out, open(self.incoming, "rb") as new:
                out.write(new.read())
                out.flush()
                os.fsync(out.fileno())
            self.incoming.unlink()
        _write_atomic(self.state_file, json.dumps(state.to_json(), indent=1).encode())
        return self.keep(signed)

    def keep(self, signed: Signed) -> bool:
        cp = signed.checkpoint
        path = self.checkpoints / f"{cp.size}-{cp.root_hex}.txt"
        new = not path.exists()
        if new:
            _write_atomic(path, signed.evidence.note.encode())
        _write_atomic(self.checkpoints / "latest", signed.evidence.note.encode())
        return new

    def note_for(self, seen: list[Signed], size: int) -> Evidence | None:
        """A kept checkpoint at ``size`` if there is one, else the newest kept."""
        same = [s.evidence for s in seen if s.checkpoint.size == size]
        return same[0] if same else (seen[-1].evidence if seen else None)

    def save_alarm(self, kind: str, text: str) -> Path:
        self.alarms.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        for n in range(1, 1000):
            path = self.alarms / f"{stamp}-{kind}{'' if n == 1 else f'-{n}'}.txt"
            try:
                with open(path, "x", encoding="utf-8") as f:
                    f.write(text)
                return path
            except FileExistsError:
                continue
        raise _Error(f"cannot name a new alarm file in {self.alarms}")


def _open(evidence: Evidence, key: Verifier, origin: str | None) -> Signed:
    try:
        return Signed(open_checkpoint(evidence.note, key, origin=origin), evidence)
    except CheckpointError as exc:
        raise _Invalid(
            f"the checkpoint from {evidence.source} is not valid under the trusted key "
            f"{key.name}+{key.key_id:08x}: {exc.reason}"
        ) from None


def _folder_checkpoints(folder: Path, key: Verifier) -> list[Signed]:
    out = []
    for path in sorted(folder.glob("*.txt")):
        try:
            note = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _Error(f"cannot read {path}: {exc}") from None
        out.append(_open(Evidence(str(path), note), key, None))
    return out


# ---------------------------------------------------------------------------
# One run
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    url: str
    dir: str
    key: str | None
    peers: list[str]
    watch: float | None


def _given_key(arg: str) -> Verifier:
    text = arg
    if os.path.isfile(arg):
        try:
            text = Path(arg).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise _Error(f"cannot read the key file {arg}: {exc}") from None
    try:
        return parse_verifier(text.strip())
    except CheckpointError as exc:
        raise _Error(f"--key: {exc.reason}") from None


def _trusted_key(opts: Options, store: Store, server: Server, now: Evidence) -> Verifier:
    """The key kept in the copy; on the first run --key, or else the server's (trust on first use).

    Once a key is kept, a server presenting another one raises the alarm.
    """
    kept = store.trusted_key()
    given = _given_key(opts.key) if opts.key else None
    if kept and given and kept != given:
        raise _Error(
            f"--key is not the key this copy trusts ({kept.key_string} in {store.key_file})"
        )
    try:
        presented = parse_verifier(server.key())
    except CheckpointError as exc:
        raise _Invalid(
            f"the server's key at {server.url('key')} is malformed: {exc.reason}"
        ) from None
    if kept:
        if presented != kept:
            raise _key_alarm(store, kept, presented, now)
        return kept
    if given and presented != given:
        raise _Invalid(
            f"the server presents the key {presented.key_string}, not the key given with --key "
            f"({given.key_string}); nothing was kept"
        )
    store.trust(presented)
    if not given:
        print(f"NOTE: trusting the log's key on first use: {presented.key_string}", file=sys.stderr)
    return presented


def _key_alarm(store: Store, kept: Verifier, presented: Verifier, now: Evidence) -> Alarm:
    seen = store.seen(kept)
    reason = (
        f"the server now presents the key {presented.key_string}, but this copy trusts "
        f"{kept.key_string}. A log's key should never change; if the organization announced a "
        "new key, check that announcement before trusting it with a new --dir"
    )
    return Alarm("key", reason, seen[-1].evidence if seen else None, now)


def _check_seen(store: Store, state: State, seen: list[Signed]) -> None:
    """Every kept checkpoint must give this copy's root at its size."""
    roots = store.roots_at(
        state, {s.checkpoint.size for s in seen if s.checkpoint.size <= state.size}
    )
    latest = store.note_for(seen, state.size)
    for s in seen:
        if roots.get(s.checkpoint.size) != s.checkpoint.root:
            raise Alarm(
                "history",
                f"the kept checkpoint {s.evidence.source} is signed by the log's key but does "
                f"not match this copy's {min(state.size, s.checkpoint.size)} entries",
                s.evidence,
                latest or s.evidence,
            )


def _download(server: Server, store: Store, state: State, size: int) -> tuple[CompactRange, int]:
    """Fetch entries ``state.size .. size - 1`` into the incoming file; nothing is trusted yet."""
    compact = state.compact.copy()
    written = 0
    with open(store.incoming, "wb") as out:
        while compact.size < size:
            page = server.log_page(compact.size)
            if not page:
                raise _Invalid(
                    f"the server's checkpoint covers {size} entries, but its log ends at {compact.size}"
                )
            for raw in page[: size - compact.size]:
                leaf, entry = _parse_line(raw, compact.size)
                compact.append(leaf)
                written += out.write(_log_line(compact.size - 1, leaf, entry))
    return compact, written


def _parse_line(raw: bytes, index: int) -> tuple[bytes, bytes]:
    """(leaf hash, canonical entry bytes) of one log.jsonl line, which must hold ``index``."""
    try:
        line = _loads(raw)
    except ValueError as exc:
        raise _Invalid(
            f"the server's log line for entry {index} is not valid JSON: {exc}"
        ) from None
    if not isinstance(line, dict) or not isinstance(line.get("entry"), dict):
        raise _Invalid(
            f"the server's log line for entry {index} is not {{index, leaf_hash, entry}}"
        )
    if line.get("index") != index or isinstance(line.get("index"), bool):
        raise _Invalid(f"the server sent entry {line.get('index')!r} where entry {index} belongs")
    try:
        entry = canonical_json(line["entry"])
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"entry {index} is not canonical JSON: {exc}") from None
    leaf = leaf_hash(entry)
    if "leaf_hash" in line and line["leaf_hash"] != leaf.hex():
        raise _Invalid(f"entry {index} does not hash to the leaf_hash the server gives for it")
    return leaf, entry


def _mismatch(
    server: Server, state: State, cp: Checkpoint, before: Evidence | None, now: Evidence
) -> NoReturn:
    """The new entries do not give the signed root: bad entries, or another history?"""
    if state.size:
        proof = server.consistency_proof(state.size, cp.size)
        if proof is None or not verify_consistency(
            state.size, cp.size, state.compact.root(), cp.root, proof
        ):
            raise Alarm(
                "history",
                f"the server's checkpoint for {cp.size} entries does not extend the {state.size} "
                "entries this copy verified before: the entries it sent do not give its root, and "
                "it gives no valid proof that its tree still contains the earlier one. An entry "
                "already on the record was changed, removed or reordered",
                before,
                now,
            )
    raise _Invalid(
        f"entries {state.size} to {cp.size - 1} as the server sent them do not hash to the root "
        f"its checkpoint signs ({cp.root_hex}); the copy was left as it was"
    )


def _advance(
    server: Server, store: Store, state: State, seen: list[Signed], new: Signed
) -> tuple[State, bool]:
    """Bring the copy up to the server's checkpoint; returns the new state and whether it is new."""
    cp, now = new.checkpoint, new.evidence
    before = store.note_for(seen, min(cp.size, state.size))
    if cp.size == 0 and cp.root != EMPTY_ROOT:
        raise _Invalid(
            "the server's checkpoint says the log is empty, but its root is not the empty tree's"
        )
    if seen and cp.size < seen[-1].checkpoint.size:
        raise Alarm(
            "rollback",
            f"the server now signs a log of {cp.size} entries, but it signed {seen[-1].checkpoint.size} "
            "entries before. A log only grows: this is a rollback, or a different history",
            seen[-1].evidence,
            now,
        )
    if cp.size <= state.size:
        ours = store.roots_at(state, [cp.size])[cp.size]
        if ours != cp.root:
            raise Alarm(
                "history",
                f"the server's checkpoint for {cp.size} entries has root {cp.root_hex}, but the "
                f"entries this copy verified give {ours.hex()} at that size",
                before,
                now,
            )
        if state.origin is None:
            state = State(state.size, state.compact, state.log_bytes, cp.origin, state.roots)
        return state, store.commit(state, new, appended=False)
    compact, written = _download(server, store, state, cp.size)
    if compact.root() != cp.root:
        _mismatch(server, state, cp, before, now)
    roots = {**state.roots, cp.size: cp.root}
    updated = State(cp.size, compact, state.log_bytes + written, cp.origin, roots)
    return updated, store.commit(updated, new, appended=True)


def _peer_notes(peer: str) -> list[Evidence]:
    if peer.startswith(("http://", "https://")):
        return [Evidence(peer, _text(_get(peer, NOTE_LIMIT), peer))]
    path = Path(peer)
    if path.is_dir():
        folder = path / "checkpoints" if (path / "checkpoints").is_dir() else path
        notes = [
            Evidence(str(p), p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.txt"))
        ]
        if not notes:
            raise _Error(f"--peer {peer}: no checkpoints (*.txt) found in {folder}")
        return notes
    if path.is_file():
        return [Evidence(peer, path.read_text(encoding="utf-8"))]
    raise _Error(f"--peer {peer} is not a folder, a checkpoint file or an http(s) URL")


def _check_peers(opts: Options, key: Verifier, server: Server, store: Store, state: State) -> int:
    """Each peer checkpoint must agree with this copy; returns how many were checked."""
    if not opts.peers:
        return 0
    try:
        notes = [ev for peer in opts.peers for ev in _peer_notes(peer)]
    except (OSError, UnicodeDecodeError) as exc:
        raise _Error(f"cannot read a peer's checkpoints: {exc}") from None
    peers = [_open(ev, key, state.origin) for ev in notes]
    seen = store.seen(key)
    roots = store.roots_at(
        state, {p.checkpoint.size for p in peers if p.checkpoint.size <= state.size}
    )
    for peer in peers:
        _check_peer(server, state, roots, peer, store.note_for(seen, peer.checkpoint.size))
    return len(peers)


def _check_peer(
    server: Server, state: State, roots: dict[int, bytes], peer: Signed, ours: Evidence | None
) -> None:
    cp = peer.checkpoint
    if cp.size <= state.size:
        if roots[cp.size] == cp.root:
            return
        reason = f"at {cp.size} entries the peer's checkpoint has root {cp.root_hex}, this copy has {roots[cp.size].hex()}"
    else:
        proof = server.consistency_proof(state.size, cp.size) if state.size else []
        if proof is not None and verify_consistency(
            state.size, cp.size, state.compact.root(), cp.root, proof
        ):
            return
        reason = (
            f"the peer's checkpoint for {cp.size} entries does not extend this copy's {state.size} "
            "entries, and the server gives no valid proof that it does"
        )
    raise Alarm(
        "split-view",
        f"SPLIT VIEW: {reason}. The server has shown different histories to different readers",
        ours,
        peer.evidence,
    )


def _run(opts: Options) -> str:
    store = Store(opts.dir)
    state = store.open()
    server = Server(opts.url)
    now = server.checkpoint()
    key = _trusted_key(opts, store, server, now)
    seen = store.seen(key)
    _check_seen(store, state, seen)
    new = _open(now, key, state.origin)
    state, added = _advance(server, store, state, seen, new)
    checked = _check_peers(opts, key, server, store, state)
    count = len(seen) + added
    line = f"OK: {state.size} entries, root {state.compact.root().hex()}, consistent with {count} checkpoint{'s' * (count != 1)} seen"
    return line + (f" and {checked} from peers" if opts.peers else "")


# ---------------------------------------------------------------------------
# Reporting and the entry point
# ---------------------------------------------------------------------------


_HEADLINES = {
    "key": "ALARM: the log's key has changed",
    "split-view": "ALARM: the log's history is inconsistent (split view)",
    "rollback": "ALARM: the log's history is inconsistent (rollback)",
    "history": "ALARM: the log's history is inconsistent",
}


def _alarm_text(alarm: Alarm, opts: Options) -> str:
    before = alarm.before or Evidence("(no checkpoint kept yet)", "")
    return "\n".join(
        [
            _HEADLINES.get(alarm.kind, _HEADLINES["history"]),
            f"Reason: {alarm.reason}.",
            f"Log: {opts.url}",
            f"Copy: {opts.dir} (it holds only entries verified against signed checkpoints)",
            "",
            f"--- The checkpoint seen before, from {before.source}:",
            before.note.rstrip("\n"),
            f"--- The checkpoint now, from {alarm.now.source}:",
            alarm.now.note.rstrip("\n"),
            "---",
            "Keep both checkpoints: signed by the log's key, together they show what the server did.",
            "",
        ]
    )


def run_once(opts: Options) -> int:
    """One check; prints its one-line outcome or the alarm and returns the exit status."""
    store = Store(opts.dir)
    try:
        print(_run(opts))
        return EXIT_OK
    except Alarm as alarm:
        text = _alarm_text(alarm, opts)
        try:
            saved = f"This alarm was saved in {store.save_alarm(alarm.kind, text)}."
        except OSError as exc:
            saved = f"This alarm could not be saved in {store.alarms}: {exc}."
        print(f"{text}{saved}", file=sys.stderr)
        return EXIT_ALARM
    except _Invalid as exc:
        print(f"INVALID: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except (_Error, OSError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        _remove(store.incoming)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _options(ns: argparse.Namespace) -> Options:
    url = str(ns.url)
    if (
        urllib.parse.urlsplit(url).scheme not in ("http", "https")
        or not urllib.parse.urlsplit(url).netloc
    ):
        raise _Error(f"{url!r} is not an http(s) address like https://charter.example.org")
    watch = getattr(ns, "watch", None)
    if watch is not None and not watch > 0:
        raise _Error("--watch needs a number of seconds above 0")
    return Options(url, ns.dir or "charter-mirror", ns.key, list(ns.peer or []), watch)


def main(ns: argparse.Namespace) -> int:
    """``charter record mirror``: run once, or every ``--watch`` seconds until an alarm."""
    try:
        opts = _options(ns)
    except _Error as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        status = run_once(opts)
        while opts.watch is not None and status != EXIT_ALARM:
            time.sleep(opts.watch)
            status = run_once(opts)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    return status
