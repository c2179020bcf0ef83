from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from charter.lib import clock
from charter.members import permissions
from charter.members.models import Member
from charter.members.queries import standing_of
from charter.org.models import Mandate

router = Router(tags=["members"])


class MandateOut(Schema):
    body_id: int
    body: str
    office: str
    filled_by: str
    starts_on: dt.date
    expires_on: dt.date | None
    suspended: bool


class MemberOut(Schema):
    id: int
    number: str
    name: str
    status: str
    status_since: dt.date
    branch_id: int
    branch: str
    good_standing: bool
    arrears_months: int
    dues_paid_until: dt.date | None
    mandates: list[MandateOut]


def _out(member: Member) -> MemberOut:
    standing = standing_of(member, clock.today())
    mandates = [
        MandateOut(body_id=m.body_id, body=m.body.name, office=m.office, filled_by=m.filled_by, starts_on=m.starts_on, expires_on=m.expires_on, suspended=m.suspended)
        for m in Mandate.objects.current().filter(member=member).select_related("body")
    ]
    return MemberOut(
        id=member.pk, number=member.number, name=member.name, status=member.status, status_since=member.status_since,
        branch_id=member.branch_id, branch=member.branch.name, good_standing=standing.good_standing,
        arrears_months=standing.arrears_months, dues_paid_until=member.dues_paid_until, mandates=mandates,
    )


@router.get("/me", response=MemberOut, auth=django_auth, summary="My membership")
def me(request: HttpRequest) -> MemberOut:
    return _out(permissions.member_of(request.user))


@router.get("/members/{member_id}", response=MemberOut, auth=django_auth, summary="A member I may see")
def member(request: HttpRequest, member_id: int) -> MemberOut:
    return _out(permissions.get_member_for(request.user, member_id))
