"""Tests for charter.lib.checkpoint: C2SP signed notes and tlog checkpoints."""

from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.lib.checkpoint import (
    MAX_SIGNATURES,
    Checkpoint,
    CheckpointError,
    format_checkpoint,
    generate_signer,
    open_checkpoint,
    open_note,
    parse_checkpoint,
    parse_signer,
    parse_verifier,
    sign_checkpoint,
    sign_note,
)
from charter.lib.merkle import EMPTY_ROOT, MemoryTree

# The example key and note of golang.org/x/mod/sumdb/note (its documentation
# and tests).  Ed25519 signatures are deterministic, so signing the text with
# the key must reproduce the note byte for byte.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT
    + "\n"
    + "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)

# The example of an earlier revision of the C2SP signed-note specification.
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)

ORIGIN = "charter.example/record"
ROOT = hashlib.sha256(b"some root").digest()


@pytest.fixture(scope="module")
def keys():
    return generate_signer(ORIGIN)


def reason_of(excinfo) -> str:
    return str(excinfo.value)


# ---------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------


def test_go_reference_signature_is_reproduced():
    assert sign_note(GO_SKEY, GO_TEXT) == GO_NOTE


def test_go_reference_note_opens():
    assert open_note(GO_NOTE, GO_VKEY) == GO_TEXT
    assert open_note(GO_NOTE.encode("utf-8"), GO_VKEY) == GO_TEXT


def test_go_reference_keys():
    signer = parse_signer(GO_SKEY)
    assert signer.name == "PeterNeumann"
    assert signer.key_id == 0xC74F20A3
    assert signer.key_string == GO_SKEY
    assert signer.verifier().key_string == GO_VKEY
    verifier = parse_verifier(GO_VKEY)
    assert verifier.key_id == 0xC74F20A3
    assert str(verifier) == GO_VKEY
    # Key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4].
    pub = base64.b64decode(GO_VKEY.split("+", 2)[2])[1:]
    assert hashlib.sha256(b"PeterNeumann\n\x01" + pub).digest()[:4].hex() == "c74f20a3"
    assert "AYEK" not in repr(signer)  # the seed stays out of reprs


def test_spec_example_note_opens():
    assert open_note(SPEC_NOTE, SPEC_VKEY) == "This is an example message.\n"


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------


def test_generated_keys_have_the_documented_shape(keys):
    skey, vkey = keys
    assert skey.startswith(f"PRIVATE+KEY+{ORIGIN}+")
    name, key_id, blob = vkey.split("+", 2)
    assert name == ORIGIN and len(key_id) == 8
    raw = base64.b64decode(blob)
    assert raw[0] == 1 and len(raw) == 33
    assert parse_signer(skey).verifier().key_string == vkey
    other_skey, other_vkey = generate_signer(ORIGIN)
    assert other_vkey != vkey


def test_checkpoint_round_trip(keys):
    skey, vkey = keys
    note = sign_checkpoint(skey, ORIGIN, 12345, ROOT)
    body = f"{ORIGIN}\n12345\n{base64.b64encode(ROOT).decode()}\n"
    assert note.startswith(body + "\n\u2014 " + ORIGIN + " ")
    assert note.endswith("\n") and note.count("\n") == 5
    cp = open_checkpoint(note, vkey)
    assert cp == Checkpoint(ORIGIN, 12345, ROOT, ())
    assert cp.body() == body
    assert cp.root_hex == ROOT.hex()
    assert open_checkpoint(note, vkey, origin=ORIGIN) == cp


def test_checkpoint_with_extensions(keys):
    skey, vkey = keys
    note = sign_checkpoint(skey, ORIGIN, 7, ROOT, extensions=["Timestamp: 1700000000", "x"])
    cp = open_checkpoint(note, vkey)
    assert cp.extensions == ("Timestamp: 1700000000", "x")


def test_empty_and_huge_trees(keys):
    skey, vkey = keys
    cp = open_checkpoint(sign_checkpoint(skey, ORIGIN, 0, EMPTY_ROOT), vkey)
    assert (cp.size, cp.root) == (0, EMPTY_ROOT)
    assert "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n" in cp.body()
    big = 2**64 - 1
    assert open_checkpoint(sign_checkpoint(skey, ORIGIN, big, ROOT), vkey).size == big
    with pytest.raises(CheckpointError):
        sign_checkpoint(skey, ORIGIN, 2**64, ROOT)


