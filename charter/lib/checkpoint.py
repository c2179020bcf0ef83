"""Signed tree heads: C2SP signed notes carrying C2SP tlog-checkpoint bodies, Ed25519.

Formats (https://c2sp.org/signed-note, https://c2sp.org/tlog-checkpoint), as
implemented by golang.org/x/mod/sumdb/note:

Checkpoint body (the note text)::

    <origin>\\n
    <tree size, decimal, no leading zeros>\\n
    <root hash, standard base64 with padding, 32 bytes>\\n
    [<extension line>\\n ...]

Signed note: the text, one blank line, then one or more signature lines::

    \\u2014 <key name> <base64(4-byte key ID || 64-byte Ed25519 signature)>\\n

Key ID: the first 4 bytes (big-endian uint32) of
``SHA-256(key name || 0x0A || 0x01 || 32-byte public key)``.

Key strings::

    verifier: <name>+<key ID, 8 hex digits>+<base64(0x01 || public key)>
    signer:   PRIVATE+KEY+<name>+<key ID, 8 hex digits>+<base64(0x01 || 32-byte seed)>

Opening a note is strict: valid UTF-8, no control characters other than
newline (so no ``\\r``), text ending in a newline, the last blank line
separating text from signatures, every signature line well formed, at most
100 signatures.  Signatures by other keys (witnesses, a rotated log key) are
ignored, as the specification requires; every signature by the configured key
(same name *and* key ID) must verify, and there must be at least one.

Depends only on the standard library and ``cryptography``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "ALG_ED25519",
    "MAX_SIGNATURES",
    "Checkpoint",
    "CheckpointError",
    "Signer",
    "Verifier",
    "format_checkpoint",
    "generate_signer",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "parse_signer",
    "parse_verifier",
    "sign_checkpoint",
    "sign_note",
]

#: Signature type byte for Ed25519 in C2SP signed-note.
ALG_ED25519 = 0x01
#: Most signature lines accepted in one note (the Go reference's limit).
MAX_SIGNATURES = 100
#: Largest tree size a checkpoint can carry (the Go reference parses a uint64).
MAX_TREE_SIZE = 2**64 - 1

_HASH_SIZE = 32
_SIG_PREFIX = "\u2014 "  # em dash, space
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_SIZE = re.compile(r"0|[1-9][0-9]*")
_KEY_ID_HEX = re.compile(r"[0-9a-fA-F]{8}")


class CheckpointError(ValueError):
    """A note, checkpoint or key was malformed, unsigned or wrongly signed.

    ``kind`` is one of ``"malformed"``, ``"unknown_key"`` (no signature by the
    configured key), ``"bad_signature"``, ``"bad_key"`` or ``"mismatch"``
    (a well-signed checkpoint for another origin).
    """

    def __init__(self, reason: str, kind: str = "malformed") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------


def _valid_name(name: str) -> bool:
    return (
        bool(name)
        and "+" not in name
        and not any(ch.isspace() for ch in name)
        and _CONTROL.search(name) is None
        and "\x7f" not in name
    )


def _key_id(name: str, public_key: bytes) -> int:
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key)
    return int.from_bytes(digest.digest()[:4], "big")


def _b64decode_strict(s: str) -> bytes:
    """Standard base64 with padding, in its one canonical spelling."""
    try:
        raw = base64.b64decode(s.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ValueError("not valid standard base64") from None
    if base64.b64encode(raw).decode("ascii") != s:
        raise ValueError("not canonical standard base64")
    return raw


@dataclass(frozen=True)
class Verifier:
    """A public key that checks signatures of one named signer."""

    name: str
    key_id: int
    public_key: bytes

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != 64:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True

    @property
    def key_string(self) -> str:
        blob = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id:08x}+{blob}"

    def __str__(self) -> str:
        return self.key_string


@dataclass(frozen=True)
class Signer:
    """A private key that signs notes under a name."""

    name: str
    key_id: int
    seed: bytes = field(repr=False)

    def sign(self, message: bytes) -> bytes:
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def verifier(self) -> Verifier:
        public = Ed25519PrivateKey.from_private_bytes(self.seed).public_key().public_bytes_raw()
        return Verifier(self.name, self.key_id, public)

    @property
    def key_string(self) -> str:
        blob = base64.b64encode(bytes([ALG_ED25519]) + self.seed).decode("ascii")
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id:08x}+{blob}"


def generate_signer(name: str) -> tuple[str, str]:
    """A fresh Ed25519 key pair: ``(signer_key_string, verifier_key_string)``."""
    if not isinstance(name, str) or not _valid_name(name):
        raise CheckpointError(
            f"invalid key name {name!r}: must be non-empty, without spaces, '+' "
            "or control characters",
            "bad_key",
        )
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes_raw()
    public = private.public_key().public_bytes_raw()
    signer = Signer(name, _key_id(name, public), seed)
    return signer.key_string, signer.verifier().key_string


def _split_key(text: str, what: str) -> tuple[str, int, bytes]:
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise CheckpointError(f"malformed {what} key: expected <name>+<key id>+<key>", "bad_key")
    name, id_hex, blob = parts
    if not _valid_name(name):
        raise CheckpointError(f"malformed {what} key: invalid key name {name!r}", "bad_key")
    if not _KEY_ID_HEX.fullmatch(id_hex):
        raise CheckpointError(
            f"malformed {what} key: key ID {id_hex!r} is not 8 hex digits", "bad_key"
        )
    try:
        raw = _b64decode_strict(blob)
    except ValueError as exc:
        raise CheckpointError(f"malformed {what} key: key material is {exc}", "bad_key") from None
    if len(raw) != 1 + 32:
        raise CheckpointError(
            f"malformed {what} key: expected 33 bytes of key material, got {len(raw)}", "bad_key"
        )
    if raw[0] != ALG_ED25519:
        raise CheckpointError(
            f"unsupported {what} key: algorithm {raw[0]} (only Ed25519, 1, is supported)",
            "bad_key",
        )
    return name, int(id_hex, 16), raw[1:]


def parse_verifier(vkey: str | Verifier) -> Verifier:
    """Parse ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
    if isinstance(vkey, Verifier):
        return vkey
    if not isinstance(vkey, str):
        raise TypeError("verifier key must be a str")
    vkey = vkey.strip()
    if vkey.startswith(_PRIVATE_PREFIX):
        raise CheckpointError("this is a private signer key, not a verifier key", "bad_key")
    name, key_id, public = _split_key(vkey, "verifier")
    if _key_id(name, public) != key_id:
        raise CheckpointError(
            f"malformed verifier key: key ID {key_id:08x} does not match name and public key",
            "bad_key",
        )
    try:
        Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        raise CheckpointError(
            "malformed verifier key: not an Ed25519 public key", "bad_key"
        ) from None
    return Verifier(name, key_id, public)


