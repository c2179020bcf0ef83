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


@pytest.fixture(autouse=True)
def _reset_language() -> Iterator[None]:
    """A page asked for in another language (Accept-Language) leaves that language active in the
    thread (Django's LocaleMiddleware activates it and does not switch back): the next test starts
    in the default."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _record_signing_key(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The record's checkpoints are signed with a key made for this test run, not one under var/."""
    from django.conf import settings

    settings.RECORD_SIGNING_KEY = ""
    settings.RECORD_SIGNING_KEY_FILE = tmp_path_factory.mktemp("record") / "signing.key"


@pytest.fixture(autouse=True)
def _progress_dir(tmp_path, settings):  # type: ignore[no-untyped-def]
    """Each test's long operations write their beacons (progress/beacon.py) in a folder of its own."""
    settings.PROGRESS_DIR = tmp_path / "progress"


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
