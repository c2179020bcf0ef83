"""Appending to the record and verifying it. Callers append inside their act's transaction."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from charter.lib import clock, merkle
from charter.lib.canonical import canonical_json
from charter.lib.checkpoint import CheckpointError, open_checkpoint
from charter.record import checkpoints
from charter.record.models import Checkpoint, Entry, EntrySubject, LogState, Node, Subject

ENTRY_VERSION = 1


def commitment_for(member: Any) -> Subject:
    """The subject row (with its salted commitment) that stands for ``member`` on the log."""
    subject = Subject.objects.filter(member=member).first()
    if subject is not None:
        return subject
    salt = secrets.token_hex(32)
    digest = hashlib.sha256(bytes.fromhex(salt) + f"member:{member.pk}".encode()).hexdigest()
    return Subject.objects.create(member=member, commitment=digest, salt=salt)


def _locked_state() -> LogState:
    state = LogState.objects.select_for_update().filter(id=1).first()
    if state is None:
        LogState.objects.get_or_create(id=1, defaults={"root": merkle.EMPTY_ROOT.hex(), "compact": []})
        state = LogState.objects.select_for_update().get(id=1)
    return state


def append(
    act: str,
    outcome: str,
    *,
    actor: Any = None,
    subjects: Iterable[Any] = (),
    detail: Mapping[str, Any] | None = None,
    articles: Iterable[str] = (),
) -> Entry:
    """Append one entry. Must run inside the transaction that performs the act."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record.append must run inside the act's transaction")
    state = _locked_state()
    actor_subject = commitment_for(actor) if actor is not None else None
    subject_rows = [commitment_for(m) for m in subjects]
    body: dict[str, Any] = {
        "v": ENTRY_VERSION,
        "index": state.size,
        "time": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "act": act,
        "outcome": outcome,
        "actor": f"p:{actor_subject.commitment}" if actor_subject else "charter",
        "subjects": [f"p:{s.commitment}" for s in subject_rows],
        "articles": list(articles),
        "detail": dict(detail or {}),
    }
    data = canonical_json(body)
    leaf = merkle.leaf_hash(data)
    tree = merkle.CompactRange.from_list(state.size, state.compact)
    completed = tree.append_with_subtrees(leaf)
    root = tree.root().hex()
    entry = Entry.objects.create(
        index=state.size, body=data.decode("utf-8"), leaf_hash=leaf.hex(),
        created_at=clock.now(), act=act, outcome=outcome,
    )
    if len(completed) > 1:  # the leaf itself is the first; it is stored on the entry
        Node.objects.bulk_create([Node(key=Node.key_for(lo, hi), hash=h.hex()) for lo, hi, h in completed[1:]])
    state.size = tree.size
    state.compact = tree.to_list()
    state.root = root
    state.save(update_fields=["size", "compact", "root"])
    links = [EntrySubject(entry=entry, subject=s, role="subject") for s in {s.pk: s for s in subject_rows}.values()]
    if actor_subject is not None:
        links.append(EntrySubject(entry=entry, subject=actor_subject, role="actor"))
    EntrySubject.objects.bulk_create(links)
    return entry


def entries_about(member: Any, role: str | None = None) -> Any:
    """Entries concerning ``member`` (role "subject"), recorded by them (role "actor"), or both."""
    links = EntrySubject.objects.filter(subject__member=member)
    if role is not None:
        links = links.filter(role=role)
    return Entry.objects.filter(id__in=links.values("entry_id")).order_by("-index")


@dataclass(frozen=True)
class Problem:
    index: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.index}: {self.reason}"


