"""Each step of an election refused when the rules say no, with the articles; a by-election for a
vacated seat; the eligibility check at the close of nominations."""

from __future__ import annotations

import pytest

from charter.elections.actions import (
    accept_nomination,
    close_nominations,
    co_opt_to_seat,
    nominate,
    open_nominations,
    put_to_ballot,
    reopen_nominations,
    seat_winners,
    vacancies,
    withdraw_candidacy,
)
from charter.elections.models import Candidacy, Election
from charter.elections.tests.conftest import (
    aggregate,
    attend,
    call,
    import_register,
    region_members,
)
from charter.lib.errors import InvalidInput
from charter.members.actions import resign_membership
from charter.members.models import Member
from charter.notices.models import Notice
from charter.org.models import Mandate
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.rulebook.store import rulebook_on
from charter.testing.cast import build
from charter.voting.actions import cast_vote, close_poll, open_poll, publish_poll
from charter.voting.models import Poll

pytestmark = pytest.mark.django_db


def codes(exc: pytest.ExceptionInfo[Refused]) -> set[str]:
    return {b.code for b in exc.value.breaches}


@pytest.fixture
def election(sindh):  # type: ignore[no-untyped-def]
    meeting = call(aggregate(sindh), by=sindh.rashid, days=10)
    return open_nominations(sindh.bodies["rc"], by=sindh.rashid, meeting=meeting)


def candidacy(election: Election, member: Member) -> Candidacy:
    return Candidacy.objects.get(election=election, member=member)


def test_too_few_nominators_cannot_accept_and_do_not_stand(sindh, election):
    nominate(election, candidate=sindh.saima, by=sindh.alice)
    with pytest.raises(Refused) as exc:
        accept_nomination(candidacy(election, sindh.saima), by=sindh.saima, statement="I accept.")
    assert exc.value.articles == ["5.2"] and codes(exc) == {"not_nominated"}
    assert candidacy(election, sindh.saima).accepted_at is None
    close_nominations(election, by=sindh.rashid)
    c = candidacy(election, sindh.saima)
    assert (c.eligible, c.ineligible_articles) == (False, ["5.2"])
    assert Notice.objects.filter(member=sindh.saima, kind="not_on_ballot").exists()


def test_a_nominator_not_on_the_electing_body_is_refused(sindh, election):
    with pytest.raises(Refused) as exc:
        nominate(election, candidate=sindh.saima, by=sindh.sara)  # a Punjab member: not on the Sindh aggregate
    assert exc.value.articles == ["5.2"] and codes(exc) == {"not_authorised"}
    assert not Candidacy.objects.filter(election=election).exists()


def test_nobody_nominates_twice_and_nobody_accepts_for_the_candidate(sindh, election):
    nominate(election, candidate=sindh.saima, by=sindh.alice)
    with pytest.raises(InvalidInput):
        nominate(election, candidate=sindh.saima, by=sindh.alice)
    nominate(election, candidate=sindh.saima, by=sindh.bilal)
    with pytest.raises(Refused) as exc:
        accept_nomination(candidacy(election, sindh.saima), by=sindh.alice, statement="She accepts.")
    assert exc.value.articles == ["5.2"] and codes(exc) == {"not_authorised"}
    with pytest.raises(Refused) as exc:
        accept_nomination(candidacy(election, sindh.saima), by=sindh.saima, statement="  ")
    assert codes(exc) == {"not_in_writing"}
    accepted = accept_nomination(candidacy(election, sindh.saima), by=sindh.saima, statement="I accept the nomination.")
    assert accepted.accepted and len(accepted.acceptance_sha256) == 64
    assert Entry.objects.filter(act="accept_nomination", outcome="done").count() == 1
    assert Notice.objects.filter(member__in=[sindh.alice, sindh.bilal], kind="nomination_accepted").count() == 2


def test_a_member_not_in_good_standing_cannot_be_nominated(sindh, election, tmp_path):
    behind = import_register(tmp_path / "behind.csv", "Hyderabad City", 1, paid_until="2026-06-30", prefix="Behind Member")[0]
    with pytest.raises(Refused) as exc:
        nominate(election, candidate=behind, by=sindh.alice)
    assert exc.value.articles == ["5.2"] and codes(exc) == {"candidate_not_in_good_standing"}