def test_checkpoint_of_a_real_tree(keys):
    skey, vkey = keys
    tree = MemoryTree.from_entries([b"a", b"b", b"c"])
    cp = open_checkpoint(sign_checkpoint(skey, ORIGIN, tree.size, tree.root()), vkey)
    assert cp.root == tree.root()


@settings(max_examples=50, deadline=None)
@given(
    origin=st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=30),
    size=st.integers(0, 2**64 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(
        st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20),
        max_size=3,
    ),
)
def test_round_trip_property(origin, size, root, extensions):
    skey, vkey = _PROPERTY_KEYS
    note = sign_checkpoint(skey, origin, size, root, extensions)
    assert open_checkpoint(note, vkey) == Checkpoint(origin, size, root, tuple(extensions))


_PROPERTY_KEYS = generate_signer("property.example/log")


# ---------------------------------------------------------------------------
# Tampering
# ---------------------------------------------------------------------------


def test_every_single_byte_change_breaks_verification(keys):
    skey, vkey = keys
    note = sign_checkpoint(skey, ORIGIN, 42, ROOT, extensions=["ext \u00e9"]).encode("utf-8")
    assert open_checkpoint(note, vkey).size == 42
    for i in range(len(note)):
        for mask in (0x01, 0x20, 0x80):
            changed = bytearray(note)
            changed[i] ^= mask
            with pytest.raises(CheckpointError):
                open_checkpoint(bytes(changed), vkey)
        # Deleting or duplicating any byte breaks it too.
        with pytest.raises(CheckpointError):
            open_checkpoint(note[:i] + note[i + 1 :], vkey)
        with pytest.raises(CheckpointError):
            open_checkpoint(note[: i + 1] + note[i:], vkey)


def test_every_single_character_change_in_go_note_breaks_it():
    for i, ch in enumerate(GO_NOTE):
        for repl in {"A", "a", "0", "=", "\n", " "} - {ch}:
            with pytest.raises(CheckpointError):
                open_note(GO_NOTE[:i] + repl + GO_NOTE[i + 1 :], GO_VKEY)


def test_other_signatures_are_ignored_and_ours_is_required(keys):
    skey, vkey = keys
    witness_skey, witness_vkey = generate_signer("witness.example/w1")
    note = sign_checkpoint(skey, ORIGIN, 3, ROOT)
    body, _, our_sig = note.partition("\n\n")
    witness_sig = sign_note(witness_skey, body + "\n").partition("\n\n")[2]
    cosigned = body + "\n\n" + our_sig + witness_sig
    assert open_checkpoint(cosigned, vkey).size == 3
    assert open_checkpoint(cosigned, witness_vkey).size == 3
    reordered = body + "\n\n" + witness_sig + our_sig
    assert open_checkpoint(reordered, vkey).size == 3
    # Only the witness signed: not accepted under the log key.
    with pytest.raises(CheckpointError) as exc:
        open_checkpoint(body + "\n\n" + witness_sig, vkey)
    assert exc.value.kind == "unknown_key"
    # A different key.
    _, stranger = generate_signer(ORIGIN)
    with pytest.raises(CheckpointError) as exc:
        open_checkpoint(note, stranger)
    assert exc.value.kind == "unknown_key"
    assert "different key" in reason_of(exc)


def test_a_bad_signature_by_our_key_rejects_the_note(keys):
    skey, vkey = keys
    note = sign_checkpoint(skey, ORIGIN, 3, ROOT)
    other = sign_checkpoint(skey, ORIGIN, 4, ROOT)
    body, _, sig = note.partition("\n\n")
    other_sig = other.partition("\n\n")[2]
    # A good and a bad signature by the same key: rejected.
    with pytest.raises(CheckpointError) as exc:
        open_checkpoint(body + "\n\n" + sig + other_sig, vkey)
    assert exc.value.kind == "bad_signature"
    # The signature of another checkpoint.
    with pytest.raises(CheckpointError) as exc:
        open_checkpoint(body + "\n\n" + other_sig, vkey)
    assert exc.value.kind == "bad_signature"


