"""charter-verify: check Charter's public record without trusting the server.

Needs only this file, ``charter/lib/{merkle,checkpoint,canonical}.py``, the
Python standard library and ``cryptography`` -- no Django, no database.

Subcommands::

    charter-verify inclusion   --leaf-hash HEX --index I --size N --root HEX --proof HEX[,HEX...]
    charter-verify consistency --size1 M --size2 N --root1 HEX --root2 HEX --proof HEX[,HEX...]
    charter-verify receipt FILE.json --key VERIFIER_KEY_OR_FILE
    charter-verify log FILE.jsonl --checkpoint NOTE_FILE --key VERIFIER_KEY_OR_FILE

An empty proof is written ``--proof ""``, or ``--proof`` is left out.  A receipt is a JSON object
``{"entry": {...}, "index": I, "leaf_hash": HEX, "proof": [HEX, ...],
"checkpoint": "<signed note text>"}``.  A log file is JSON Lines, one
``{"index": i, "entry": {...}}`` object per line in index order (a
``"leaf_hash"`` member, if present, is checked too).  ``--key`` takes a
verifier key (``<name>+<key id>+<base64>``) or the path of a file holding one.

Exit status and output: 0 and ``OK: ...`` on standard output when everything
checks out; 1 and ``INVALID: reason`` on standard output when something does
not; 2 and ``ERROR: reason`` on standard error when the input itself is
malformed (bad arguments, bad hex, unreadable or ill-formed files, a bad key).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from charter.lib.canonical import canonical_json
from charter.lib.checkpoint import Checkpoint, CheckpointError, open_checkpoint, parse_verifier
from charter.lib.merkle import (
    CompactRange,
    consistency_proof_length,
    inclusion_proof_length,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_ERROR = 2

_HEX_HASH = re.compile(r"[0-9a-fA-F]{64}")
_UINT = re.compile(r"[0-9]+")


class _Malformed(Exception):
    """The input cannot be checked at all (exit 2)."""


class _Invalid(Exception):
    """The input was checked and is not valid (exit 1)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _Malformed(message)


# ---------------------------------------------------------------------------
# Input parsing
# ---------------------------------------------------------------------------


def _hash(text: object, what: str) -> bytes:
    if not isinstance(text, str) or not _HEX_HASH.fullmatch(text):
        raise _Malformed(f"{what} is not a 32-byte hash in hex (64 hex digits): {text!r}")
    return bytes.fromhex(text)


def _proof_arg(text: str, what: str = "--proof") -> list[bytes]:
    text = text.strip()
    if not text:
        return []
    return [_hash(part.strip(), f"{what} element {i}") for i, part in enumerate(text.split(","))]


def _uint_arg(text: str) -> int:
    if not _UINT.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"not a non-negative integer: {text!r}")
    return int(text.strip())


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate object member {key!r}")
        obj[key] = value
    return obj


def _loads(text: str | bytes) -> Any:
    """Strict JSON: no NaN/Infinity, no duplicate member names."""
    return json.loads(text, object_pairs_hook=_unique_object, parse_constant=_reject_constant)


