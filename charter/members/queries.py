"""Read models about members that span apps (standing under the rulebook in force)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from charter.members.models import Member
from charter.rulebook import compute, rosters
from charter.rulebook.store import rulebook_on


@dataclass(frozen=True)
class Standing:
    status: str
    good_standing: bool
    arrears_months: int
    max_arrears_months: int
    paid_until: dt.date | None


def standing_of(member: Member, on: dt.date) -> Standing:
    rb = rulebook_on(on)
    limit = rosters.max_arrears(rb)
    good = Member.objects.filter(pk=member.pk).in_good_standing(on, limit).exists()
    return Standing(member.status, good, compute.arrears_months(member.dues_paid_until, on), limit, member.dues_paid_until)
