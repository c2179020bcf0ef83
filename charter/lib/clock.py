"""The one clock every action reads.

Actions never call ``timezone.now()`` directly: they call :func:`now`, so the demo loader can
replay years of history at their real dates and tests can stand at any moment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

_frozen: list[dt.datetime] = []


def now() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    if _frozen:
        return _frozen[-1]
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return now().date()


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Stand the clock at ``moment`` (which must be aware) for the duration of the block."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs a timezone-aware datetime")
    _frozen.append(moment.astimezone(dt.UTC))
    try:
        yield
    finally:
        _frozen.pop()


def set_frozen(moment: dt.datetime | None) -> None:
    """Replace the frozen moment (used by the demo loader, which walks forward through time)."""
    _frozen.clear()
    if moment is not None:
        if moment.tzinfo is None:
            raise ValueError("set_frozen needs a timezone-aware datetime")
        _frozen.append(moment.astimezone(dt.UTC))
