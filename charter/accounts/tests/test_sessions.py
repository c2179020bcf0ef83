"""The session store: Django's database sessions with their per-request read as one statement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from charter.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_server_uses_this_store():
    assert settings.SESSION_ENGINE == "charter.accounts.sessions"


def test_a_saved_session_is_read_back_and_an_expired_or_ended_one_is_not():
    store = SessionStore()
    store["who"] = "alice"
    store.save()
    key = store.session_key
    assert SessionStore(key).load() == {"who": "alice"}

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {} and expired.session_key is None

    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(hours=1))
    assert SessionStore(key).load() == {"who": "alice"}
    SessionStore(key).delete()  # signing out deletes the row
    assert SessionStore(key).load() == {}


@pytest.mark.parametrize("key", ["", "short", "x" * 40, "'; DROP TABLE django_session; --"])
def test_a_key_that_names_no_session_reads_nothing(key):
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None
    assert not Session.objects.exists()  # read nothing, wrote nothing, and the table is still there
