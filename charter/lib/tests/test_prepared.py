"""Queries compiled once and run with one value put in (charter.lib.prepared)."""

from __future__ import annotations

import pytest

from charter.accounts.models import User
from charter.lib import prepared

pytestmark = pytest.mark.django_db


def test_a_compiled_query_reads_the_rows_of_the_value_it_is_given():
    a = User.objects.create(username="a", email="a@example.org")
    b = User.objects.create(username="b", email="b@example.org")
    query = prepared.Compiled(User.objects.filter(pk=prepared.MARK).values("username", "email"))
    assert query.rows(a.pk) == [{"username": "a", "email": "a@example.org"}]
    assert query.rows(b.pk) == [{"username": "b", "email": "b@example.org"}]
    assert query.rows(-1) == []
    User.objects.filter(pk=a.pk).update(email="new@example.org")  # read when run, not when compiled
    assert query.rows(a.pk) == [{"username": "a", "email": "new@example.org"}]


def test_a_query_that_does_not_use_the_marked_value_is_refused():
    with pytest.raises(ValueError, match="marked value"):
        prepared.Compiled(User.objects.filter(username="a").values("pk"))


def test_the_cache_builds_once_per_key_and_forgets_all_when_full(monkeypatch):
    monkeypatch.setattr(prepared, "LIMIT", 3)
    cache, built = prepared.Cache(), []

    def build(mark: int):
        built.append(mark)
        return User.objects.filter(pk=mark).values("pk")

    first = cache.get("k1", build)
    assert cache.get("k1", build) is first and built == [prepared.MARK]
    cache.get("k2", build)
    cache.get("k3", build)
    cache.get("k4", build)  # full: all forgotten, then k4 kept
    assert len(built) == 4 and cache.get("k1", build) is not first
