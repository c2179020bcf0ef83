"""The worker's side of the outbox: deliver due notices, each once, retrying failures with backoff.

A round claims a batch of due notices in one short transaction: the rows are locked (PostgreSQL:
``FOR UPDATE SKIP LOCKED``, so two workers never take the same row; SQLite: the write lock), still
queued and due, and the claim counts the attempt and moves ``next_attempt_at`` a lease ahead, so no
other worker takes them while they are being sent. No lock is held while a transport talks to the
outside world. Each outcome is written as soon as it is known, guarded by the state (only a queued
row becomes sent or failed): a sent notice is never claimed again, and its transport's receipt
and the time are kept. A failed attempt puts the notice back in the queue after a backoff
(30 s, 1 min, 2 min, … at most an hour); after ``MAX_ATTEMPTS`` attempts it is failed, for good
and for all to see (the member's inbox, the admin, the log). When a transport says its service is
unavailable, the channel's other notices in the batch are left for a later round: one probe per
round, not a timeout per notice, and the other channels go on.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from charter.lib import clock
from charter.notices.models import Notice
from charter.notices.transports import Transport, TransportNotSetUp, Unavailable, transport_for
from charter.progress import background, kinds
from charter.progress.models import Operation
from charter.progress.track import Tracker

MAX_ATTEMPTS = 12  # with the backoff below: about five hours of trying
BACKOFF_FIRST = dt.timedelta(seconds=30)
BACKOFF_CAP = dt.timedelta(hours=1)
LEASE = dt.timedelta(minutes=10)  # a claimed notice not finished by then (the worker died) is due again

log = logging.getLogger("charter.notices")


def backoff(attempts: int) -> dt.timedelta:
    """How long a notice waits after its ``attempts``-th failed attempt."""
    return min(BACKOFF_FIRST * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_CAP)


def claim(limit: int) -> list[Notice]:
    """Take up to ``limit`` due notices for this worker (see the module's docstring)."""
    now = clock.now()
    due = Notice.objects.filter(state=Notice.State.QUEUED, next_attempt_at__lte=now).exclude(channel=Notice.Channel.INBOX)
    if not due.exists():  # the usual case: no write transaction (on SQLite, no write lock)
        return []
    with transaction.atomic():
        ids = list(due.order_by("next_attempt_at", "id").select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
        if not ids:
            return []
        Notice.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + LEASE)
        return list(Notice.objects.filter(pk__in=ids).select_related("member").order_by("id"))


def deliver_batch(limit: int = 500) -> int:
    """Claim up to ``limit`` due notices and send each through its channel; returns how many were sent."""
    return _deliver(limit)[1]


def deliver_due(seconds: float = 60.0, limit: int = 500) -> int:
    """Deliver batch after batch while full batches go out, for up to about ``seconds``; returns how
    many were sent. A batch that sends nothing (its channels are down) ends the sweep. A large
    delivery (``BULK`` due notices or more) is followed by a progress row across sweeps."""
    started = time.monotonic()
    total = 0
    tracker = _bulk_tracker(limit)
    claimed = 0
    try:
        while True:
            claimed, sent = _deliver(limit)
            total += sent
            if tracker is not None:
                tracker.advance(claimed)
            if claimed < limit or sent == 0 or time.monotonic() - started > seconds:
                return total
    finally:
        if tracker is not None and claimed < limit:  # the queue is empty: the delivery is over
            tracker.finish(result={"sent": tracker.done})
        elif tracker is not None:
            tracker.flush()  # carried on by the next sweep


BULK = 1000  # due notices from which a delivery gets a progress row (and a bar in the worker's terminal)
BULK_KIND = "deliver_notices"


def _bulk_tracker(limit: int) -> Tracker | None:
    """The progress of a large delivery: the running one carried on, or a new one when at least
    ``BULK`` notices are due. One cheap look first: no count unless a full batch is due."""
    running = Operation.objects.filter(kind=BULK_KIND, state=Operation.State.RUNNING).order_by("-pk").first()
    due = Notice.objects.filter(state=Notice.State.QUEUED, next_attempt_at__lte=clock.now()).exclude(channel=Notice.Channel.INBOX)
    if running is None and len(due.values_list("pk", flat=True)[:BULK]) < BULK:
        return None
    remaining = due.count()
    if running is None:
        tracker = Tracker(background.record(BULK_KIND, total=remaining), label="notices")
        tracker.start(total=remaining, step=Operation.Step.SENDING)
        return tracker
    tracker = Tracker(running, label="notices")
    tracker.total = max(running.total or 0, running.done + remaining)
    return tracker


def _deliver(limit: int) -> tuple[int, int]:
    notices = claim(limit)
    if not notices:
        return 0, 0
    started = time.monotonic()
    transports: dict[str, Transport] = {}
    paused: set[str] = set()
    tried: set[int] = set()
    sent = 0
    try:
        for notice in notices:
            if notice.channel in paused or time.monotonic() - started > LEASE.total_seconds() / 2:
                continue
            tried.add(notice.pk)  # from here on an unfinished notice waits for its lease to run out
            try:
                if notice.channel not in transports:
                    transports[notice.channel] = transport_for(notice.channel)
                receipt = transports[notice.channel].send(notice)
            except (Unavailable, TransportNotSetUp) as exc:  # the service is down, or not set up here
                _failed(notice, exc)
                paused.add(notice.channel)
                continue
            except Exception as exc:  # noqa: BLE001 - any other failure: this notice, later
                _failed(notice, exc)
                continue
            _sent(notice, receipt)
            sent += 1
    finally:
        for transport in transports.values():
            try:
                getattr(transport, "close", lambda: None)()
            except Exception:  # noqa: BLE001 - a connection that will not close cleanly is gone anyway
                pass
        # Claimed but not tried (a paused channel, a long round): due again, the attempt not counted;
        # a paused channel's after the first backoff, when the next round probes it again.
        now = clock.now()
        for wait, ids in ((BACKOFF_FIRST, [n.pk for n in notices if n.pk not in tried and n.channel in paused]),
                          (dt.timedelta(0), [n.pk for n in notices if n.pk not in tried and n.channel not in paused])):
            if ids:
                Notice.objects.filter(pk__in=ids, state=Notice.State.QUEUED).update(attempts=F("attempts") - 1, next_attempt_at=now + wait)
    return len(notices), sent


def _sent(notice: Notice, receipt: str) -> None:
    # Once per notice, committed at once (in autocommit, the statement is its own transaction): the
    # ORM's query building would cost more than the statement, so it is written out.
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Notice._meta.db_table)} SET {qn('state')} = %s, {qn('sent_at')} = %s, {qn('receipt')} = %s "
            f"WHERE {qn('id')} = %s AND {qn('state')} = %s",
            [Notice.State.SENT.value, connection.ops.adapt_datetimefield_value(clock.now()), str(receipt)[:200], notice.pk, Notice.State.QUEUED.value],
        )


def _failed(notice: Notice, exc: Exception) -> None:
    final = notice.attempts >= MAX_ATTEMPTS
    error = f"{type(exc).__name__}: {exc}"[:500]
    Notice.objects.filter(pk=notice.pk, state=Notice.State.QUEUED).update(
        state=Notice.State.FAILED if final else Notice.State.QUEUED, last_error=error,
        next_attempt_at=clock.now() + backoff(notice.attempts),
    )
    if final:
        log.warning("notice %s (%s, %s) failed after %s attempts: %s", notice.pk, notice.channel, notice.kind, notice.attempts, error)


kinds.register(BULK_KIND, label=_("Sending a large batch of notices"),
               may_see=lambda user, op: bool(getattr(user, "is_staff", False)))  # who administers the outbox


@task()
def deliver_queued() -> int:
    """Kicked after an act commits: deliver what is due now (the worker's rounds do the rest)."""
    return deliver_due(seconds=300.0)