def _read_text(path: str, what: str) -> str:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise _Malformed(f"cannot read {what} {path!r}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Malformed(f"{what} {path!r} is not UTF-8") from None


def _load_key(arg: str) -> Any:
    text = arg
    if os.path.isfile(arg):
        text = _read_text(arg, "key file")
    try:
        return parse_verifier(text.strip())
    except CheckpointError as exc:
        raise _Malformed(f"--key: {exc.reason}") from None


def _open_checkpoint(note: str | bytes, key: Any) -> Checkpoint:
    try:
        return open_checkpoint(note, key)
    except CheckpointError as exc:
        raise _Invalid(f"checkpoint: {exc.reason}") from None


def _entry_leaf_hash(entry: Any, where: str) -> bytes:
    try:
        return leaf_hash(canonical_json(entry))
    except (TypeError, ValueError) as exc:
        raise _Malformed(f"{where}: entry cannot be canonicalized: {exc}") from None


def _uint_field(obj: dict[str, Any], name: str, where: str) -> int:
    value = obj.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _Malformed(f"{where}: {name!r} must be a non-negative integer")
    return value


# ---------------------------------------------------------------------------
# Subcommands
# ---------------------------------------------------------------------------


def _cmd_inclusion(args: argparse.Namespace) -> str:
    leaf = _hash(args.leaf_hash, "--leaf-hash")
    root = _hash(args.root, "--root")
    proof = _proof_arg(args.proof)
    index, size = args.index, args.size
    _check_inclusion(leaf, index, size, proof, root)
    return f"leaf {index} is included in the tree of size {size} with root {root.hex()}"


def _check_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> None:
    if index >= size:
        raise _Invalid(f"index {index} is not below tree size {size}")
    expected = inclusion_proof_length(index, size)
    if len(proof) != expected:
        raise _Invalid(
            f"an inclusion proof for index {index} in a tree of size {size} has "
            f"{expected} hashes, this one has {len(proof)}"
        )
    if not verify_inclusion(leaf, index, size, proof, root):
        raise _Invalid(
            f"inclusion proof for leaf {index} does not lead to root {root.hex()} "
            f"at tree size {size}"
        )


def _cmd_consistency(args: argparse.Namespace) -> str:
    root1 = _hash(args.root1, "--root1")
    root2 = _hash(args.root2, "--root2")
    proof = _proof_arg(args.proof)
    size1, size2 = args.size1, args.size2
    if size1 > size2:
        raise _Invalid(f"size1 {size1} is larger than size2 {size2}: a log cannot shrink")
    expected = consistency_proof_length(size1, size2)
    if len(proof) != expected:
        raise _Invalid(
            f"a consistency proof from size {size1} to {size2} has {expected} hashes, "
            f"this one has {len(proof)}"
        )
    if not verify_consistency(size1, size2, root1, root2, proof):
        if size1 == size2:
            raise _Invalid(f"two different roots for the same tree size {size1}")
        if size1 == 0:
            raise _Invalid("root1 is not the root of the empty tree")
        raise _Invalid(
            f"the tree of size {size1} with root {root1.hex()} is not a prefix of "
            f"the tree of size {size2} with root {root2.hex()}"
        )
    return (
        f"the tree of size {size1} (root {root1.hex()}) is a prefix of the tree of "
        f"size {size2} (root {root2.hex()})"
    )


def _cmd_receipt(args: argparse.Namespace) -> str:
    key = _load_key(args.key)
    text = _read_text(args.file, "receipt")
    try:
        receipt = _loads(text)
    except ValueError as exc:
        raise _Malformed(f"receipt {args.file!r} is not valid JSON: {exc}") from None
    if not isinstance(receipt, dict):
        raise _Malformed("receipt must be a JSON object")
    missing = [
        k for k in ("entry", "index", "leaf_hash", "proof", "checkpoint") if k not in receipt
    ]
    if missing:
        raise _Malformed(f"receipt lacks {', '.join(missing)}")
    index = _uint_field(receipt, "index", "receipt")
    claimed = _hash(receipt["leaf_hash"], "receipt leaf_hash")
    proof_list = receipt["proof"]
    if not isinstance(proof_list, list):
        raise _Malformed("receipt proof must be a list of hex hashes")
    proof = [_hash(p, f"receipt proof[{i}]") for i, p in enumerate(proof_list)]
    note = receipt["checkpoint"]
    if not isinstance(note, str):
        raise _Malformed("receipt checkpoint must be the signed note as a string")
    computed = _entry_leaf_hash(receipt["entry"], "receipt")

    checkpoint = _open_checkpoint(note, key)
    if computed != claimed:
        raise _Invalid(
            f"leaf_hash {claimed.hex()} is not the hash of the entry (which hashes to "
            f"{computed.hex()}): the entry was altered"
        )
    _check_inclusion(computed, index, checkpoint.size, proof, checkpoint.root)
    return (
        f"entry {index} is included in {checkpoint.origin} at tree size "
        f"{checkpoint.size} (root {checkpoint.root.hex()})"
    )


def _cmd_log(args: argparse.Namespace) -> str:
    key = _load_key(args.key)
    note = _read_text(args.checkpoint, "checkpoint")
    checkpoint = _open_checkpoint(note, key)
    size = checkpoint.size

    crange = CompactRange()
    count = 0
    first_bad: str | None = None
    all_have_hashes = True
    pending_blank = 0
    try:
        f = open(args.file, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise _Malformed(f"cannot read log {args.file!r}: {exc.strerror or exc}") from None
    with f:
        for line_no, raw in enumerate(f, 1):
            where = f"line {line_no}"
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Malformed(f"{where} is not UTF-8") from None
            if not line.strip():
                pending_blank += 1
                continue
            if pending_blank:
                raise _Malformed(f"blank line before line {line_no}")
            try:
                obj = _loads(line)
            except ValueError as exc:
                raise _Malformed(f"{where} is not valid JSON: {exc}") from None
            if not isinstance(obj, dict) or "entry" not in obj:
                raise _Malformed(f'{where} is not an object with "index" and "entry"')
            index = _uint_field(obj, "index", where)
            if index != count:
                raise _Invalid(
                    f"{where} holds index {index} where index {count} belongs: "
                    "entries are missing, repeated or out of order"
                )
            computed = _entry_leaf_hash(obj["entry"], where)
            if "leaf_hash" in obj:
                claimed = _hash(obj["leaf_hash"], f"{where} leaf_hash")
                if claimed != computed and first_bad is None:
                    first_bad = (
                        f"entry {index} does not match its leaf_hash {claimed.hex()} "
                        f"(the entry hashes to {computed.hex()}): it was altered"
                    )
            else:
                all_have_hashes = False
            if count < size:
                crange.append(computed)
            count += 1

    if first_bad is not None:
        raise _Invalid(first_bad)
    if count < size:
        raise _Invalid(
            f"the log file has {count} entries but the checkpoint covers {size}: "
            f"entries from index {count} on are missing"
        )
    root = crange.root()
    if root != checkpoint.root:
        hint = (
            "every entry matches its leaf_hash, so the file's leaf hashes themselves differ "
            "from the log's"
            if all_have_hashes and count
            else "the file carries no leaf_hash values to locate the first altered entry"
        )
        raise _Invalid(
            f"the first {size} entries hash to root {root.hex()}, the signed checkpoint "
            f"says {checkpoint.root.hex()} ({hint})"
        )
    extra = count - size
    tail = f"; {extra} later entries are not covered by this checkpoint" if extra else ""
    return (
        f"the first {size} entries of {checkpoint.origin} match the signed checkpoint "
        f"(root {checkpoint.root.hex()}){tail}"
    )


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="charter-verify",
        description="Verify proofs, receipts and copies of a Charter transparency log.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("inclusion", help="check an inclusion proof")
    p.add_argument("--leaf-hash", required=True, help="leaf hash, hex")
    p.add_argument("--index", required=True, type=_uint_arg)
    p.add_argument("--size", required=True, type=_uint_arg)
    p.add_argument("--root", required=True, help="root hash, hex")
    p.add_argument("--proof", default="", help='comma-separated hex hashes ("" or left out for none)')
    p.set_defaults(func=_cmd_inclusion)

    p = sub.add_parser("consistency", help="check a consistency proof")
    p.add_argument("--size1", required=True, type=_uint_arg)
    p.add_argument("--size2", required=True, type=_uint_arg)
    p.add_argument("--root1", required=True, help="root hash at size1, hex")
    p.add_argument("--root2", required=True, help="root hash at size2, hex")
    p.add_argument("--proof", default="", help='comma-separated hex hashes ("" or left out for none)')
    p.set_defaults(func=_cmd_consistency)

    p = sub.add_parser("receipt", help="check a receipt for one entry")
    p.add_argument("file", help="receipt JSON file")
    p.add_argument("--key", required=True, help="verifier key, or a file holding it")
    p.set_defaults(func=_cmd_receipt)

    p = sub.add_parser("log", help="check a downloaded copy of the log against a checkpoint")
    p.add_argument("file", help="the log as JSON Lines")
    p.add_argument("--checkpoint", required=True, help="file holding the signed checkpoint")
    p.add_argument("--key", required=True, help="verifier key, or a file holding it")
    p.set_defaults(func=_cmd_log)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        message = args.func(args)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except _Malformed as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except _Invalid as exc:
        print(f"INVALID: {exc}")
        return EXIT_INVALID
    print(f"OK: {message}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
