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


def test_a_compiled_model_query_makes_the_instances_the_orm_makes(cast, django_assert_num_queries):
    from django.db.models import Value

    from charter.members.models import Member

    signed_in = User.objects.create(username="alice", email="alice@example.org")
    Member.objects.filter(pk=cast.alice.pk).update(user=signed_in)  # a sign-in linked to a person: identity, not an act
    member = Member.objects.select_related("user").get(pk=cast.alice.pk)
    query = prepared.Compiled(User.objects.select_related("member").annotate(seven=Value(7)).filter(pk=prepared.MARK))
    with django_assert_num_queries(1):  # the member comes with the user
        (user,) = query.objects(member.user.pk)
        assert (user.pk, user.username, user.is_active, user.date_joined) == (member.user.pk, member.user.username, member.user.is_active, member.user.date_joined)
        assert user.member.pk == member.pk and user.member.name == member.name and user.member.joined_on == member.joined_on
        assert user.seven == 7
    assert not user._state.adding and user._state.db == "default"
    assert query.objects(-1) == []


def test_a_query_with_two_marked_values_takes_them_in_order():
    a = User.objects.create(username="a")
    b = User.objects.create(username="b")
    query = prepared.Compiled(User.objects.filter(pk=prepared.MARKS[0], username=f"{prepared.MARKS[1]}").values("username"))
    assert query.slots == [(query.slots[0][0], 0)]  # a marked value that the field made into text is not a slot
    both = prepared.Compiled(User.objects.filter(pk__in=[prepared.MARKS[0], prepared.MARKS[1]]).order_by("username").values("username"))
    assert both.rows(a.pk, b.pk) == [{"username": "a"}, {"username": "b"}]
    assert both.rows(b.pk, -1) == [{"username": "b"}]


def test_insert_writes_the_row_the_orm_would():
    # (a ballot, whose random primary key comes from its default, is written this way by every vote)
    prepared.insert(User(username="z", email="z@example.org", is_active=False))
    made = User.objects.get(username="z")
    assert (made.email, made.is_active, made.is_staff, made.password) == ("z@example.org", False, False, "")