def test_a_withdrawn_candidate_is_not_on_the_ballot(sindh, election):
    for member in (sindh.saima, sindh.farhan, sindh.tariq):
        nominate(election, candidate=member, by=sindh.alice)
        nominate(election, candidate=member, by=sindh.bilal)
        accept_nomination(candidacy(election, member), by=member, statement="I accept.")
    with pytest.raises(Refused):
        withdraw_candidacy(candidacy(election, sindh.tariq), by=sindh.alice)
    withdraw_candidacy(candidacy(election, sindh.tariq), by=sindh.tariq)
    close_nominations(election, by=sindh.rashid)
    with pytest.raises(InvalidInput):
        nominate(election, candidate=sindh.alice, by=sindh.bilal)  # nominations have closed
    poll = put_to_ballot(election, by=sindh.rashid, meeting=election.meeting)
    assert sorted(poll.options.values_list("member", flat=True)) == sorted([sindh.saima.pk, sindh.farhan.pk])


def test_an_uncontested_election_goes_to_the_ballot_and_leaves_the_other_seats_vacant(sindh, election):
    rc = sindh.bodies["rc"]
    close_nominations(election, by=sindh.rashid)
    with pytest.raises(InvalidInput) as exc:
        put_to_ballot(election, by=sindh.rashid)  # nobody stands
    assert "No candidate stands" in str(exc.value)
    assert Poll.objects.filter(seat_body=rc).count() == 0
    again = reopen_nominations(election, by=sindh.rashid)
    assert again.state == Election.State.NOMINATIONS
    assert Entry.objects.filter(act="open_nominations").count() == 2
    for member in (sindh.saima, sindh.farhan):
        nominate(again, candidate=member, by=sindh.alice)
        nominate(again, candidate=member, by=sindh.bilal)
        accept_nomination(candidacy(again, member), by=member, statement="I accept.")
    close_nominations(again, by=sindh.rashid)
    present = region_members(sindh)
    attend(again.meeting, by=sindh.rashid, present=present)
    poll = put_to_ballot(again, by=sindh.rashid)
    assert (poll.seats, poll.options.count(), poll.method) == (7, 2, "scottish-stv")
    open_poll(poll, by=sindh.rashid)
    for i, voter in enumerate(present):
        cast_vote(poll, voter=voter, vote=[1] if i % 4 else [2, 1], idempotency_key="u")
    close_poll(poll, by=sindh.rashid)
    publish_poll(poll, by=sindh.rashid)
    seated = seat_winners(again, by=sindh.rashid)
    assert {m.member for m in seated} == {sindh.saima, sindh.farhan}
    held = Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True)
    assert set(held) == {sindh.saima, sindh.farhan}  # the old terms ended with the election
    assert vacancies(rc, rulebook_on(again.meeting.starts_at.date())) == 5


def test_a_cc_member_cannot_be_nominated_for_the_control_commission(db, at):
    cast = build(congress_delegates=5)  # alice, bilal, rashid, sara and zainab sit in Congress
    at("2026-11-01T10:00:00")
    congress = cast.body("congress")
    meeting = call(congress, by=cast.alice, days=61)
    election = open_nominations(cast.bodies["commission"], by=cast.alice, meeting=meeting)
    assert (election.seats, election.by_election) == (3, False)  # the Congress ends every term "until the next Congress"
    with pytest.raises(Refused) as exc:
        nominate(election, candidate=cast.zainab, by=cast.alice)
    assert exc.value.articles == ["3.4"] and codes(exc) == {"incompatible"}
    nominate(election, candidate=cast.farhan, by=cast.alice)  # not a delegate: farhan is nominated, not nominating
    with pytest.raises(Refused):
        nominate(election, candidate=cast.tariq, by=cast.farhan)


def test_only_a_committee_member_stands_for_its_secretary(sindh, at):
    at("2026-11-01T10:00:00")  # the founding committee still sits; rashid's office is held
    rc = sindh.bodies["rc"]
    with pytest.raises(InvalidInput):
        open_nominations(rc, by=sindh.saima, office="regional_secretary")
    Mandate.objects.filter(office="regional_secretary").update(expires_on="2026-10-31")  # the office's term has run out
    election = open_nominations(rc, by=sindh.saima, office="regional_secretary")
    assert (election.electing_body, election.seats) == (rc, 1)
    with pytest.raises(Refused) as exc:
        nominate(election, candidate=sindh.alice, by=sindh.saima)
    assert exc.value.articles == ["3.5"] and codes(exc) == {"not_drawn_from"}


