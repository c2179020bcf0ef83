from __future__ import annotations

import datetime as dt

import pytest

from charter.conferences import actions
from charter.conferences.models import CheckIn, Conference, DelegateAllocation, Participant
from charter.conferences.tests.conftest import cc_decision
from charter.lib.errors import InvalidInput
from charter.members.models import Member
from charter.notices.models import Notice
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Refused


def test_a_member_in_good_standing_registers_with_vote(cast, conference):
    p = actions.register_for_conference(
        conference, by=cast.alice, attributes={"sector": "port", "gender": "woman"}
    )
    assert (p.category, p.has_vote, p.member) == ("member", True, cast.alice)
    assert p.attributes == {"sector": "port", "gender": "woman", "region": "Sindh"}
    assert len(p.code) == 8
    entry = Entry.objects.get(index=p.entry_index)
    assert entry.act == "register_for_conference"
    assert Notice.objects.filter(kind="conference_registered", member=cast.alice).exists()
    with pytest.raises(InvalidInput):
        actions.register_for_conference(conference, by=cast.alice)
    record.verify()


def test_a_member_in_arrears_is_refused_with_the_articles(cast, at):
    at("2027-05-01T09:00:00")  # dues were paid to December 2026: arrears by May 2027
    decision = cc_decision(cast)
    conference = actions.convene_conference(
        decision=decision,
        kind="conference",
        title="Later",
        starts_on=dt.date(2027, 6, 10),
        ends_on=dt.date(2027, 6, 10),
    )
    before = Entry.objects.count()
    with pytest.raises(Refused) as refused:
        actions.register_for_conference(conference, by=cast.alice)
    assert refused.value.articles == ["1.3"]
    assert not Participant.objects.filter(member=cast.alice).exists()
    assert Entry.objects.count() == before  # a member's own slip is not on the record


def test_registration_closed_is_refused_with_article_6_1(cast, conference, at):
    at("2026-03-07T09:00:00")
    with pytest.raises(Refused) as refused:
        actions.register_for_conference(conference, by=cast.bilal)
    assert refused.value.articles == ["6.1"]
    assert [b.code for b in refused.value.breaches] == ["registration_closed"]
    assert not Participant.objects.filter(conference=conference).exists()


def test_observers_are_registered_by_organizers_and_never_with_vote(cast, conference):
    obs = actions.register_observer(
        conference, by=cast.sara, name="Guest from abroad", attributes={"organization": "ITF"}
    )
    assert (obs.category, obs.has_vote, obs.member) == ("observer", False, None)
    with pytest.raises(Refused) as refused:
        actions.register_observer(conference, by=cast.sara, name="Another", with_vote=True)
    assert refused.value.articles == ["6.1"]
    assert [b.code for b in refused.value.breaches] == ["observer_without_vote"]
    with pytest.raises(Refused) as refused:
        actions.register_observer(conference, by=cast.alice, name="Not an organizer's guest")
    assert [b.code for b in refused.value.breaches] == ["not_authorised"]
    assert Participant.objects.filter(conference=conference).count() == 1


def test_check_in_is_once_per_participant_per_day(cast, conference, at):
    p = actions.register_for_conference(conference, by=cast.alice)
    at("2026-03-07T08:30:00")
    row, created = actions.check_in(conference, by=cast.sara, code=p.code.lower())
    again, created_again = actions.check_in(conference, by=cast.zainab, code=p.code)
    assert created and not created_again and again.pk == row.pk
    assert CheckIn.objects.filter(participant=p).count() == 1
    assert Entry.objects.filter(act="check_in_participant").count() == 1
    at("2026-03-08T08:30:00")
    actions.check_in(conference, by=cast.sara, code=p.code)
    assert CheckIn.objects.filter(participant=p).count() == 2


def test_check_in_of_an_unknown_code_is_refused(cast, conference, at):
    at("2026-03-07T08:30:00")
    with pytest.raises(Refused) as refused:
        actions.check_in(conference, by=cast.sara, code="NOSUCH99")
    assert refused.value.articles == ["6.1"]
    assert [b.code for b in refused.value.breaches] == ["not_registered"]
    assert not CheckIn.objects.exists()


def test_only_an_organizer_checks_people_in(cast, conference, at):
    p = actions.register_for_conference(conference, by=cast.alice)
    at("2026-03-07T08:30:00")
    with pytest.raises(Refused):
        actions.check_in(conference, by=cast.alice, code=p.code)
    assert not CheckIn.objects.exists()


def test_commission_decisions_are_numbered_recommendations_to_the_cc(cast, conference):
    chair = actions.register_for_conference(conference, by=cast.bilal)
    youth = actions.add_commission(conference, by=cast.sara, name="Youth", chair=chair)
    assert youth.recommends_to == cast.bodies["cc"]
    one = actions.decide_in_commission(
        youth, by=cast.bilal, text="Study circles in colleges", votes_yes=30
    )
    two = actions.decide_in_commission(
        youth, by=cast.bilal, text="Recruit through them", votes_yes=28, votes_no=2
    )
    assert (one.number, two.number) == (1, 2)
    with pytest.raises(Refused) as refused:
        actions.decide_in_commission(youth, by=cast.bilal, text="Lost", votes_yes=3, votes_no=9)
    assert refused.value.outcome == "lost"
    with pytest.raises(Refused):
        actions.decide_in_commission(youth, by=cast.alice, text="Not the chair", votes_yes=30)
    assert youth.decisions.count() == 2
    assert Notice.objects.filter(kind="commission_recommendation", member=cast.zainab).exists()


def test_a_congress_needs_60_days_notice(cast):
    decision = cc_decision(cast)
    before = Conference.objects.count()
    with pytest.raises(Refused) as refused:
        actions.convene_conference(
            decision=decision,
            kind="congress",
            title="Congress",
            starts_on=decision.meeting.starts_at.date() + dt.timedelta(days=30),
            ends_on=decision.meeting.starts_at.date() + dt.timedelta(days=31),
        )
    assert refused.value.articles == ["4.1"]
    assert Conference.objects.count() == before
    assert Entry.objects.filter(
        act="convene_congress", outcome="refused"
    ).exists()  # the CC claimed it


def test_congress_delegates_are_allocated_per_branch_by_the_rules(cast):
    decision = cc_decision(cast)
    start = decision.meeting.starts_at.date() + dt.timedelta(days=61)
    congress = actions.convene_conference(
        decision=decision,
        kind="congress",
        title="Third Congress",
        starts_on=start,
        ends_on=start + dt.timedelta(days=1),
    )
    got = {
        a.unit.name: (a.members_in_good_standing, a.delegates)
        for a in DelegateAllocation.objects.filter(conference=congress)
    }
    counts = {
        b.name: Member.objects.filter(branch=b).count() for b in [cast.karachi, cast.hyderabad]
    }
    # Karachi Central: alice, bilal, farhan, saima and 7 others = 11 -> 1; Hyderabad: 6 -> at least 1; Lahore: 18 -> 1
    assert got["Karachi Central"] == (
        counts["Karachi Central"],
        max(counts["Karachi Central"] // 10, 1),
    )
    assert got["Hyderabad City"] == (counts["Hyderabad City"], 1)
    assert got["Lahore Central"][1] == got["Lahore Central"][0] // 10
    assert congress.body.kind == "congress"


def test_check_in_only_on_a_day_of_the_conference(cast, conference, at):
    p = actions.register_for_conference(conference, by=cast.alice)
    at("2026-03-06T08:30:00")
    with pytest.raises(InvalidInput):
        actions.check_in(conference, by=cast.sara, code=p.code)
    assert not CheckIn.objects.exists()
