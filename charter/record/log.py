"""Appending to the record and verifying it. Callers append inside their act's transaction."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from charter.lib import clock, merkle
from charter.lib.canonical import canonical_json
from charter.record.models import Entry, EntrySubject, LogState, Subject

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
    tree.append(leaf)
    root = tree.root().hex()
    entry = Entry.objects.create(
        index=state.size, body=data.decode("utf-8"), leaf_hash=leaf.hex(), root=root,
        created_at=clock.now(), act=act, outcome=outcome,
    )
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


def _stream(batch: int = 5000) -> Iterator[tuple[int, str, str, str]]:
    last = -1
    while True:
        rows = list(
            Entry.objects.filter(index__gt=last).order_by("index").values_list("index", "body", "leaf_hash", "root")[:batch]
        )
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify(progress: Any = None) -> Problem | None:
    """Recompute every leaf hash and the tree root from the stored entry bytes.

    Returns the first problem found, or None when the log is intact: each entry's bytes hash to its
    stored leaf hash, indexes run 0, 1, 2, … without gaps, each entry's ``index`` field matches its
    place, the root after each checked entry matches the stored root, and the log state agrees.
    """
    tree = merkle.CompactRange()
    leaf_hash = merkle.leaf_hash
    expected = 0
    for index, body, stored_leaf, stored_root in _stream():
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
        tree.append(leaf)
        # Checking every root costs O(log n) per entry; check at powers of two and the end,
        # and fall back to every root when one fails, to name the first bad entry.
        if (index + 1) & index == 0:
            if tree.root().hex() != stored_root:
                return _first_bad_root(index)
        expected += 1
        if progress is not None:
            progress(1)
    state = LogState.objects.filter(id=1).first()
    size = state.size if state else 0
    if size != expected:
        return Problem(expected, f"the log state says {size} entries but {expected} are stored")
    if expected and tree.root().hex() != Entry.objects.get(index=expected - 1).root:
        return _first_bad_root(expected - 1)
    if state is not None and tree.root().hex() != state.root:
        return Problem(max(expected - 1, 0), "the stored log root does not match the entries")
    return None


def _first_bad_root(upto: int) -> Problem:
    tree = merkle.CompactRange()
    for index, body, _leaf, stored_root in _stream():
        tree.append(merkle.leaf_hash(body.encode("utf-8")))
        if tree.root().hex() != stored_root:
            return Problem(index, "the tree root stored after it does not match the entries before it")
        if index >= upto:
            break
    return Problem(upto, "the tree root does not match")