def parse_signer(skey: str | Signer) -> Signer:
    """Parse ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``."""
    if isinstance(skey, Signer):
        return skey
    if not isinstance(skey, str):
        raise TypeError("signer key must be a str")
    skey = skey.strip()
    if not skey.startswith(_PRIVATE_PREFIX):
        raise CheckpointError("malformed signer key: must start with PRIVATE+KEY+", "bad_key")
    name, key_id, seed = _split_key(skey[len(_PRIVATE_PREFIX) :], "signer")
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
    if _key_id(name, public) != key_id:
        raise CheckpointError(
            f"malformed signer key: key ID {key_id:08x} does not match name and key", "bad_key"
        )
    return Signer(name, key_id, seed)


# ---------------------------------------------------------------------------
# Signed notes
# ---------------------------------------------------------------------------


def _check_note_chars(text: str, what: str) -> None:
    m = _CONTROL.search(text)
    if m:
        ch = m.group()
        desc = "a carriage return" if ch == "\r" else f"control character {ch!r}"
        raise CheckpointError(f"{what} contains {desc}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError(f"{what} is not valid Unicode") from None


def sign_note(signer: str | Signer, text: str) -> str:
    """Sign ``text`` (non-empty, ending in a newline) and return the signed note."""
    s = parse_signer(signer)
    if not isinstance(text, str) or not text.endswith("\n"):
        raise CheckpointError("note text must be a str ending in a newline")
    _check_note_chars(text, "note text")
    sig = s.sign(text.encode("utf-8"))
    blob = base64.b64encode(s.key_id.to_bytes(4, "big") + sig).decode("ascii")
    return f"{text}\n{_SIG_PREFIX}{s.name} {blob}\n"


def open_note(note: str | bytes, verifier: str | Verifier) -> str:
    """Verify a signed note under ``verifier`` and return its text.

    Raises ``CheckpointError`` if the note is malformed, carries no signature
    by this key, or carries a signature by this key that does not verify.
    """
    v = parse_verifier(verifier)
    if isinstance(note, bytes | bytearray):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError:
            raise CheckpointError("note is not valid UTF-8") from None
    if not isinstance(note, str):
        raise TypeError("note must be str or bytes")
    _check_note_chars(note, "note")
    if not note.endswith("\n"):
        raise CheckpointError("note does not end in a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise CheckpointError("note has no blank line between text and signatures")
    text, sig_block = note[: split + 1], note[split + 2 :]
    if not sig_block:
        raise CheckpointError("note has no signature lines")
    lines = sig_block.split("\n")[:-1]
    if len(lines) > MAX_SIGNATURES:
        raise CheckpointError(f"note has more than {MAX_SIGNATURES} signatures")
    message = text.encode("utf-8")
    verified = 0
    same_name_other_ids = []
    for number, line in enumerate(lines, 1):
        if not line.startswith(_SIG_PREFIX):
            raise CheckpointError(
                f"signature line {number} does not start with an em dash and a space"
            )
        name, sep, blob = line[len(_SIG_PREFIX) :].partition(" ")
        if not sep or not _valid_name(name) or not blob:
            raise CheckpointError(f"signature line {number} is not '\u2014 <name> <base64>'")
        try:
            raw = _b64decode_strict(blob)
        except ValueError as exc:
            raise CheckpointError(f"signature line {number}: signature is {exc}") from None
        if len(raw) < 5:
            raise CheckpointError(f"signature line {number}: signature is too short")
        key_id = int.from_bytes(raw[:4], "big")
        if name != v.name or key_id != v.key_id:
            if name == v.name:
                same_name_other_ids.append(f"{key_id:08x}")
            continue  # someone else's signature: ignored, as the spec requires
        if not v.verify(message, raw[4:]):
            raise CheckpointError(
                f"signature by {v.name}+{v.key_id:08x} does not verify", "bad_signature"
            )
        verified += 1
    if not verified:
        detail = ""
        if same_name_other_ids:
            detail = (
                f" (there is a signature by {v.name} with key ID "
                f"{', '.join(same_name_other_ids)}: a different key)"
            )
        raise CheckpointError(
            f"note is not signed by the key {v.name}+{v.key_id:08x}{detail}", "unknown_key"
        )
    return text


# ---------------------------------------------------------------------------
# Checkpoints
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's origin, its size and the RFC 9162 root hash."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def body(self) -> str:
        return format_checkpoint(self.origin, self.size, self.root, self.extensions)

    @property
    def root_hex(self) -> str:
        return self.root.hex()


def format_checkpoint(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The checkpoint note text (unsigned)."""
    if not isinstance(origin, str) or not origin:
        raise CheckpointError("origin must be a non-empty string")
    if "\n" in origin:
        raise CheckpointError("origin must be a single line")
    _check_note_chars(origin, "origin")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_TREE_SIZE:
        raise CheckpointError(f"tree size must be an int in 0..2**64-1, not {size!r}")
    if not isinstance(root, bytes | bytearray) or len(root) != _HASH_SIZE:
        raise CheckpointError(f"root hash must be {_HASH_SIZE} bytes")
    if isinstance(extensions, str):
        raise CheckpointError("extensions must be a sequence of lines, not one string")
    for ext in extensions:
        if not isinstance(ext, str) or not ext or "\n" in ext:
            raise CheckpointError(f"extension lines must be non-empty single lines, not {ext!r}")
        _check_note_chars(ext, "extension line")
    lines = [origin, str(size), base64.b64encode(bytes(root)).decode("ascii"), *extensions]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (the note text, already verified)."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint text does not end in a newline")
    _check_note_chars(text, "checkpoint")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("checkpoint needs at least 3 lines: origin, size, root hash")
    for number, line in enumerate(lines, 1):
        if not line:
            raise CheckpointError(f"checkpoint line {number} is empty")
    origin, size_text, root_text, *extensions = lines
    if not _SIZE.fullmatch(size_text):
        raise CheckpointError(
            f"checkpoint tree size {size_text!r} is not a decimal number without leading zeros"
        )
    size = int(size_text)
    if size > MAX_TREE_SIZE:
        raise CheckpointError("checkpoint tree size does not fit in 64 bits")
    try:
        root = _b64decode_strict(root_text)
    except ValueError as exc:
        raise CheckpointError(f"checkpoint root hash is {exc}") from None
    if len(root) != _HASH_SIZE:
        raise CheckpointError(f"checkpoint root hash is {len(root)} bytes, not {_HASH_SIZE}")
    return Checkpoint(origin, size, root, tuple(extensions))


def sign_checkpoint(
    signer_key_str: str | Signer,
    origin: str,
    size: int,
    root: bytes,
    extensions: Sequence[str] = (),
) -> str:
    """Format and sign a checkpoint; returns the full signed note text."""
    return sign_note(signer_key_str, format_checkpoint(origin, size, root, extensions))


def open_checkpoint(
    note_text: str | bytes, verifier_key_str: str | Verifier, *, origin: str | None = None
) -> Checkpoint:
    """Verify a signed checkpoint and parse it.

    Raises ``CheckpointError`` (see ``kind``) on a malformed note or body, a
    missing or bad signature, or, when ``origin`` is given, another origin.
    """
    checkpoint = parse_checkpoint(open_note(note_text, verifier_key_str))
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(
            f"checkpoint is for origin {checkpoint.origin!r}, expected {origin!r}", "mismatch"
        )
    return checkpoint
