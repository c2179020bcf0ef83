"""Queueing notices. Rows are written in the act's transaction (so a committed act never loses its
notices); delivery is kicked off after commit and done by the worker (charter.notices.tasks)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import translation

from charter.lib import clock
from charter.notices.models import Notice

CHUNK = 5000  # members rendered and written at a time: memory stays flat for a million members

# Every column a notice row has, in the order the rows are built (a test checks none is missing).
COLUMNS = (
    "member", "channel", "kind", "subject", "body", "language", "entry_index", "dedupe_key", "state",
    "attempts", "last_error", "created_at", "next_attempt_at", "last_attempt_at", "sent_at", "receipt", "read_at",
)


def queue(
    members: Iterable[Any],
    *,
    kind: str,
    render: Callable[[Any], tuple[str, str]] | Callable[[], tuple[str, str]],
    key: str,
    entry_index: int | None = None,
    channels: tuple[str, ...] = ("inbox", "email", "sms"),
) -> int:
    """Queue one notice per member per channel (email only to members with an address, SMS only to
    members with a phone number); returns how many were written. ``key`` makes queueing idempotent:
    the same key never sends twice to the same person (a row already queued under it is kept).

    ``render(member)`` returns (subject, body) and runs with the member's language active, so its
    gettext strings come out in their language; the transports send what it returned, unchanged.
    A ``render()`` that takes no member says the notice is the same for all who read a language: it
    is rendered once per language, and when ``members`` is a queryset the rows are written by the
    database in one statement, which makes a notice to a million members take seconds.

    Inbox notices are delivered by being written (sent at once, waiting to be read); the others
    are due at once and go out through the worker after the act commits."""
    for channel in channels:
        if channel not in Notice.Channel.values:
            raise ValueError(f"unknown notice channel {channel!r}")
    now = clock.now()
    personal = _takes_member(render)
    if isinstance(members, QuerySet) and not personal:
        total = _queue_in_database(members, kind=kind, render=render, key=key, entry_index=entry_index, channels=channels, now=now)
    else:
        rendered: dict[str, tuple[str, str]] = {}  # language -> (subject, body), for a render() without member
        total = 0
        for chunk in _chunks(members):
            total += _insert(list(_rows(chunk, kind=kind, render=render, personal=personal, rendered=rendered, key=key,
                                        entry_index=entry_index, channels=channels, now=now)))
    if total and any(channel != Notice.Channel.INBOX for channel in channels):
        transaction.on_commit(_kick_worker)
    return total


def _takes_member(render: Callable[..., Any]) -> bool:
    try:
        return len(inspect.signature(render).parameters) > 0
    except (TypeError, ValueError):  # a callable without a signature: call it as documented
        return True


def _chunks(members: Iterable[Any]) -> Iterator[list[Any]]:
    # A queryset is read in chunks rather than loaded whole (and not cached on the queryset), and not
    # sorted by the model's default ordering, which means nothing here.
    if isinstance(members, QuerySet):
        it = (members if members.query.order_by else members.order_by()).iterator(chunk_size=CHUNK)
    else:
        it = iter(members)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def _rows(chunk: list[Any], *, kind: str, render: Callable[..., tuple[str, str]], personal: bool,
          rendered: dict[str, tuple[str, str]], key: str, entry_index: int | None,
          channels: tuple[str, ...], now: Any) -> Iterator[tuple[Any, ...]]:
    at = connection.ops.adapt_datetimefield_value(now)
    by_language: dict[str, list[Any]] = {}
    for member in chunk:
        by_language.setdefault(member.language or "en", []).append(member)
    sent, queued = Notice.State.SENT.value, Notice.State.QUEUED.value
    for language, group in by_language.items():
        with translation.override(language):  # once per language and chunk, not once per member
            if not personal and language not in rendered:
                subject, body = render()
                rendered[language] = (str(subject), str(body))
            for member in group:
                if personal:
                    subject, body = render(member)
                    subject, body = str(subject), str(body)
                else:
                    subject, body = rendered[language]
                pk = member.pk
                for channel in channels:
                    if channel == "inbox":
                        yield (pk, channel, kind, subject, body, language, entry_index, f"{key}:{pk}:inbox", sent, 0, "", at, at, None, at, "", None)
                    elif member.email if channel == "email" else member.phone:
                        yield (pk, channel, kind, subject, body, language, entry_index, f"{key}:{pk}:{channel}", queued, 0, "", at, at, None, None, "", None)


def _names() -> tuple[str, str]:
    qn = connection.ops.quote_name
    return qn(Notice._meta.db_table), ", ".join(qn(Notice._meta.get_field(name).column) for name in COLUMNS)


def _insert(rows: list[tuple[Any, ...]]) -> int:
    """INSERT … ON CONFLICT DO NOTHING (a dedupe key already queued is skipped), the fastest way
    each database takes many rows from Python: SQLite binds one prepared statement per row, in C;
    PostgreSQL takes them by COPY into a temporary table, then in one INSERT … SELECT (COPY itself
    cannot skip conflicts). Either is several times faster than bulk_create. Returns rows written."""
    if not rows:
        return 0
    table, columns = _names()
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))}) ON CONFLICT DO NOTHING", rows)
            return cursor.rowcount
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS charter_notice_in AS SELECT {columns} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY charter_notice_in ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM charter_notice_in ON CONFLICT DO NOTHING")
        written = cursor.rowcount
        cursor.execute("TRUNCATE charter_notice_in")
        return written


def _queue_in_database(members: QuerySet[Any], *, kind: str, render: Callable[[], tuple[str, str]], key: str,
                       entry_index: int | None, channels: tuple[str, ...], now: Any) -> int:
    """The same rows as ``_rows`` makes, written by one INSERT … SELECT over the members' query:
    rendered once per language that occurs among them, nothing read into Python per member."""
    members = members.order_by()
    languages = sorted({language or "en" for language in members.values_list("language", flat=True).distinct()})
    if not languages:
        return 0
    texts = []
    for language in languages:
        with translation.override(language):
            subject, body = render()
        texts.append((language, str(subject), str(body)))
    people_sql, people_params = members.values_list("pk", "language", "email", "phone").query.sql_with_params()
    at = connection.ops.adapt_datetimefield_value(now)
    table, columns = _names()
    lang = "COALESCE(NULLIF(p.lang, ''), 'en')"
    subject_case = f"CASE {lang} " + " ".join(["WHEN %s THEN %s"] * len(texts)) + " END"
    inbox = Notice.Channel.INBOX.value
    channel_rows = " UNION ALL ".join(["SELECT %s"] * len(channels))
    sql = (
        f"INSERT INTO {table} ({columns}) "  # the WITH after INSERT: Python's sqlite3 counts rows only then
        f"WITH p(id, lang, email, phone) AS ({people_sql}), c(channel) AS ({channel_rows}) "
        f"SELECT p.id, c.channel, %s, {subject_case}, {subject_case}, {lang}, CAST(%s AS BIGINT), %s || p.id || ':' || c.channel, "
        f"CASE WHEN c.channel = %s THEN %s ELSE %s END, 0, '', %s, %s, NULL, CASE WHEN c.channel = %s THEN %s END, '', NULL "
        "FROM p CROSS JOIN c "
        "WHERE c.channel = %s OR (c.channel = 'email' AND COALESCE(p.email, '') <> '') OR (c.channel = 'sms' AND COALESCE(p.phone, '') <> '') "
        "ON CONFLICT DO NOTHING"
    )
    params = [
        *people_params, *channels,
        kind, *[v for language, subject, _body in texts for v in (language, subject)],
        *[v for language, _subject, body in texts for v in (language, body)],
        entry_index, f"{key}:", inbox, Notice.State.SENT.value, Notice.State.QUEUED.value, at, at, inbox, at, inbox,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        written = cursor.rowcount
        if connection.vendor == "postgresql" and written >= 10_000:
            # Tell the planner the queue has grown (autovacuum would, a minute from now): without it
            # the worker's first claims read the whole queue instead of its first rows by index.
            cursor.execute(f"ANALYZE {table}")
        return written


def _kick_worker() -> None:
    from charter.notices.tasks import deliver_queued

    try:
        deliver_queued.enqueue()
    except Exception:  # noqa: BLE001 - the worker's periodic sweep picks the rows up anyway
        pass