def test_wrong_origin_is_reported(keys):
    skey, vkey = keys
    note = sign_checkpoint(skey, "elsewhere.example/log", 1, ROOT)
    assert open_checkpoint(note, vkey).origin == "elsewhere.example/log"
    with pytest.raises(CheckpointError) as exc:
        open_checkpoint(note, vkey, origin=ORIGIN)
    assert exc.value.kind == "mismatch"


# ---------------------------------------------------------------------------
# Strict parsing
# ---------------------------------------------------------------------------

B64_ROOT = base64.b64encode(ROOT).decode()
URLSAFE_ROOT = base64.urlsafe_b64encode(b"\xff" * 32).decode()
GO_PUB = base64.b64decode(GO_VKEY.split("+", 2)[2])[1:]
ALG2_VKEY = "PeterNeumann+c74f20a3+" + base64.b64encode(b"\x02" + GO_PUB).decode()


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (f"{ORIGIN}\n01\n{B64_ROOT}\n", "leading zeros"),
        (f"{ORIGIN}\n00\n{B64_ROOT}\n", "leading zeros"),
        (f"{ORIGIN}\n-1\n{B64_ROOT}\n", "decimal"),
        (f"{ORIGIN}\n+1\n{B64_ROOT}\n", "decimal"),
        (f"{ORIGIN}\n 1\n{B64_ROOT}\n", "decimal"),
        (f"{ORIGIN}\n1 \n{B64_ROOT}\n", "decimal"),
        (f"{ORIGIN}\n1_000\n{B64_ROOT}\n", "decimal"),
        (f"{ORIGIN}\n\u0661\n{B64_ROOT}\n", "decimal"),  # Arabic-Indic digit one
        (f"{ORIGIN}\n0x10\n{B64_ROOT}\n", "decimal"),
        (f"{ORIGIN}\n{2**64}\n{B64_ROOT}\n", "64 bits"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT[:31]).decode()}\n", "31 bytes"),
        (f"{ORIGIN}\n1\n{base64.b64encode(ROOT + b'x').decode()}\n", "33 bytes"),
        (f"{ORIGIN}\n1\n{B64_ROOT.rstrip('=')}\n", "base64"),
        (f"{ORIGIN}\n1\n{URLSAFE_ROOT}\n", "base64"),
        (f"{ORIGIN}\n1\n{ROOT.hex()}\n", "48 bytes"),  # hex happens to be base64
        (f"{ORIGIN}\n1\n{B64_ROOT[:-2]}B=\n", "canonical"),  # non-zero padding bits
        (f"{ORIGIN}\n1\n{B64_ROOT} \n", "base64"),
        (f"{ORIGIN}\n1\n", "at least 3 lines"),
        (f"\n1\n{B64_ROOT}\n", "line 1 is empty"),
        (f"{ORIGIN}\n1\n{B64_ROOT}\n\next\n", "empty"),
    ],
)
def test_malformed_checkpoint_bodies_are_rejected_even_when_signed(keys, body, reason):
    skey, vkey = keys
    note = sign_note(skey, body)
    with pytest.raises(CheckpointError) as exc:
        open_checkpoint(note, vkey)
    assert reason in reason_of(exc)
    assert exc.value.kind == "malformed"


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda n: n.replace("\n", "\r\n"), "carriage return"),
        (lambda n: n[:-1], "end in a newline"),
        (lambda n: n.replace("\n\n", "\n"), "blank line"),
        (lambda n: n.replace("\u2014 ", "- "), "em dash"),
        (lambda n: n.replace("\u2014 ", "\u2014"), "em dash"),
        (lambda n: n.replace("\u2014 ", "\u2014  "), "name"),
        (lambda n: n + "\u2014 x\n", "name"),
        (lambda n: n + "\u2014 x AAAA\n", "too short"),
        (lambda n: n + "\u2014 x A\n", "base64"),
        (lambda n: n + "trailing\n", "em dash"),
        (lambda n: n.replace(ORIGIN, ORIGIN + "\t"), "control character"),
        (lambda n: n.replace("\n\n", "\n\n\n"), "does not verify"),
        (lambda n: n + "\n", "no signature lines"),
    ],
)
def test_malformed_notes_are_rejected(keys, mangle, reason):
    skey, vkey = keys
    note = mangle(sign_checkpoint(skey, ORIGIN, 5, ROOT))
    with pytest.raises(CheckpointError) as exc:
        open_checkpoint(note, vkey)
    assert reason in reason_of(exc)


