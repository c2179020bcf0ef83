"""Shared fixtures: a frozen clock, the documented cast (charter/testing/cast.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from charter.lib import clock


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    yield
    clock.set_frozen(None)


@pytest.fixture
def cast(db):  # type: ignore[no-untyped-def]
    from charter.testing.cast import build

    return build()


@pytest.fixture
def at():  # type: ignore[no-untyped-def]
    """Move the clock: at("2026-11-01") or at(datetime)."""

    def move(when: str | dt.datetime) -> dt.datetime:
        moment = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(when).replace(tzinfo=dt.UTC)
        clock.set_frozen(moment)
        return moment

    return move
