"""Appending to the record and verifying it. Callers append inside their act's transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from charter.lib import clock, merkle, planner
from charter.lib.canonical import canonical_json
from charter.record import audit
from charter.record.audit import Problem
from charter.record.models import Entry, EntrySubject, LogState, Node, Subject

ENTRY_VERSION = 1
# The tables every act writes, analyzed each time the log doubles (charter.lib.planner)
GROWING = tuple(m._meta.db_table for m in (Entry, EntrySubject, Subject, Node))


def commitment_for(member: Any) -> Subject:
    """The subject row (with its salted commitment) that stands for ``member`` on the log."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        return _subject_postgresql(connection, member)
    subject = Subject.objects.filter(member=member).first()
    if subject is not None:
        return subject
    salt, digest = _new_commitment(member)
    # Made outside the log's lock, so two first acts of one person may race: the second waits for the
    # first to commit, inserts nothing and reads the first's row.
    Subject.objects.bulk_create(
        [Subject(member=member, commitment=digest, salt=salt)], ignore_conflicts=True
    )
    return Subject.objects.get(member=member)


def _new_commitment(member: Any) -> tuple[str, str]:
    salt = secrets.token_hex(32)
    return salt, hashlib.sha256(bytes.fromhex(salt) + f"member:{member.pk}".encode()).hexdigest()


# The person's subject, made if it is not there yet, in one round trip: the insert's row when it
# made one, else the row already there (the data-modifying part runs once whatever the rest reads).
_SUBJECT = """
WITH made AS (
    INSERT INTO record_subject (member_id, commitment, salt) VALUES (%s, %s, %s)
    ON CONFLICT DO NOTHING RETURNING id, commitment
)
SELECT id, commitment FROM made
UNION ALL
SELECT id, commitment FROM record_subject WHERE member_id = %s
LIMIT 1
"""


def _subject_postgresql(connection: Any, member: Any) -> Subject:
    salt, digest = _new_commitment(member)
    with connection.cursor() as cursor:
        cursor.execute(_SUBJECT, [member.pk, digest, salt, member.pk])
        row = cursor.fetchone()
    if row is None:  # another act made it and committed after this statement began: read it now
        return Subject.objects.get(member=member)
    subject = Subject(id=row[0], member_id=member.pk, commitment=row[1])
    subject._state.adding, subject._state.db = False, connection.alias
    return subject


def _locked_state() -> LogState:
    state = LogState.objects.select_for_update().filter(id=1).first()
    if state is None:
        LogState.objects.get_or_create(
            id=1, defaults={"root": merkle.EMPTY_ROOT.hex(), "compact": []}
        )
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
    # the actor may come as their subject already (an act that made it before taking its own lock)
    actor_subject = actor if isinstance(actor, Subject) or actor is None else commitment_for(actor)
    subject_rows = [commitment_for(m) for m in subjects]
    # From here to the commit every act waits for the one before: keep this part short.
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        entry = _append_postgresql(
            connection, act, outcome, actor_subject, subject_rows, detail, articles
        )
        if entry is not None:
            return _grown(entry)
    state = _locked_state()
    now = clock.now()
    data = _entry_bytes(
        state.size, now, act, outcome, actor_subject, subject_rows, detail, articles
    )
    leaf = merkle.leaf_hash(data)
    tree = merkle.CompactRange.from_list(state.size, state.compact)
    completed = tree.append_with_subtrees(leaf)
    entry = Entry.objects.create(
        index=state.size,
        body=data.decode("utf-8"),
        leaf_hash=leaf.hex(),
        created_at=now,
        act=act,
        outcome=outcome,
    )
    if len(completed) > 1:  # the leaf itself is the first; it is stored on the entry
        Node.objects.bulk_create(
            [Node(key=Node.key_for(lo, hi), hash=h.hex()) for lo, hi, h in completed[1:]]
        )
    state.size = tree.size
    state.compact = tree.to_list()
    state.root = tree.root().hex()
    state.save(update_fields=["size", "compact", "root"])
    EntrySubject.objects.bulk_create(
        [
            EntrySubject(entry=entry, subject_id=sid, role=role)
            for sid, role in _links(actor_subject, subject_rows)
        ]
    )
    return _grown(entry)


def _grown(entry: Entry) -> Entry:
    if planner.doubled(entry.index + 1):
        planner.analyze_after_commit(GROWING)
    return entry


def _entry_bytes(
    index: int,
    now: Any,
    act: str,
    outcome: str,
    actor: Subject | None,
    subjects: list[Subject],
    detail: Mapping[str, Any] | None,
    articles: Iterable[str],
) -> bytes:
    return canonical_json(
        {
            "v": ENTRY_VERSION,
            "index": index,
            "time": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "act": act,
            "outcome": outcome,
            "actor": f"p:{actor.commitment}" if actor else "charter",
            "subjects": [f"p:{s.commitment}" for s in subjects],
            "articles": list(articles),
            "detail": dict(detail or {}),
        }
    )


def _links(actor: Subject | None, subjects: list[Subject]) -> list[tuple[int, str]]:
    links = [(pk, "subject") for pk in {s.pk: s for s in subjects}]
    if actor is not None:
        links.append((actor.pk, "actor"))
    return links


# On PostgreSQL the append is one call (migration 0004): the function takes the log's lock, gives the
# entry its index, hashes it, stores the subtrees it completes, the new right edge and root, and the
# entry's subjects, so the lock is held for that statement and the commit, and no longer.
_APPEND = "SELECT * FROM charter_record_append(%s, %s, %s, %s, %s, %s::bigint[], %s::varchar[])"
_INDEX_MARK = b'"index":-1,"outcome":'  # where the index goes: the last top-level key before outcome


def _append_postgresql(
    connection: Any,
    act: str,
    outcome: str,
    actor: Subject | None,
    subjects: list[Subject],
    detail: Mapping[str, Any] | None,
    articles: Iterable[str],
) -> Entry | None:
    """What ``append`` does, in one statement; None when the log state does not exist yet."""
    now = clock.now()
    # The entry's bytes with the index left out: the function puts it in under the lock. Keys are
    # sorted, so the top-level "index" is the last one before "outcome" (a key of the detail comes
    # earlier; a string cannot hold an unescaped quote).
    head, mark, tail = _entry_bytes(-1, now, act, outcome, actor, subjects, detail, articles).rpartition(_INDEX_MARK)
    assert mark, "the entry's bytes have no index"
    links = _links(actor, subjects)
    with connection.cursor() as cursor:
        cursor.execute(
            _APPEND,
            [
                (head + b'"index":').decode("utf-8"),
                (b',"outcome":' + tail).decode("utf-8"),
                now,
                act,
                outcome,
                [pk for pk, _role in links],
                [role for _pk, role in links],
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    entry_id, index, leaf, body = row
    entry = Entry(id=entry_id, index=index, body=body, leaf_hash=leaf, created_at=now, act=act, outcome=outcome)
    entry._state.adding = False
    entry._state.db = connection.alias
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
