"""A by-election in the demo: a region's aggregate fills a vacated seat of its Regional Committee by
nominations, written acceptance, a secret ballot counted by the rules' method, and seating.

``plan_by_election(demo, region=..., opens=...)`` is called from the demo's ``plan()``; it
schedules the steps on the demo's own clock (opening nominations, nominations over a few days,
closing them, then the aggregate: attendance, the ballot, the count, the winner seated), each
through the actions, so the record holds every step. ``run_election`` is the same sequence for
callers without a demo clock (it moves the clock itself).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from typing import Any

from charter.elections.actions import (
    accept_nomination,
    close_nominations,
    electing_body,
    nominate,
    open_nominations,
    put_to_ballot,
    seat_winners,
)
from charter.elections.models import Candidacy, Election
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.meetings.actions import convene_meeting, record_attendance
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body, Mandate
from charter.rulebook.enforce import Refused
from charter.rulebook.store import rulebook_on
from charter.voting.actions import cast_vote, close_poll, open_poll, publish_poll


def ranked_votes(rng: random.Random, candidates: int, voters: int) -> list[list[int]]:
    """Ranked ballots with candidates of unequal support, so that the count has several stages."""
    support = [candidates - k + rng.random() for k in range(candidates)]
    out = []
    for _v in range(voters):
        numbers, weights, order = list(range(1, candidates + 1)), list(support), []
        for _k in range(rng.randint(1, candidates)):
            i = numbers.index(rng.choices(numbers, weights=weights)[0])
            order.append(numbers.pop(i))
            weights.pop(i)
        out.append(order)
    return out


def nominations(election: Election, candidates: Sequence[Member], nominators: Sequence[Member], statement: str) -> None:
    """Each candidate nominated by as many members as the rules want (two in the demo), and accepting."""
    need = max(int(rulebook_on(clock.today()).section("elections").get("nominators", 0)), 1)
    for i, candidate in enumerate(candidates):
        for k in range(need):
            nominate(election, candidate=candidate, by=nominators[(i * need + k) % len(nominators)])
        accept_nomination(Candidacy.objects.get(election=election, member=candidate), by=candidate, statement=statement)


def ballot(election: Election, meeting: Meeting, *, chair: Member, present: Sequence[Member], rng: random.Random) -> list[Mandate]:
    """At the meeting: attendance, the ballot, every present member's vote, the count, the seating."""
    record_attendance(meeting, by=chair, present=list(dict.fromkeys([chair, *present])))
    poll = open_poll(put_to_ballot(election, by=chair, meeting=meeting), by=chair)
    votes = ranked_votes(rng, poll.options.count(), len(present))
    for voter, vote in zip(present, votes, strict=True):
        cast_vote(poll, voter=voter, vote=vote, idempotency_key=f"demo-{poll.pk}-{voter.pk}")
    publish_poll(close_poll(poll, by=chair), by=chair)
    return seat_winners(election, by=chair)


def run_election(seat_body: Body, *, chair: Member, candidates: Sequence[Member], nominators: Sequence[Member], present: Sequence[Member], notice_days: int = 8, seed: int = 7) -> tuple[Election, list[Mandate]]:
    """The whole election from now: the electing body's meeting called, nominations, the ballot at
    the meeting, the winners seated. Moves the clock to the meeting."""
    elector = electing_body(seat_body, "", rulebook_on(clock.today()))
    starts = clock.now() + dt.timedelta(days=notice_days)
    meeting = convene_meeting(elector, by=chair, title=f"{elector.name}: election to the {seat_body.name}", starts_at=starts, agenda="1. Election")
    election = open_nominations(seat_body, by=chair, meeting=meeting)
    nominations(election, candidates, nominators, "I accept the nomination and will serve if elected.")
    close_nominations(election, by=chair)
    clock.set_frozen(starts)
    mandates = ballot(election, meeting, chair=chair, present=present, rng=random.Random(seed))
    election.refresh_from_db()
    return election, mandates


def plan_by_election(demo: Any, *, region: str, opens: dt.date, candidates: int = 3) -> None:
    """Schedule a by-election of the vacant seats of ``region``'s Regional Committee on the demo's
    clock: nominations open on ``opens`` (instead of the committee co-opting), the aggregate meets
    nine days later. Nothing happens when there is no vacancy by then."""
    start = dt.datetime.combine(opens, dt.time(10, 0), tzinfo=dt.UTC)
    if start < demo.now:
        start = demo.now + dt.timedelta(hours=1)
    meets = start + dt.timedelta(days=9)
    state: dict[str, Any] = {}

    def step_open() -> None:
        rc = demo.body("regional_committee", demo.regions[region])
        aggregate = demo.body("regional_aggregate", demo.regions[region])
        standing = [p for p in demo.region_members(region) if demo.good_standing(p)]
        seated = set(demo.seats[rc.pk])
        free = [p for p in standing if p.pk not in seated and not (p.reserved or p.national or p.defaulting)]
        if len(free) < candidates + 4 or not seated:
            return
        chair = demo.people[sorted(seated)[0]]
        try:
            meeting = convene_meeting(aggregate, by=chair.m, title=f"{aggregate.name}: by-election", starts_at=meets, agenda="1. By-election to the Regional Committee")
            election = open_nominations(rc, by=chair.m, meeting=meeting)
        except (InvalidInput, Refused):  # no vacancy left (co-opted already): the demo goes on without it
            return
        demo.flags.pop(f"co_opt:{rc.pk}", None)  # the committee leaves the seat to the by-election
        picks = demo.rng.sample([p for p in free if p.activist] or free, min(candidates, len(free)))
        state.update(election=election, meeting=meeting, chair=chair, standing=standing, picks=picks)
        demo.at(start + dt.timedelta(days=2), step_nominate)

    def step_nominate() -> None:
        picks = state["picks"]
        nominators = [p.m for p in state["standing"] if p not in picks and p.status == "member"]
        nominations(state["election"], [p.m for p in picks], nominators, "I accept the nomination and will serve if elected until the next aggregate.")
        demo.at(meets - dt.timedelta(days=1), step_close)

    def step_close() -> None:
        close_nominations(state["election"], by=state["chair"].m)
        demo.at(meets, step_ballot)

    def step_ballot() -> None:
        standing = [p for p in demo.region_members(region) if demo.good_standing(p)]
        needed = max(math.ceil(len(standing) / 3), 3)
        present = demo.rng.sample(standing, min(len(standing), needed + max(2, len(standing) // 10)))
        chair = state["chair"]
        for mandate in ballot(state["election"], state["meeting"], chair=chair.m, present=[p.m for p in present if p is not chair] + [chair.m], rng=demo.rng):
            demo.note_mandate(mandate)
            demo.people[mandate.member_id].activist = True

    demo.at(start, step_open)
