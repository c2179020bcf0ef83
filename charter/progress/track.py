"""What running code calls to say how far it has gone: the operation's row and, in a terminal, a bar.

``Tracker(op)`` writes the row at most every ``PROGRESS_INTERVAL`` seconds (and at once when the
step changes, when it starts and when it ends), so a loop may call ``advance`` per item. With
``echo`` (a terminal's stream) it also draws a bar there: the one helper the commands share. A
tracker without a row (``Tracker(None, echo=...)``) only draws.

Inside an all-or-nothing act the row's updates are part of the act's transaction: others see them
when it commits. There the tracker also writes its figures to the operation's beacon file
(``beacon.py``), which the page reads meanwhile (decision 0018). An act reports how far it has gone
with ``report`` or ``counted``, which speak to the tracker of the operation running it, if any.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from charter.lib import clock, dates
from charter.lib.errors import InvalidInput
from charter.progress import beacon
from charter.progress.models import Operation

log = logging.getLogger("charter.progress")
T = TypeVar("T")

# Set by `charter worker` in a terminal: the operations this process runs also draw their bars there.
_echo: TextIO | None = None


# The tracker of the operation this thread is running (set by ``running``): what ``report`` and
# ``counted`` speak to, so that an act reports its progress without being given a tracker.
_current: ContextVar[Tracker | None] = ContextVar("charter_progress_tracker", default=None)


def report(step: str, *, done: int, total: int | None = None) -> None:
    """How far the running operation's act has gone in ``step``; nothing when no operation runs it."""
    tracker = _current.get()
    if tracker is None:
        return
    if step != tracker.step or total != tracker.total:
        tracker.begin_step(step, total=total)
    if done > tracker.done:
        tracker.advance(done - tracker.done)


def counted(items: Iterable[T], step: str, *, total: int | None, start: int = 0) -> Iterator[T]:
    """``items`` as they are, each counted in ``step`` of the running operation (from ``start`` of
    ``total``), if an operation runs this."""
    tracker = _current.get()
    if tracker is None:
        yield from items
        return
    report(step, done=start, total=total)
    for item in items:
        yield item
        tracker.advance()


def echo_to(stream: TextIO | None) -> None:
    global _echo
    _echo = stream


