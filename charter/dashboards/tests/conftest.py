"""A small organization with a known history, built through actions on the documented cast.

2026-01-05  the cast is founded: 33 members (Karachi Central 11, Hyderabad City 6, Lahore Central 16)
2026-02-10  three apply: two to Karachi Central ("Asad", "Bano"), one to Lahore Central ("Chand")
2026-03-10  the Sindh Regional Committee meets and admits Asad (28 days after applying)
2026-04-15  Karachi Member 7 resigns
2026-05-05  Karachi Member 6 transfers to Hyderabad City
2026-05-28  the Sindh Regional Committee meets and admits Bano (107 days: beyond the 60 of 1.1)
2026-06-16  the Karachi Central branch meeting is held (8 present)
2026-07-15  today; Chand still waits (155 days): Punjab has no committee seated to decide
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from charter.members.actions import (
    admit_member,
    apply_for_membership,
    resign_membership,
    transfer_member,
)
from charter.members.models import Member
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold


def rc_members(body):  # type: ignore[no-untyped-def]
    return list(
        Member.objects.filter(
            mandates__body=body, mandates__office="", mandates__ended_on__isnull=True
        )
    )


@pytest.fixture
def story(cast, at):  # type: ignore[no-untyped-def]
    rc = cast.bodies["rc"]
    karachi_extra = cast.people["extra_karachi"]
    at("2026-02-10T09:00:00")
    asad = apply_for_membership(name="Asad Ali", branch=cast.karachi)
    bano = apply_for_membership(name="Bano Rind", branch=cast.karachi)
    chand = apply_for_membership(name="Chand Butt", branch=_lahore())
    at("2026-03-02T09:00:00")
    first = hold(rc, by=cast.rashid, present=rc_members(rc), notice_days=8)  # 2026-03-10
    admit_member(
        asad, decision=Decision(by=cast.rashid, body=rc, meeting=first, votes=Votes(7, 0, 0))
    )
    at("2026-04-15T09:00:00")
    resign_membership(karachi_extra[6], by=karachi_extra[6], letter="I resign.")
    at("2026-05-05T09:00:00")
    transfer_member(karachi_extra[5], to_branch=cast.hyderabad, by=karachi_extra[5])
    at("2026-05-20T09:00:00")
    second = hold(rc, by=cast.rashid, present=rc_members(rc)[:5], notice_days=8)  # 2026-05-28
    admit_member(
        bano, decision=Decision(by=cast.rashid, body=rc, meeting=second, votes=Votes(5, 0, 0))
    )
    at("2026-06-01T09:00:00")
    branch = cast.body("branch_meeting", cast.karachi)
    present = [cast.bilal, cast.alice, cast.farhan, cast.saima, *karachi_extra[:4]]
    branch_meeting = hold(branch, by=cast.bilal, present=present)  # 2026-06-16
    at("2026-07-15T09:00:00")
    return SimpleNamespace(
        cast=cast,
        asad=asad,
        bano=bano,
        chand=chand,
        first=first,
        second=second,
        branch_meeting=branch_meeting,
        today=dt.date(2026, 7, 15),
    )


def _lahore():  # type: ignore[no-untyped-def]
    from charter.org.models import Unit

    return Unit.objects.get(name="Lahore Central")