def test_a_vacated_seat_is_filled_by_a_by_election_of_that_seat_only(sindh, at):
    at("2026-11-01T10:00:00")
    rc = sindh.bodies["rc"]
    rb = rulebook_on(at("2026-11-01T10:00:00").date())
    assert vacancies(rc, rb) == 0
    with pytest.raises(InvalidInput):
        open_nominations(rc, by=sindh.rashid)
    leaving = sindh.extra_karachi[0]
    resign_membership(leaving, by=leaving, letter="I resign.")
    assert vacancies(rc, rb) == 1
    staying = set(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    meeting = call(aggregate(sindh), by=sindh.rashid, days=8)
    election = open_nominations(rc, by=sindh.rashid, meeting=meeting)
    assert (election.seats, election.by_election) == (1, True)
    for member in (sindh.alice, sindh.farhan):
        nominate(election, candidate=member, by=sindh.bilal)
        nominate(election, candidate=member, by=sindh.tariq)
        accept_nomination(candidacy(election, member), by=member, statement="I accept.")
    close_nominations(election, by=sindh.rashid)
    present = region_members(sindh)
    attend(meeting, by=sindh.rashid, present=present)
    poll = put_to_ballot(election, by=sindh.rashid)
    assert (poll.method, poll.seats) == ("irv", 1)  # one seat: instant-runoff (5.1)
    with pytest.raises(InvalidInput):
        seat_winners(election, by=sindh.rashid)  # not yet counted
    open_poll(poll, by=sindh.rashid)
    for i, voter in enumerate(present):
        cast_vote(poll, voter=voter, vote=[2, 1] if i % 3 else [1, 2], idempotency_key="b")
    close_poll(poll, by=sindh.rashid)
    publish_poll(poll, by=sindh.rashid)
    [mandate] = seat_winners(election, by=sindh.rashid)
    assert mandate.member == poll.options.get(number=2).member
    now = set(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    assert now == staying | {mandate.member} and len(now) == 7
    assert vacancies(rc, rb) == 0
    assert Notice.objects.filter(kind="election_result", member__in=[sindh.alice, sindh.farhan]).count() >= 2


def test_a_winner_who_joined_the_cc_after_the_count_is_not_seated_on_the_control_commission(db, at):
    """The composition rule (3.4) is checked again at seating: the count does not override it."""
    cast = build(congress_delegates=5)  # alice, bilal, rashid, sara and zainab sit in Congress
    at("2026-11-01T10:00:00")
    congress, cc = cast.body("congress"), cast.bodies["cc"]
    delegates = [cast.alice, cast.bilal, cast.rashid, cast.sara, cast.zainab]
    meeting = call(congress, by=cast.alice, days=61, title="Congress")
    election = open_nominations(cast.bodies["commission"], by=cast.alice, meeting=meeting)
    standing = [cast.farhan, cast.tariq, cast.saima, cast.imran]
    for i, member in enumerate(standing):
        nominate(election, candidate=member, by=delegates[i % 5])
        nominate(election, candidate=member, by=delegates[(i + 1) % 5])
        accept_nomination(candidacy(election, member), by=member, statement="I accept.")
    close_nominations(election, by=cast.alice)
    attend(meeting, by=cast.alice, present=delegates)
    poll = open_poll(put_to_ballot(election, by=cast.alice), by=cast.alice)
    farhan = poll.options.get(member=cast.farhan).number
    for voter in delegates:
        cast_vote(poll, voter=voter, vote=[farhan] + [o.number for o in poll.options.exclude(number=farhan)], idempotency_key="c")
    publish_poll(close_poll(poll, by=cast.alice), by=cast.alice)
    assert farhan in Poll.objects.get(pk=poll.pk).result["elected"]
    # Before the winners are seated, Farhan joins the CC: a CC member leaves and the CC co-opts him.
    leaving = cast.cc_members[-1]
    resign_membership(leaving, by=leaving, letter="I resign.")
    cc_seats = list(Member.objects.filter(mandates__body=cc, mandates__office="", mandates__ended_on__isnull=True))
    cc_meeting = attend(call(cc, by=cast.sara, days=15, title="CC"), by=cast.sara, present=cc_seats)
    co_opt_to_seat(cast.farhan, body=cc, decision=Decision(by=cast.sara, body=cc, meeting=cc_meeting, votes=Votes(12, 0, 0)))
    with pytest.raises(Refused) as exc:
        seat_winners(election, by=cast.alice)
    assert "3.4" in exc.value.articles and "incompatible" in codes(exc)
    assert not Mandate.objects.filter(body=cast.bodies["commission"], member=cast.farhan).exists()
    assert Entry.objects.filter(act="elect_to_seat", outcome="refused").exists()
    assert Election.objects.get(pk=election.pk).state == Election.State.BALLOT
