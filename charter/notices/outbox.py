"""Queueing notices. Rows are written in the act's transaction (so a committed act never loses its
notices); delivery is kicked off after commit and done by the worker (charter.notices.tasks)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import translation

from charter.lib import clock
from charter.notices.models import Notice


def queue(
    members: Iterable[Any],
    *,
    kind: str,
    render: Callable[[Any], tuple[str, str]],
    key: str,
    entry_index: int | None = None,
    channels: tuple[str, ...] = ("inbox", "email", "sms"),
) -> int:
    """Queue one notice per member per channel. ``render(member)`` returns (subject, body) and runs
    with the member's language active, so its gettext strings come out in their language.
    ``key`` makes queueing idempotent: the same key never sends twice to the same person."""
    now = clock.now()
    rows = []
    for member in members:
        with translation.override(member.language or "en"):
            subject, body = render(member)
        for channel in channels:
            if channel == "email" and not member.email:
                continue
            if channel == "sms" and not member.phone:
                continue
            rows.append(
                Notice(
                    member=member, channel=channel, kind=kind, subject=subject, body=body,
                    language=member.language or "en", entry_index=entry_index,
                    dedupe_key=f"{key}:{member.pk}:{channel}", created_at=now,
                    state=Notice.State.SENT if channel == "inbox" else Notice.State.QUEUED,
                    sent_at=now if channel == "inbox" else None,
                )
            )
    Notice.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    if any(r.channel != "inbox" for r in rows):
        transaction.on_commit(_kick_worker)
    return len(rows)


def _kick_worker() -> None:
    from charter.notices.tasks import deliver_queued

    try:
        deliver_queued.enqueue()
    except Exception:  # noqa: BLE001 - the worker's periodic sweep picks the rows up anyway
        pass
