"""A poll's live state, pushed to every open connection at a bounded rate (decision 0009).

While anyone listens, ONE reader per poll per server process reads the poll's public state from the
database at most once every ``LIVE_INTERVAL`` seconds and, when it changed, wakes every connection
in the process, each of which sends the new state as one server-sent event. A vote therefore costs
the connections nothing, and a connection costs the database nothing after its first check: 2,000
phones on one poll mean one small query every half second, not one per phone per vote.

The state is the same for everyone who may see the poll: before publication only its state and
turnout (a secret ballot tells nothing more, and neither does a named vote until it is published);
once published, the result's summary. Nothing here writes.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections, connection

from charter.voting import queries
from charter.voting.models import Poll
from charter.voting.permissions import get_poll_for

log = logging.getLogger("charter.live")

Reader = Callable[[int], Awaitable[dict[str, Any] | None]]


def snapshot(poll_id: int) -> dict[str, Any] | None:
    """The poll's public state now, in two queries (three once published)."""
    poll = Poll.objects.filter(pk=poll_id).first()
    if poll is None:
        return None
    t = queries.turnout(poll)
    published = poll.state == Poll.State.PUBLISHED
    return {
        "poll": poll.pk, "state": poll.state, "voted": t.voted, "electorate": t.electorate, "percent": t.percent,
        "result": queries.result_summary(poll) if published else None,
    }


def release_connection() -> None:
    """Give this thread's database connection back (to the pool), as the end of a request does: a
    stream lasts as long as its page is open and must not hold a connection meanwhile. (Not inside
    a transaction, such as a test's.)"""
    if not connection.in_atomic_block:
        close_old_connections()


def _read_and_release(poll_id: int) -> dict[str, Any] | None:
    try:
        return snapshot(poll_id)
    finally:
        release_connection()


def poll_for_stream(user: Any, pk: int) -> int:
    """The poll's id if ``user`` may see its page (else 404), with the connection given back."""
    try:
        return get_poll_for(user, pk, published=True)[0].pk
    finally:
        release_connection()


async def read(poll_id: int) -> dict[str, Any] | None:
    return await sync_to_async(_read_and_release, thread_sensitive=True)(poll_id)


class Channel:
    """The listeners of one poll in this process and the one reader that serves them all."""

    def __init__(self, poll_id: int, *, interval: float, reader: Reader) -> None:
        self.poll_id = poll_id
        self.interval = interval
        self.reader = reader
        self.listeners = 0
        self.version = 0  # how many different states have been read
        self.data = ""  # the last state, as the event's JSON
        self.reads = 0
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None or self._task.done():
            # A context of its own, so the reader outlives the request that started it.
            self._task = asyncio.get_running_loop().create_task(self._run(), context=contextvars.Context())

    async def _run(self) -> None:
        try:
            while self.listeners > 0:
                try:
                    state = await self.reader(self.poll_id)
                except Exception:  # noqa: BLE001 - the database may be away a moment; keep the listeners
                    log.exception("reading poll %s failed; will retry", self.poll_id)
                else:
                    self.reads += 1
                    data = json.dumps(state, separators=(",", ":"), sort_keys=True)
                    if data != self.data:
                        self.data, self.version = data, self.version + 1
                        self._changed.set()
                        self._changed = asyncio.Event()
                await asyncio.sleep(self.interval)
        finally:
            if _channels.get(self.poll_id) is self and self.listeners <= 0:
                del _channels[self.poll_id]

    async def wait(self, timeout: float) -> bool:
        """Until the state changes (True) or ``timeout`` seconds pass (False)."""
        try:
            async with asyncio.timeout(timeout):  # not wait_for, which can swallow a cancellation in 3.11
                await self._changed.wait()
        except TimeoutError:
            return False
        return True


_channels: dict[int, Channel] = {}


def channel(poll_id: int, *, reader: Reader | None = None) -> Channel:
    ch = _channels.get(poll_id)
    if ch is None:
        ch = _channels[poll_id] = Channel(poll_id, interval=settings.LIVE_INTERVAL, reader=reader or read)
    return ch


async def events(poll_id: int, *, heartbeat: float | None = None, reader: Reader | None = None) -> AsyncIterator[bytes]:
    """The server-sent events of one connection: ``state`` whenever the state changed, a comment
    line as a heartbeat when nothing did for ``heartbeat`` seconds."""
    beat = settings.LIVE_HEARTBEAT if heartbeat is None else heartbeat
    ch = channel(poll_id, reader=reader)
    ch.listeners += 1
    ch.start()
    seen = 0
    try:
        yield b"retry: 3000\n\n"
        while True:
            if ch.version != seen and ch.data != "null":
                seen = ch.version
                yield f"event: state\ndata: {ch.data}\n\n".encode()
            if not await ch.wait(beat):
                yield b": heartbeat\n\n"
    finally:
        ch.listeners -= 1
