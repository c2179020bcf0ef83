"""One vote per voter: the same idempotency key returns the first outcome; another key is refused;
the database itself holds one row per (poll, voter)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from charter.lib import clock
from charter.voting import queries
from charter.voting.actions import AlreadyVoted, cast_vote, close_poll
from charter.voting.models import Ballot, Participation

pytestmark = pytest.mark.django_db


def test_the_same_key_returns_the_first_outcome_and_never_a_second_vote(cast, rc, open_yes_no):
    first = cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="phone-1")
    again = cast_vote(open_yes_no, voter=cast.saima, vote="no", idempotency_key="phone-1")
    assert not first.replayed and again.replayed
    assert again.voted_at == first.voted_at and again.tracker is None  # the tracker is shown once
    assert Ballot.objects.filter(poll=open_yes_no).count() == 1
    assert Ballot.objects.get(poll=open_yes_no).vote == "yes"


def test_a_different_key_from_a_voter_who_voted_is_refused_clearly(cast, rc, open_yes_no):
    cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="a")
    with pytest.raises(AlreadyVoted, match="already voted"):
        cast_vote(open_yes_no, voter=cast.saima, vote="no", idempotency_key="b")
    assert Participation.objects.count() == Ballot.objects.count() == 1


def test_a_replay_after_close_still_returns_the_first_outcome(cast, rc, open_yes_no):
    first = cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="a")
    close_poll(open_yes_no, by=cast.rashid)
    assert cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="a").voted_at == first.voted_at


def test_the_database_refuses_a_second_row_for_the_same_voter(cast, rc, open_yes_no):
    cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="a")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(poll=open_yes_no, voter=cast.saima, idempotency_key="b", voted_at=clock.now())


@pytest.mark.parametrize("key", ["", "   ", "x" * 101])
def test_a_vote_needs_a_key(cast, rc, open_yes_no, key):
    from charter.lib.errors import InvalidInput

    with pytest.raises(InvalidInput):
        cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key=key)


def test_have_i_voted_is_one_query(cast, rc, open_yes_no, django_assert_num_queries):
    cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="a")
    with django_assert_num_queries(1):
        assert queries.has_voted(open_yes_no, cast.saima)
    with django_assert_num_queries(1):
        assert not queries.has_voted(open_yes_no, cast.rashid)


def test_have_i_voted_uses_the_one_vote_index(cast, rc, open_yes_no):
    from django.db import connection

    from charter.voting.models import Participation

    query = Participation.objects.filter(poll_id=open_yes_no.pk, voter_id=cast.saima.pk).values_list("voted_at", flat=True)[:1]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row) for row in cur.fetchall())
            assert "one_vote_per_voter" in plan or "sqlite_autoindex" in plan, plan
        else:
            cur.execute("ANALYZE voting_participation")
            cur.execute("SET LOCAL enable_seqscan = off")  # a one-row table would be scanned anyway
            cur.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(str(row) for row in cur.fetchall())
            assert "Index" in plan and "Seq Scan" not in plan, plan
