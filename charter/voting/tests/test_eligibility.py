"""Who may vote: the body's roster on the day, in good standing, present when the poll is taken at a
meeting; no proxies; elections secret and counted by the rules' method; a secret ballot on request."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.members.models import Member
from charter.record.models import Entry
from charter.rulebook.enforce import Refused
from charter.testing.meetings import hold
from charter.voting import queries
from charter.voting.actions import cast_vote, create_poll, open_poll, require_secret_ballot
from charter.voting.models import Participation, Poll
from charter.voting.tests.conftest import committee

pytestmark = pytest.mark.django_db


def test_a_member_who_is_not_on_the_body_is_refused_with_its_article(cast, rc, open_yes_no):
    entries = Entry.objects.count()
    with pytest.raises(Refused) as exc:
        cast_vote(open_yes_no, voter=cast.alice, vote="yes", idempotency_key="k")
    assert exc.value.articles == ["3.5"] and exc.value.breaches[0].code == "not_on_body"
    assert not Participation.objects.exists()
    assert Entry.objects.count() == entries  # a member's own slip is not on the public record


def test_a_member_not_in_good_standing_may_not_vote(cast, rc, open_yes_no):
    # Saima's dues were last paid for January: three months in arrears is the limit (1.3).
    Member.objects.filter(pk=cast.saima.pk).update(dues_paid_until=dt.date(2025, 10, 31))
    with pytest.raises(Refused) as exc:
        cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="k")
    assert exc.value.articles == ["1.3"] and exc.value.breaches[0].code == "not_in_good_standing"
    assert not queries.has_voted(open_yes_no, cast.saima)


def test_the_electorate_leaves_out_members_not_in_good_standing(cast, rc):
    Member.objects.filter(pk=cast.saima.pk).update(dues_paid_until=dt.date(2025, 10, 31))
    poll = open_poll(create_poll(rc, by=cast.rashid, title="Q", method="yes_no", mode="secret"), by=cast.rashid)
    assert poll.electorate == 6


def test_at_a_meeting_only_those_recorded_present_vote(cast, rc):
    members = committee(cast)
    meeting = hold(rc, by=cast.rashid, present=members[:5], notice_days=8)
    poll = create_poll(rc, by=cast.rashid, title="Q", method="yes_no", mode="named", meeting=meeting)
    poll = open_poll(poll, by=cast.rashid)
    assert poll.electorate == 5
    absent = members[6]
    with pytest.raises(Refused) as exc:
        cast_vote(poll, voter=absent, vote="yes", idempotency_key="k")
    assert exc.value.breaches[0].code == "not_present"
    cast_vote(poll, voter=members[0], vote="yes", idempotency_key="k")


def test_no_rulebook_provides_for_proxies(cast, rc, open_yes_no):
    with pytest.raises(Refused) as exc:
        cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="k", proxy_for=cast.rashid)
    assert exc.value.breaches[0].code == "no_proxies" and exc.value.articles == ["1.2"]
    assert not Participation.objects.exists()


def test_an_election_must_be_secret_and_counted_by_the_rules_method(cast, at):
    at("2026-03-02T10:00:00")
    aggregate = cast.body("regional_aggregate", cast.sindh)
    rc = cast.bodies["rc"]
    with pytest.raises(Refused) as exc:
        create_poll(aggregate, by=cast.alice, title="Elect the Regional Committee", method="block", mode="named", options=["A", "B", "C"], seats=2, seat_body=rc)
    assert {b.code for b in exc.value.breaches} == {"election_not_secret", "wrong_count_method"}
    assert exc.value.articles == ["5.1"]
    poll = create_poll(aggregate, by=cast.alice, title="Elect the Regional Committee", method="scottish-stv", mode="secret", options=["A", "B", "C"], seats=2, seat_body=rc)
    assert poll.seat_body == rc
    secretary = create_poll(rc, by=cast.rashid, title="Elect the Secretary", method="irv", mode="paper", options=["A", "B"], seat_body=rc)
    assert secretary.method == "irv"


def test_any_member_present_may_require_a_secret_ballot(cast, rc):
    poll = create_poll(rc, by=cast.rashid, title="Q", method="yes_no", mode="named")
    with pytest.raises(Refused):
        require_secret_ballot(poll, by=cast.alice)
    assert require_secret_ballot(poll, by=cast.saima).mode == Poll.Mode.SECRET
    assert Entry.objects.filter(act="require_secret_ballot", outcome="done").count() == 1


def test_a_voters_facts_are_read_when_they_vote_not_when_the_query_was_compiled(cast, rc, open_yes_no):
    # Both votes ask the same compiled query (same body, rules and day); each reads the rows of its moment.
    Member.objects.filter(pk=cast.saima.pk).update(dues_paid_until=dt.date(2025, 10, 31))
    with pytest.raises(Refused) as exc:
        cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="k")
    assert exc.value.breaches[0].code == "not_in_good_standing"
    Member.objects.filter(pk=cast.saima.pk).update(dues_paid_until=dt.date(2026, 12, 31))
    cast_vote(open_yes_no, voter=cast.saima, vote="yes", idempotency_key="k")
    assert queries.has_voted(open_yes_no, cast.saima)


def test_the_compiled_questions_answer_as_the_orm_does_for_everyone(cast, rc, open_yes_no):
    from charter.lib import clock
    from charter.rulebook import rosters
    from charter.rulebook.store import rulebook_on
    from charter.voting import rules

    today = clock.today()
    rb = rulebook_on(today)
    attendees = set(rosters.attendees(rc, today, rb).values_list("pk", flat=True))
    electorate = set(rules.electorate(open_yes_no, rb, today).values_list("pk", flat=True))
    assert attendees and len(attendees) < Member.objects.count()
    for member in Member.objects.all():
        assert rosters.sits_on(rc, member, today, rb) is (member.pk in attendees), member
        assert (not rules.voter_breaches(open_yes_no, member, rb, today)) is (member.pk in electorate), member
