"""Appending to the record and verifying it. Callers append inside their act's transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from charter.lib import clock, merkle
from charter.lib.canonical import canonical_json
from charter.record import audit
from charter.record.audit import Problem
from charter.record.models import Entry, EntrySubject, LogState, Node, Subject

ENTRY_VERSION = 1


def commitment_for(member: Any) -> Subject:
    """The subject row (with its salted commitment) that stands for ``member`` on the log."""
    subject = Subject.objects.filter(member=member).first()
    if subject is not None:
        return subject
    salt = secrets.token_hex(32)
    digest = hashlib.sha256(bytes.fromhex(salt) + f"member:{member.pk}".encode()).hexdigest()
    # Made outside the log's lock, so two first acts of one person may race: the second waits for the
    # first to commit, inserts nothing and reads the first's row.
    Subject.objects.bulk_create([Subject(member=member, commitment=digest, salt=salt)], ignore_conflicts=True)
    return Subject.objects.get(member=member)


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
    actor_subject = commitment_for(actor) if actor is not None else None
    subject_rows = [commitment_for(m) for m in subjects]
    # From here to the commit every act waits for the one before: keep this part short.
    state = _locked_state()
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


def verify(progress: Any = None) -> Problem | None:
    """Recompute the stored record and check it against its checkpoints (see ``record.audit``)."""
    return audit.verify(progress)
