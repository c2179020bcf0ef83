"""A busier organization than the bare cast: a season of ordinary business, all through actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from charter.discipline.actions import decide_measure, frame_charge
from charter.discipline.models import Case
from charter.lib import clock
from charter.meetings.actions import decide_motion
from charter.members.actions import (
    admit_member,
    apply_for_membership,
    refuse_admission,
    resign_membership,
    transfer_member,
)
from charter.members.models import Member
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

NEWCOMERS = [
    ("naveed", "Naveed Khoso", "karachi"),
    ("huma", "Huma Lashari", "karachi"),
    ("omar", "Omar Panhwar", "hyderabad"),
    ("rubina", "Rubina Kalhoro", "hyderabad"),
]


def seated(body: Any) -> list[Member]:
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True))


@pytest.fixture
def busy(cast, at):  # type: ignore[no-untyped-def]
    """The cast, then: four applications (three admitted, one refused with reasons that name her), a
    motion carried and one refused, a transfer, a resignation, a charge and a written warning."""
    at("2026-10-01T10:00:00")
    rc = cast.bodies["rc"]
    for n, (key, name, branch) in enumerate(NEWCOMERS):
        cast.people[key] = apply_for_membership(name=name, branch=getattr(cast, branch), email=f"{key}.home@example.net", phone=f"+9233312340{n}")
    meeting = hold(rc, by=cast.rashid, present=seated(rc), notice_days=8)
    vote = Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 0, 1))
    for key in ("naveed", "huma", "omar"):
        admit_member(cast.people[key], decision=vote)
    refuse_admission(cast.people["rubina"], decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(5, 1, 0), reasons="Rubina Kalhoro stood for a rival party in 2025"))
    decide_motion(meeting, by=cast.rashid, text="Thank Naveed Khoso (+923331234000) for the study circle", votes=Votes(5, 0, 1))
    with pytest.raises(Refused):  # Alice is not on the committee: the attempt is on the record
        decide_motion(meeting, by=cast.alice, text="Censure Rashid Soomro", votes=Votes(4, 0, 0))
    transfer_member(cast.omar, to_branch=cast.karachi, by=cast.omar)
    resign_membership(cast.huma, by=cast.huma, letter="I, Huma Lashari, resign.")
    case = frame_charge(cast.farhan, decision=vote, grounds=["breach_of_document"], facts="Farhan Shaikh published the drafts.")
    Case.objects.filter(pk=case.pk).update(charge_delivered_on=clock.today(), replied_on=clock.today() + dt.timedelta(days=10), hearing_offered=True)
    case.refresh_from_db()
    clock.set_frozen(clock.now() + dt.timedelta(days=6))
    without_bringer = [m for m in seated(rc) if m != cast.rashid]
    later = hold(rc, by=cast.saima, present=without_bringer, notice_days=15)
    decide_measure(cast.farhan, measure="warning", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.saima, body=rc, meeting=later, votes=Votes(5, 0, 1), reasons="Farhan Shaikh broke the rules"))
    return cast
