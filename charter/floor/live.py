"""A conference's live state, pushed to the hall screen and every phone at a bounded rate.

The pattern of ``voting.live`` (decision 0009): per server process, ONE reader per conference that
someone watches looks at the hall's version every ``FLOOR_LIVE_INTERVAL`` seconds (one tiny query),
reads ``queries.snapshot`` when it moved or at least every ``LIVE_INTERVAL`` seconds, and wakes
every connection of the process when the state changed; each connection then sends it as one event. A
speaker's remaining time is not pushed: the state carries the deadline and the server's time, and
the screens count down themselves (decision 0015).

Each event's id is a short hash of the state. A client that reconnects sends it back
(``Last-Event-ID``) and is sent the state at once unless it already has exactly this state, so a
phone that lost its connection catches up with everything it missed in one event.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings

from charter.floor import queries
from charter.floor.models import Hall
from charter.lib import clock
from charter.voting import live as poll_live
from charter.voting.live import Reader

# Per process: the last full state read per conference, its hall version and when it was read.
_last: dict[int, tuple[int, float, dict[str, Any] | None]] = {}


def _read_and_release(conference_id: int) -> dict[str, Any] | None:
    """The state, read in full only when the hall's version moved (one tiny query tells) or
    ``LIVE_INTERVAL`` has passed since the last full read (turnout and question counts move
    without the version). The reader asks every ``FLOOR_LIVE_INTERVAL``, so an act of the chair
    reaches the screens within a fraction of a second without a full read ten times a second."""
    try:
        version = (
            Hall.objects.filter(conference_id=conference_id)
            .values_list("version", flat=True)
            .first()
            or 0
        )
        cached = _last.get(conference_id)
        now = time.monotonic()
        if cached is not None and cached[0] == version and now - cached[1] < settings.LIVE_INTERVAL:
            return cached[2]
        state = queries.snapshot(conference_id)
        _last[conference_id] = (version, now, state)
        return state
    finally:
        poll_live.release_connection()


async def read(conference_id: int) -> dict[str, Any] | None:
    return await sync_to_async(_read_and_release, thread_sensitive=True)(conference_id)


class Channel(poll_live.Channel):
    """The listeners of one conference in this process and the one reader that serves them all."""

    async def _run(self) -> None:
        try:
            await super()._run()
        finally:
            if _channels.get(self.poll_id) is self and self.listeners <= 0:
                del _channels[self.poll_id]


_channels: dict[int, Channel] = {}


def channel(conference_id: int, *, reader: Reader | None = None) -> Channel:
    ch = _channels.get(conference_id)
    if ch is None:
        ch = _channels[conference_id] = Channel(
            conference_id, interval=settings.FLOOR_LIVE_INTERVAL, reader=reader or read
        )
    return ch


def event_id(data: str) -> str:
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def frame(data: str) -> bytes:
    """One ``state`` event: the state with the server's time (for the countdown), and its id."""
    now = clock.now().isoformat().replace("+00:00", "Z")
    return (
        f'id: {event_id(data)}\nevent: state\ndata: {{"now":"{now}","state":{data}}}\n\n'.encode()
    )


async def events(
    conference_id: int,
    *,
    last_event_id: str = "",
    heartbeat: float | None = None,
    reader: Reader | None = None,
) -> AsyncIterator[bytes]:
    """The server-sent events of one connection: the state on connect (unless ``last_event_id``
    says the client has it) and whenever it changes; a comment line as a heartbeat otherwise."""
    beat = settings.LIVE_HEARTBEAT if heartbeat is None else heartbeat
    ch = channel(conference_id, reader=reader)
    ch.listeners += 1
    ch.start()
    seen = 0
    try:
        yield b"retry: 2000\n\n"
        if ch.data and last_event_id and event_id(ch.data) == last_event_id:
            seen = ch.version
        while True:
            if ch.version != seen and ch.data and ch.data != "null":
                seen = ch.version
                if not (last_event_id and event_id(ch.data) == last_event_id):
                    yield frame(ch.data)
                last_event_id = ""
            if not await ch.wait(beat):
                yield b": heartbeat\n\n"
    finally:
        ch.listeners -= 1