def _stream(batch: int = 5000) -> Iterator[tuple[int, str, str]]:
    last = -1
    while True:
        rows = list(
            Entry.objects.filter(index__gt=last).order_by("index").values_list("index", "body", "leaf_hash")[:batch]
        )
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify(progress: Any = None) -> Problem | None:
    """Recompute every leaf hash, stored subtree and tree root from the stored entry bytes, and check
    every signed checkpoint against them.

    Returns the first problem found, or None when the log is intact: each entry's bytes hash to its
    stored leaf hash, indexes run 0, 1, 2, … without gaps, each entry's ``index`` field matches its
    place, the root after each checked entry matches the stored root, every stored subtree hash is
    the one the entries give, the log state agrees, and every checkpoint carries a valid signature
    by the log's key over the root the entries give at its size (so a log cut short, or rewritten
    and rehashed, is caught by the checkpoints signed before).
    """
    heads, problem = _signed_heads()
    if problem is not None:
        return problem
    pending = iter(heads)
    head = next(pending, None)
    tree = merkle.CompactRange()
    nodes: dict[int, tuple[int, str]] = {}
    leaf_hash = merkle.leaf_hash
    expected = 0
    while head is not None and head[0] == 0:
        if head[1] != tree.root().hex():
            return Problem(0, "the checkpoint of the empty log does not carry the empty tree's root")
        head = next(pending, None)
    for index, body, stored_leaf in _stream():
        if index != expected:
            return Problem(expected, f"is missing (the next stored entry is {index})" if index > expected else "is stored twice")
        data = body.encode("utf-8")
        leaf = leaf_hash(data)
        if leaf.hex() != stored_leaf:
            return Problem(index, "its bytes do not hash to its stored leaf hash (the entry or its hash was changed)")
        try:
            if json.loads(body).get("index") != index:
                return Problem(index, "its content names another position in the log (entries were moved)")
        except ValueError:
            return Problem(index, "its stored bytes are not valid JSON")
        for lo, hi, digest in tree.append_with_subtrees(leaf)[1:]:
            nodes[Node.key_for(lo, hi)] = (hi - 1, digest.hex())
        if len(nodes) >= 2000:
            problem = _check_nodes(nodes)
            if problem is not None:
                return problem
        while head is not None and head[0] == tree.size:
            if tree.root().hex() != head[1] or tree.to_list() != head[2]:
                problem = _check_nodes(nodes)  # a changed and rehashed entry shows in its subtree
                return problem or Problem(index, f"the signed checkpoint of the first {head[0]} entries does not match them (entries before it were changed, or the checkpoint was)")
            head = next(pending, None)
        expected += 1
        if progress is not None:
            progress(1)
    problem = _check_nodes(nodes)
    if problem is not None:
        return problem
    if head is not None:
        return Problem(expected, f"a checkpoint was signed over {head[0]} entries but only {expected} are stored: entries were removed")
    stored_nodes = Node.objects.count()
    if stored_nodes != expected - _popcount(expected):
        return Problem(max(expected - 1, 0), f"{stored_nodes} subtree hashes are stored where {expected} entries make {expected - _popcount(expected)}")
    state = LogState.objects.filter(id=1).first()
    size = state.size if state else 0
    if size != expected:
        return Problem(expected, f"the log state says {size} entries but {expected} are stored")
    if state is not None and (tree.root().hex() != state.root or tree.to_list() != list(state.compact)):
        return Problem(max(expected - 1, 0), "the stored log root does not match the entries")
    return None


def _popcount(n: int) -> int:
    return bin(n).count("1")


def _signed_heads() -> tuple[list[tuple[int, str, list[str]]], Problem | None]:
    """Every stored checkpoint as (size, root hex, right edge), its signature and fields checked."""
    rows = list(Checkpoint.objects.order_by("size").values_list("size", "root", "note", "compact"))
    if not rows:
        return [], None
    verifier = checkpoints.signer().verifier()
    heads = []
    for size, root, note, compact in rows:
        where = max(size - 1, 0)
        try:
            signed = _open(note, verifier)
        except CheckpointError as exc:
            return [], Problem(where, f"the checkpoint stored for size {size} does not verify with the log's key ({exc})")
        if signed.size != size or signed.root.hex() != root:
            return [], Problem(where, f"the checkpoint stored for size {size} says size {signed.size} and root {signed.root.hex()} in its signed text")
        heads.append((size, root, list(compact)))
    return heads, None


def _open(note: str, verifier: Any) -> Any:
    return open_checkpoint(note, verifier, origin=settings.RECORD_ORIGIN)


def _check_nodes(nodes: dict[int, tuple[int, str]]) -> Problem | None:
    """Compare computed subtree hashes with the stored ones; empties ``nodes``."""
    keys = sorted(nodes)
    stored: dict[int, str] = {}
    for i in range(0, len(keys), 500):
        stored.update(Node.objects.filter(key__in=keys[i : i + 500]).values_list("key", "hash"))
    bad = [(k // 64, nodes[k][0]) for k in keys if stored.get(k) != nodes[k][1]]
    nodes.clear()
    if not bad:
        return None
    first, last = min(bad, key=lambda r: (r[1], -r[0]))  # the narrowest subtree that fails first
    return Problem(first, f"entries {first}–{last} do not give the subtree hash stored for them: one of them was changed and rehashed, or the stored hash was changed")