class Tracker:
    def __init__(
        self,
        op: Operation | None,
        *,
        echo: TextIO | None = None,
        label: str = "",
        interval: float | None = None,
    ) -> None:
        self.op = op
        self.interval = float(settings.PROGRESS_INTERVAL) if interval is None else interval
        self.done = op.done if op is not None else 0
        self.total = op.total if op is not None else None
        self.step = op.step if op is not None else ""
        self._written = 0.0
        self._bar: Any = None
        stream = echo if echo is not None else _echo
        if stream is not None:
            from tqdm import tqdm

            self._bar = tqdm(
                total=self.total,
                file=stream,
                desc=label or (op.kind if op is not None else ""),
                unit=" items",
                leave=True,
                disable=not _is_terminal(stream),
                delay=0.5,
            )

    # --- what running code calls -------------------------------------------------------------------

    def start(self, *, total: int | None = None, step: str = "") -> None:
        """Running now, with ``total`` items to do (None: not known)."""
        self.total, self.step, self.done = total, step, 0
        if self._bar is not None:
            self._bar.reset(total=total)
            self._describe()
        self._write(state=Operation.State.RUNNING, started=True)

    def begin_step(self, step: str, *, total: int | None = None) -> None:
        """A new step of the work, counted from 0 to ``total`` (None: one step, not counted)."""
        self.step, self.total, self.done = step, total, 0
        if self._bar is not None:
            self._bar.reset(total=total)
            self._describe()
        self._write()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.total is not None and self.done > self.total:
            self.total = self.done
        if self._bar is not None:
            self._bar.update(n)
        if time.monotonic() - self._written >= self.interval:
            self._write()

    def flush(self) -> None:
        """Write the row now (a loop that ends without finishing, e.g. a sweep to be carried on)."""
        self._write()

    def finish(
        self,
        *,
        result: dict[str, Any] | None = None,
        output: bytes | None = None,
        output_name: str = "",
        output_type: str = "",
    ) -> None:
        if self.total is not None:
            self.done = self.total
        if self._bar is not None:
            self._bar.n = self.done
            self._bar.refresh()
            self._bar.close()
        extra: dict[str, Any] = {"result": result or {}}
        if output is not None:
            extra.update(output=output, output_name=output_name[:120], output_type=output_type[:60])
        self._write(state=Operation.State.DONE, finished=True, **extra)

    def fail(self, message: str) -> None:
        if self._bar is not None:
            self._bar.close()
        self._write(
            state=Operation.State.FAILED,
            finished=True,
            error=str(message)[:2000] or _("The operation failed."),
        )

    # --- writing -----------------------------------------------------------------------------------

    def _describe(self) -> None:
        label = dict(Operation.Step.choices).get(self.step, "")
        if label and self._bar is not None:
            self._bar.set_description_str(str(label))

    def _write(
        self,
        *,
        state: str | None = None,
        started: bool = False,
        finished: bool = False,
        **fields: Any,
    ) -> None:
        self._written = time.monotonic()
        if self.op is None or self.op.pk is None:
            return
        now = clock.now()
        values: dict[str, Any] = {
            "done": self.done,
            "total": self.total,
            "step": self.step,
            "updated_at": now,
            **fields,
        }
        if state is not None:
            values["state"] = state
        if started:
            values["started_at"] = now
        if finished:
            values["finished_at"] = now
        Operation.objects.filter(pk=self.op.pk).update(**values)
        for key, value in values.items():
            setattr(self.op, key, value)
        if finished:
            beacon.clear(self.op.pk)
        elif transaction.get_connection().in_atomic_block:  # others see the row when the act commits
            beacon.write(self.op, done=self.done, total=self.total, step=self.step, at=now)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def running(op: Operation, *, label: str = "") -> Iterator[Tracker]:
    """Run an operation's work: marks it running, in its starter's language; on an exception marks
    it failed with a readable message (the exception's own text for the errors Charter raises for
    people, a plain sentence for anything else, which is logged) and does not raise it again."""
    tracker = Tracker(op, label=label)
    token = _current.set(tracker)
    with translation.override(op.language or settings.LANGUAGE_CODE):
        tracker.start()
        try:
            yield tracker
        except InvalidInput as exc:  # wrong before any rule was asked: its message says what
            tracker.fail(str(exc))
        except Exception as exc:  # noqa: BLE001 - a refusal in its words; anything else plainly, logged
            if getattr(
                exc, "breaches", None
            ):  # a refusal of the rulebook (rulebook.enforce.Refused)
                tracker.fail(refused_text(exc))
                return
            log.exception("operation %s (%s) failed", op.pk, op.kind)
            tracker.fail(
                _(
                    "The operation failed unexpectedly; nothing it was doing was kept. The error was logged for the administrators."
                )
            )
        else:
            if op.state not in (Operation.State.DONE, Operation.State.FAILED):
                tracker.finish()
        finally:
            _current.reset(token)


def refused_text(refusal: Any) -> str:
    """A refusal in sentences: each breach with its article."""
    parts = []
    for breach in getattr(refusal, "breaches", []) or []:
        message = dates.breach_message(breach)
        article = getattr(breach, "article", "")
        parts.append(f"{message} ({_('Article %(a)s') % {'a': article}})" if article else message)
    return " ".join(parts) or _("The rules do not allow this.")


def terminal(label: str, *, total: int | None = None, stream: TextIO | None = None) -> Tracker:
    """A bar in the terminal for a command's own loop (no row)."""
    tracker = Tracker(None, echo=stream or sys.stderr, label=label)
    tracker.start(total=total)
    return tracker
