"""Scenario 7: the Sindh Regional Aggregate (150 members) elects its Regional Committee (7 seats)
from 12 nominated and accepted candidates by secret ballot, counted by Scottish STV; the winners
sit for one year; the committee elects its Regional Secretary; the Secretariat's later attempt to
replace one of the seven by appointment is refused (3.5, 3.7)."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest

from charter.elections.actions import (
    accept_nomination,
    appoint_to_seat,
    close_nominations,
    nominate,
    open_nominations,
    put_to_ballot,
    seat_winners,
)
from charter.elections.models import Candidacy, Election
from charter.elections.tests.conftest import aggregate, attend, call, region_members
from charter.lib import clock
from charter.members.models import Member
from charter.org.models import Mandate
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold
from charter.voting import tally
from charter.voting.actions import cast_vote, close_poll, open_poll, publish_poll
from charter.voting.models import Poll

pytestmark = pytest.mark.django_db


def stand(election: Election, candidates: list[Member], pool: list[Member]) -> None:
    """Each candidate nominated by two members of the electing body, then accepting in writing."""
    for i, candidate in enumerate(candidates):
        for nominator in (pool[2 * i], pool[2 * i + 1]):
            nominate(election, candidate=candidate, by=nominator)
        accept_nomination(Candidacy.objects.get(election=election, member=candidate), by=candidate, statement=f"I, {candidate.name}, accept the nomination.")


def preferences(n_candidates: int, voters: int, seed: int) -> list[list[int]]:
    """Ranked votes with a few camps, so that surpluses and exclusions move votes between stages."""
    rng = random.Random(seed)
    popularity = [12, 11, 9, 8, 7, 6, 5, 4, 3, 2, 2, 1][:n_candidates]
    out = []
    for _v in range(voters):
        order: list[int] = []
        weights = list(popularity)
        numbers = list(range(1, n_candidates + 1))
        for _k in range(rng.randint(2, 6)):
            pick = rng.choices(numbers, weights=weights)[0]
            i = numbers.index(pick)
            numbers.pop(i)
            weights.pop(i)
            order.append(pick)
        out.append(order)
    return out


def test_scenario_7_regional_committee_elected_then_secretary_then_appointment_refused(sindh150, at):
    cast = sindh150
    rc = cast.bodies["rc"]
    members = region_members(cast)
    assert len(members) == 150
    agg = aggregate(cast)

    # The aggregate is called; nominations open for the seats whose terms have run out (all seven).
    meeting = call(agg, by=cast.rashid, days=10, title="Sindh Regional Aggregate 2027")
    election = open_nominations(rc, by=cast.rashid, meeting=meeting)
    assert (election.seats, election.by_election, election.electing_body) == (7, False, agg)

    candidates = [cast.saima, cast.farhan, cast.tariq, cast.bilal, cast.alice, *cast.imported[:7]]
    nominators = [m for m in members if m not in candidates]
    stand(election, candidates, nominators)
    election = close_nominations(election, by=cast.rashid)
    assert Candidacy.objects.filter(election=election, eligible=True).count() == 12

    # The aggregate meets with quorum; the ballot is secret, counted by Scottish STV.
    present = members[:130]
    meeting = attend(meeting, by=cast.rashid, present=present)
    assert meeting.quorate
    poll = put_to_ballot(election, by=cast.rashid)
    assert (poll.method, poll.mode, poll.seats, poll.options.count()) == ("scottish-stv", "secret", 7, 12)
    open_poll(poll, by=cast.rashid)
    voters = [m for m in present][:120]
    votes = preferences(12, len(voters), seed=7)
    for voter, vote in zip(voters, votes, strict=True):
        cast_vote(poll, voter=voter, vote=vote, idempotency_key=f"k{voter.pk}")
    close_poll(poll, by=cast.rashid)
    poll = publish_poll(poll, by=cast.rashid)

    # The count sheet, stage by stage: first preferences are the voters' own, and every stage
    # accounts for every valid vote (candidates' totals plus the non-transferable).
    result = poll.result
    labels = list(poll.options.order_by("number").values_list("label", flat=True))
    stages = result["stages"]
    assert len(stages) > 1
    firsts = Counter(labels[v[0] - 1] for v in votes)
    assert {k: Decimal(str(v)) for k, v in stages[0]["totals"].items() if Decimal(str(v))} == {k: Decimal(n) for k, n in firsts.items()}
    for stage in stages:
        accounted = sum(Decimal(str(v)) for v in stage["totals"].values()) + Decimal(str(stage["non_transferable"])) + Decimal(str(stage.get("rounding_loss", 0)))
        assert abs(accounted - Decimal(str(result["valid"]))) < Decimal("0.01"), stage["number"]
    # The same ballots counted apart from the database elect the same seven.
    own = tally.count("scottish-stv", options=labels, seats=7, ballots=[{"tracker": str(i), "weight": 1, "vote": v} for i, v in enumerate(votes)], seed=result["seed"])
    assert own["elected"] == result["elected"] and len(result["elected"]) == 7

    # The winners are seated for one year, by election, on the record.
    clock.set_frozen(meeting.starts_at.replace(hour=18))
    mandates = seat_winners(election, by=cast.rashid)
    winners = [poll.options.get(number=n).member for n in result["elected"]]
    assert [m.member for m in mandates] == winners
    today = clock.today()
    assert {(m.filled_by, m.starts_on, m.expires_on) for m in mandates} == {("elected", today, today.replace(year=today.year + 1))}
    seated = set(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    assert seated == set(winners)
    assert Entry.objects.filter(act="elect_to_seat", outcome="done").count() == 7
    election.refresh_from_db()
    assert election.state == Election.State.SEATED

    # The Regional Committee elects its Secretary from among its members (instant-runoff).
    chair = winners[0]
    rc_meeting = call(rc, by=chair, days=8, title="First meeting of the new Regional Committee")
    office = open_nominations(rc, by=chair, office="regional_secretary", meeting=rc_meeting)
    assert office.electing_body == rc and office.seats == 1
    stand(office, winners[:2], winners[2:] + winners[:2])
    close_nominations(office, by=chair)
    attend(rc_meeting, by=chair, present=winners)
    secretary_poll = put_to_ballot(office, by=chair)
    assert secretary_poll.method == "irv"
    open_poll(secretary_poll, by=chair)
    for i, voter in enumerate(winners):
        cast_vote(secretary_poll, voter=voter, vote=[1, 2] if i < 4 else [2, 1], idempotency_key="s")
    close_poll(secretary_poll, by=chair)
    publish_poll(secretary_poll, by=chair)
    seat_winners(office, by=chair)
    secretary = Mandate.objects.current().get(body=rc, office="regional_secretary")
    assert secretary.member == secretary_poll.options.get(number=1).member

    # The Secretariat's later attempt to replace one of the seven by appointment is refused.
    at("2027-03-01T10:00:00")
    secretariat = cast.bodies["secretariat"]
    present_sec = list(Member.objects.filter(mandates__body=secretariat, mandates__ended_on__isnull=True))
    sec_meeting = hold(secretariat, by=cast.sara, present=present_sec, notice_days=15)
    outsider = next(m for m in members if m not in winners)
    with pytest.raises(Refused) as exc:
        appoint_to_seat(outsider, body=rc, decision=Decision(by=cast.sara, body=secretariat, meeting=sec_meeting, votes=Votes(5, 0, 0)))
    assert {"3.5", "3.7"} <= set(exc.value.articles)
    assert Entry.objects.filter(act="appoint_to_seat", outcome="refused").exists()
    assert set(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True)) == set(winners)
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.PUBLISHED
