"""Appending to the record and verifying it. Callers append inside their act's transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

import psycopg
from django.db import transaction
from django.db.models import Max

from charter.lib import clock, merkle, planner
from charter.lib.canonical import canonical_json
from charter.record import audit, integration
from charter.record.audit import Problem
from charter.record.models import Entry, EntrySubject, Subject

ENTRY_VERSION = 1
# The tables every act writes, analyzed each time the log doubles (charter.lib.planner)
GROWING = tuple(m._meta.db_table for m in (Entry, EntrySubject, Subject))


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


def append(
    act: str,
    outcome: str,
    *,
    actor: Any = None,
    subjects: Iterable[Any] = (),
    detail: Mapping[str, Any] | None = None,
    articles: Iterable[str] = (),
) -> Entry:
    """Append one entry. Must run inside the transaction that performs the act.

    The entry gets its index, its bytes and their leaf hash; the tree over it is built once the act
    has committed (``record.integration``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record.append must run inside the act's transaction")
    # the actor may come as their subject already (an act that made it before)
    actor_subject = actor if isinstance(actor, Subject) or actor is None else commitment_for(actor)
    subject_rows = [commitment_for(m) for m in subjects]
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        entry = _append_postgresql(connection, act, outcome, actor_subject, subject_rows, detail, articles)
        return _grown(entry)
    # SQLite: the act's transaction holds the database's one write lock from its start, so the next
    # index is free until it commits, and is free again if it rolls back
    now = clock.now()
    last = Entry.objects.aggregate(last=Max("index"))["last"]
    index = 0 if last is None else last + 1
    data = entry_bytes(index, now, act, outcome, actor_subject, subject_rows, detail, articles)
    entry = Entry.objects.create(
        index=index,
        body=data.decode("utf-8"),
        leaf_hash=merkle.leaf_hash(data).hex(),
        created_at=now,
        act=act,
        outcome=outcome,
    )
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


def entry_bytes(
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


# On PostgreSQL the append is one call (migration 0005): the function takes the entry's index from a
# sequence, puts it into the bytes, hashes them and writes the entry and its subjects. It takes no
# lock: acts append and commit side by side.
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
) -> Entry:
    """What ``append`` does, in one statement."""
    now = clock.now()
    # The entry's bytes with the index left out: the function puts it in. Keys are
    # sorted, so the top-level "index" is the last one before "outcome" (a key of the detail comes
    # earlier; a string cannot hold an unescaped quote).
    head, mark, tail = entry_bytes(-1, now, act, outcome, actor, subjects, detail, articles).rpartition(_INDEX_MARK)
    assert mark, "the entry's bytes have no index"
    links = _links(actor, subjects)
    # A cursor of the driver's own that binds on the server, and the call prepared once per
    # connection (Django's cursors bind on the client: the statement's text quoted and parsed every
    # time); Django's checks and error classes kept.
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
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
            prepare=True,
        )
        row = cursor.fetchone()
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
    """Integrate what was appended since, then recompute the stored record and check it against its
    checkpoints (see ``record.audit``). An entry that integration could not take is reported when
    the audit of the tree finds nothing before it."""
    waiting = integration.integrate()
    return audit.verify(progress) or waiting
