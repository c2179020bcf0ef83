"""Signed checkpoints of the public record, and the receipts proved against them.

A checkpoint is signed only after Charter has rebuilt it from the previous signed checkpoint: the
right edge stored with the previous one (which must still give its signed root), extended with the
leaf hashes recomputed from the bytes of every entry appended since, must give the root being
signed. So Charter never signs a tree head that is not an extension of the one it signed before;
if the stored record was changed underneath, signing stops with :class:`CannotSign`.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from charter.lib import checkpoint as notes
from charter.lib import clock, merkle
from charter.record import blocks, integration, proofs
from charter.record.models import Checkpoint, Entry, LogState


class CannotSign(RuntimeError):
    """The stored record is not an extension of the last signed checkpoint."""


@cache
def _signer_for(key: str, path: str) -> notes.Signer:
    if key:
        return notes.parse_signer(key)
    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        private, _public = notes.generate_signer(settings.RECORD_ORIGIN)
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(private + "\n")
    return notes.parse_signer(file.read_text().strip())


def signer() -> notes.Signer:
    return _signer_for(settings.RECORD_SIGNING_KEY, str(settings.RECORD_SIGNING_KEY_FILE))


def verifier_key() -> str:
    """The log's public key, as a C2SP verifier key string."""
    return signer().verifier().key_string


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def covering(index: int) -> Checkpoint | None:
    """The first checkpoint that includes entry ``index``."""
    return Checkpoint.objects.filter(size__gt=index).order_by("size").first()


def sign_if_due() -> Checkpoint | None:
    """Sign a checkpoint of the log as it stands if it has grown since the last one.

    Returns the new checkpoint, or None when there was nothing new to sign. The first call on an
    empty log signs the empty tree, so that there is always a checkpoint to start from. What was
    appended since is integrated first (``record.integration``).
    """
    problem = integration.integrate()
    if problem is not None:
        raise CannotSign(f"{problem}; the log is signed up to it")
    with transaction.atomic():
        state = LogState.objects.select_for_update().filter(id=1).first()
        size = state.size if state else 0
        previous = Checkpoint.objects.select_for_update().order_by("-size").first()
        if previous is not None and previous.size >= size:
            if previous.size > size:
                raise CannotSign(f"the log holds {size} entries but checkpoint {previous.size} was signed: entries were removed")
            return None
        tree = _extend(previous, size)
        if state is not None and tree.root().hex() != state.root:
            raise CannotSign("the stored log root does not match the entries")
        root = tree.root()
        note = notes.sign_checkpoint(signer(), settings.RECORD_ORIGIN, size, root, [f"time {clock.now():%Y-%m-%dT%H:%M:%SZ}"])
        return Checkpoint.objects.create(size=size, root=root.hex(), note=note, compact=tree.to_list())


def _extend(previous: Checkpoint | None, size: int) -> merkle.CompactRange:
    if previous is None:
        tree = merkle.CompactRange()
    else:
        try:
            tree = merkle.CompactRange.from_list(previous.size, previous.compact)
            signed = opened(previous)
        except (TypeError, ValueError) as exc:  # CheckpointError is a ValueError
            raise CannotSign(f"checkpoint {previous.size} is not as it was signed ({exc})") from None
        if tree.root() != signed.root or previous.root != signed.root.hex() or signed.size != previous.size:
            raise CannotSign(f"the right edge stored with checkpoint {previous.size} does not give its signed root")
    while tree.size < size:
        rows = blocks.rows(tree.size, size, limit=5000)
        for index, data, stored in rows:
            if index != tree.size:
                raise CannotSign(f"entry {tree.size} is missing")
            leaf, problem = integration.entry_problem(index, data, stored)
            if problem is not None:
                raise CannotSign(str(problem))
            tree.append(leaf)
        if not rows:
            break
    if tree.size != size:
        raise CannotSign(f"entry {tree.size} is missing")
    return tree


def opened(checkpoint: Checkpoint) -> notes.Checkpoint:
    """The checkpoint's signed content (its signature checked against the log's key)."""
    return notes.open_checkpoint(checkpoint.note, signer().verifier(), origin=settings.RECORD_ORIGIN)


def signed_time(checkpoint: Checkpoint) -> str:
    for line in opened(checkpoint).extensions:
        if line.startswith("time "):
            return line[5:]
    return ""


def receipt(entry: Entry) -> dict[str, Any] | None:
    """The entry, its index, its inclusion proof and the checkpoint it is proved against.

    None until a checkpoint covers the entry (at most a minute after it was appended).
    """
    head = latest()
    if head is None or head.size <= entry.index:
        return None
    _index, data, leaf = blocks.row(entry)
    return {
        "entry": json.loads(data),
        "index": entry.index,
        "leaf_hash": leaf,
        "proof": [h.hex() for h in proofs.inclusion(entry.index, head.size)],
        "checkpoint": head.note,
    }


def proved(entry: Entry) -> bool:
    """Whether the entry is proved included in the latest checkpoint (checked here, end to end)."""
    head = latest()
    if head is None or head.size <= entry.index:
        return False
    signed = opened(head)
    proof = proofs.inclusion(entry.index, signed.size)
    return merkle.verify_inclusion(merkle.leaf_hash(blocks.row(entry)[1]), entry.index, signed.size, proof, signed.root)