def test_invalid_utf8_is_rejected(keys):
    skey, vkey = keys
    note = sign_checkpoint(skey, ORIGIN, 5, ROOT).encode() + b"\xff\n"
    with pytest.raises(CheckpointError, match="UTF-8"):
        open_checkpoint(note, vkey)


def test_signature_count_limit(keys):
    skey, vkey = keys
    note = sign_checkpoint(skey, ORIGIN, 5, ROOT)
    stranger_line = "\u2014 someone.example/x " + base64.b64encode(b"\x00" * 68).decode() + "\n"
    assert open_checkpoint(note + stranger_line * (MAX_SIGNATURES - 1), vkey).size == 5
    with pytest.raises(CheckpointError, match="more than"):
        open_checkpoint(note + stranger_line * MAX_SIGNATURES, vkey)


def test_text_may_contain_blank_lines_for_plain_notes():
    skey, vkey = generate_signer("notes.example/n")
    text = "para one\n\npara two\n"
    assert open_note(sign_note(skey, text), vkey) == text


def test_format_checkpoint_validation():
    with pytest.raises(CheckpointError):
        format_checkpoint("", 1, ROOT)
    with pytest.raises(CheckpointError):
        format_checkpoint("a\nb", 1, ROOT)
    with pytest.raises(CheckpointError):
        format_checkpoint("a\r", 1, ROOT)
    with pytest.raises(CheckpointError):
        format_checkpoint("a", -1, ROOT)
    with pytest.raises(CheckpointError):
        format_checkpoint("a", True, ROOT)
    with pytest.raises(CheckpointError):
        format_checkpoint("a", 1, ROOT[:31])
    with pytest.raises(CheckpointError):
        format_checkpoint("a", 1, ROOT.hex())
    with pytest.raises(CheckpointError):
        format_checkpoint("a", 1, ROOT, [""])
    with pytest.raises(CheckpointError):
        format_checkpoint("a", 1, ROOT, ["x\ny"])
    with pytest.raises(CheckpointError):
        format_checkpoint("a", 1, ROOT, "ext")
    assert parse_checkpoint(format_checkpoint("a", 1, ROOT, ["e"])) == Checkpoint(
        "a", 1, ROOT, ("e",)
    )


def test_sign_note_validation():
    skey, _ = generate_signer("n.example")
    with pytest.raises(CheckpointError):
        sign_note(skey, "no final newline")
    with pytest.raises(CheckpointError):
        sign_note(skey, "tab\there\n")


# ---------------------------------------------------------------------------
# Keys
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "has space", "has+plus", "tab\tname", "nbsp\u00a0name", "nl\n"]
)
def test_invalid_key_names(name):
    with pytest.raises(CheckpointError):
        generate_signer(name)


@pytest.mark.parametrize(
    "vkey",
    [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong ID
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # 7 hex digits
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",  # bad base64
        ALG2_VKEY,  # algorithm 2
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+" + base64.b64encode(b"\x01" + b"\x00" * 31).decode(),
        GO_SKEY,  # a private key is not a verifier key
    ],
)
def test_malformed_verifier_keys(vkey):
    with pytest.raises(CheckpointError) as exc:
        parse_verifier(vkey)
    assert exc.value.kind == "bad_key"


@pytest.mark.parametrize(
    "skey",
    [
        GO_VKEY,
        "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF",
        "PRIVATE+KEY+Peter+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
    ],
)
def test_malformed_signer_keys(skey):
    with pytest.raises(CheckpointError):
        parse_signer(skey)


def test_keys_tolerate_surrounding_whitespace_from_files():
    assert parse_verifier(GO_VKEY + "\n").key_string == GO_VKEY
    assert parse_signer("  " + GO_SKEY + "\n").key_string == GO_SKEY
