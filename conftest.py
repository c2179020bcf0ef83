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


@pytest.fixture(autouse=True)
def _record_indexes_from_the_log_end(request):  # type: ignore[no-untyped-def]
    """On PostgreSQL an entry's index comes from a sequence, which a rolled-back test does not take
    back: each test that uses the database starts it again after the entries it holds, as a fresh
    database would (the one test of places left empty by rolled-back acts makes its own)."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db", "_django_db_helper")
    )
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval('record_entry_index_seq', coalesce((SELECT max(\"index\") + 1 FROM record_entry), 0), false)"
                )


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
