"""The money API: bands, a member's dues, a unit's arrears, payments (one, bulk), bank statements
and their review, funds with pledges and receipts, and the yearly statement. Refusals answer 403
with the articles (charter/api.py); bad input answers 400 naming the field (or the line and column
of a statement)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from charter.lib import clock
from charter.meetings.api import VotesIn
from charter.meetings.models import Meeting
from charter.members import permissions
from charter.members.actions import record_dues_payment
from charter.members.models import Member
from charter.money import actions, queries
from charter.money import permissions as perms
from charter.money.models import Fund
from charter.money.statement import StatementError
from charter.org.models import Body
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision

router = Router(auth=django_auth, tags=["money"])  # every operation: signed in


class Problem(Schema):
    detail: str
    field: str = ""
    line: int | None = None
    column: str = ""


def answers_bad_input(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except actions.InvalidMoney as exc:
            return Status(400, Problem(detail=str(exc), field=exc.field))
        except StatementError as exc:
            return Status(
                400, Problem(detail=exc.message, field="file", line=exc.line, column=exc.column)
            )

    return wrapper


def _member(number: str, field: str = "number") -> Member:
    member = queries.member_by_number(number)
    if member is None:
        raise actions.InvalidMoney(
            _("No member has the number %(number)s.") % {"number": number[:32]}, field=field
        )
    return member


def _dues_now(member: Member) -> DuesOut:
    """The member's dues as they stand after the act (read again: the act changed the row)."""
    return _dues(queries.arrears_of(Member.objects.get(pk=member.pk)))


class BandOut(Schema):
    id: int
    name: str
    income_from: Decimal
    income_to: Decimal | None
    monthly: Decimal
    since: dt.date


class BandIn(Schema):
    name: str
    income_from: Decimal = Decimal("0")
    income_to: Decimal | None = None
    monthly: Decimal


class BandsIn(Schema):
    body_id: int
    meeting_id: int
    votes: VotesIn
    bands: list[BandIn]


class DuesOut(Schema):
    number: str
    name: str
    status: str
    paid_until: dt.date | None
    band: str
    monthly: Decimal | None
    months_owed: int
    owed: Decimal | None
    in_good_standing: bool


def _dues(a: queries.Arrears) -> DuesOut:
    m = a.member
    return DuesOut(
        number=m.number,
        name=m.name,
        status=m.status,
        paid_until=m.dues_paid_until,
        band=a.band,
        monthly=a.monthly,
        months_owed=a.months,
        owed=a.owed,
        in_good_standing=a.in_good_standing,
    )


@router.get("/money/bands", response=list[BandOut], summary="The dues bands in force")
def bands(request: HttpRequest) -> list[BandOut]:
    permissions.member_of(request.user)
    return [BandOut.from_orm(b) for b in queries.bands()]


@router.post(
    "/money/bands",
    response={201: list[BandOut], 400: Problem},
    summary="Set the dues bands (a decision of the body the rules name, at its meeting)",
)
@answers_bad_input
def set_bands(request: HttpRequest, payload: BandsIn) -> Status:
    viewer = permissions.member_of(request.user)
    body = Body.objects.filter(pk=payload.body_id).first()
    meeting = Meeting.objects.filter(pk=payload.meeting_id, body=body).first() if body else None
    if body is None:
        raise actions.InvalidMoney(_("No such body."), field="body_id")
    if meeting is None:
        raise actions.InvalidMoney(_("No such meeting of that body."), field="meeting_id")
    votes = J.Votes(payload.votes.yes, payload.votes.no, payload.votes.abstain)
    made = actions.set_dues_bands(
        bands=[b.dict() for b in payload.bands],
        decision=Decision(by=viewer, body=body, meeting=meeting, votes=votes),
    )
    return Status(201, [BandOut.from_orm(b) for b in made])


@router.get("/money/me", response=DuesOut, summary="My dues: band, paid up to, arrears")
def me(request: HttpRequest) -> DuesOut:
    return _dues(queries.arrears_of(permissions.member_of(request.user)))


@router.get(
    "/money/units/{unit_id}/arrears",
    response=list[DuesOut],
    summary="A unit's members in arrears (for those who keep or audit its accounts)",
)
def unit_arrears(request: HttpRequest, unit_id: int, all: bool = False) -> list[DuesOut]:  # noqa: A002
    unit, _viewer = perms.get_unit_for(request.user, unit_id)
    return [_dues(a) for a in queries.arrears(unit, only_behind=not all)]


class PaymentIn(Schema):
    number: str
    months: int
    amount: Decimal
    reference: str = ""


@router.post(
    "/money/payments",
    response={201: DuesOut, 400: Problem},
    summary="Record a dues payment (by the officer who keeps the member's unit's accounts)",
)
@answers_bad_input
def pay(request: HttpRequest, payload: PaymentIn) -> Status:
    viewer = permissions.member_of(request.user)
    member = _member(payload.number)
    if payload.months < 1:
        raise actions.InvalidMoney(_("A payment covers at least one month."), field="months")
    actions.money(payload.amount, field="amount", positive=False)
    record_dues_payment(
        member,
        months=payload.months,
        amount=str(payload.amount),
        reference=payload.reference[:100],
        by=viewer,
    )
    return Status(201, _dues_now(member))


class BulkIn(Schema):
    payments: list[PaymentIn]
    reference: str = ""


@router.post(
    "/money/payments/bulk",
    response={201: list[DuesOut], 400: Problem},
    summary="Record many dues payments: all or none",
)
@answers_bad_input
def pay_bulk(request: HttpRequest, payload: BulkIn) -> Status:
    viewer = permissions.member_of(request.user)
    rows = []
    for i, p in enumerate(payload.payments):
        if p.months < 1:
            raise actions.InvalidMoney(
                _("A payment covers at least one month."), field=f"payments[{i}].months"
            )
        rows.append(
            (
                _member(p.number, f"payments[{i}].number"),
                p.months,
                str(actions.money(p.amount, field=f"payments[{i}].amount", positive=False)),
            )
        )
    done = actions.record_dues_payments(by=viewer, payments=rows, reference=payload.reference[:100])
    return Status(201, [_dues_now(m) for m in done])


class RowOut(Schema):
    line: int
    booked_on: dt.date
    amount: Decimal
    text: str
    state: str
    why: str
    member: str | None
    candidates: list[str]
    months: int | None


class StatementOut(Schema):
    id: int
    unit_id: int
    imported_at: dt.datetime
    filename: str
    sha256: str
    entry_index: int | None
    counts: dict[str, int]
    rows: list[RowOut]


def _statement(imp: Any) -> StatementOut:
    rows = list(imp.rows.select_related("member", "payment").order_by("line"))
    numbers = dict(
        Member.objects.filter(pk__in={c for r in rows for c in r.candidates}).values_list(
            "pk", "number"
        )
    )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    return StatementOut(
        id=imp.pk,
        unit_id=imp.unit_id,
        imported_at=imp.imported_at,
        filename=imp.filename,
        sha256=imp.sha256,
        entry_index=imp.entry_index,
        counts=counts,
        rows=[
            RowOut(
                line=r.line,
                booked_on=r.booked_on,
                amount=r.amount,
                text=r.text,
                state=r.state,
                why=r.why,
                member=r.member.number if r.member else None,
                candidates=[numbers[c] for c in r.candidates if c in numbers],
                months=r.payment.months if r.payment else None,
            )
            for r in rows
        ],
    )


@router.post(
    "/money/units/{unit_id}/statements",
    response={201: StatementOut, 400: Problem},
    summary="Import a bank statement (CSV upload)",
)
@answers_bad_input
def import_statement(request: HttpRequest, unit_id: int, file: File[UploadedFile]) -> Status:
    unit, viewer = perms.get_unit_for(request.user, unit_id, keep=True)
    imp = actions.import_bank_statement(
        unit=unit, by=viewer, data=file.read(), filename=file.name or ""
    )
    return Status(201, _statement(imp))


@router.get(
    "/money/statements/{statement_id}",
    response=StatementOut,
    summary="An imported statement with every line and its state",
)
def statement(request: HttpRequest, statement_id: int) -> StatementOut:
    imp, _viewer = perms.get_statement_for(request.user, statement_id)
    return _statement(imp)


class AssignIn(Schema):
    number: str
    months: int | None = None


@router.post(
    "/money/statements/{statement_id}/lines/{line}/assign",
    response={200: StatementOut, 400: Problem},
    summary="Assign a line under review to a member",
)
@answers_bad_input
def assign(request: HttpRequest, statement_id: int, line: int, payload: AssignIn) -> Status:
    row, viewer = perms.get_row_for(request.user, statement_id, line)
    actions.assign_statement_row(
        row, member=_member(payload.number), by=viewer, months=payload.months
    )
    return Status(200, _statement(row.statement))


@router.post(
    "/money/statements/{statement_id}/lines/{line}/discard",
    response={200: StatementOut, 400: Problem},
    summary="Set a line under review aside (it stays listed)",
)
@answers_bad_input
def discard(request: HttpRequest, statement_id: int, line: int) -> Status:
    row, viewer = perms.get_row_for(request.user, statement_id, line)
    actions.discard_statement_row(row, by=viewer)
    return Status(200, _statement(row.statement))


class RegionOut(Schema):
    unit_id: int
    name: str
    received: Decimal
    receipts: int


class FundOut(Schema):
    id: int
    kind: str
    title: str
    unit_id: int
    opened_on: dt.date
    closes_on: dt.date | None
    target: Decimal | None
    pledged: Decimal
    pledges: int
    received: Decimal
    receipts: int
    cash: Decimal
    transfer: Decimal
    by_region: list[RegionOut]


def _fund(f: Fund) -> FundOut:
    t = queries.fund_totals(f)
    return FundOut(
        id=f.pk,
        kind=f.kind,
        title=f.title,
        unit_id=f.unit_id,
        opened_on=f.opened_on,
        closes_on=f.closes_on,
        target=f.target,
        pledged=t.pledged,
        pledges=t.pledges,
        received=t.received,
        receipts=t.contributions,
        cash=t.cash,
        transfer=t.transfer,
        by_region=[
            RegionOut(unit_id=u.pk, name=u.name, received=total, receipts=n)
            for u, total, n in queries.fund_totals_by_region(f)
        ],
    )


@router.get(
    "/money/funds",
    response=list[FundOut],
    summary="Open collections and appeals with their totals",
)
def funds(request: HttpRequest) -> list[FundOut]:
    permissions.member_of(request.user)
    return [_fund(f) for f in queries.open_funds()]


@router.get(
    "/money/funds/{fund_id}",
    response=FundOut,
    summary="A fund: totals, and totals by region of the payer",
)
def fund(request: HttpRequest, fund_id: int) -> FundOut:
    f, _viewer = perms.get_fund_for(request.user, fund_id)
    return _fund(f)


class FundIn(Schema):
    kind: str
    unit_id: int
    title: str
    target: Decimal | None = None
    closes_on: dt.date | None = None


@router.post(
    "/money/funds",
    response={201: FundOut, 400: Problem},
    summary="Open a collection or an appeal (by an officer who keeps the unit's accounts)",
)
@answers_bad_input
def open_fund(request: HttpRequest, payload: FundIn) -> Status:
    viewer = permissions.member_of(request.user)
    from charter.org.models import Unit

    unit = Unit.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise actions.InvalidMoney(_("No such unit."), field="unit_id")
    f = actions.open_fund(
        kind=payload.kind,
        unit=unit,
        title=payload.title,
        target=payload.target,
        closes_on=payload.closes_on,
        by=viewer,
    )
    return Status(201, _fund(f))


class PledgeIn(Schema):
    amount: Decimal


@router.post(
    "/money/funds/{fund_id}/pledges",
    response={201: FundOut, 400: Problem},
    summary="Pledge to an appeal (myself)",
)
@answers_bad_input
def pledge(request: HttpRequest, fund_id: int, payload: PledgeIn) -> Status:
    f, viewer = perms.get_fund_for(request.user, fund_id)
    actions.pledge_to_fund(f, member=viewer, amount=payload.amount)
    return Status(201, _fund(f))


class ContributionIn(Schema):
    amount: Decimal
    method: str
    number: str = ""
    payer: str = ""


class FundReceiptOut(Schema):
    id: int
    receipt_number: str
    fund_id: int
    unit_id: int
    amount: Decimal
    method: str
    received_on: dt.date
    entry_index: int | None


@router.post(
    "/money/funds/{fund_id}/contributions",
    response={201: FundReceiptOut, 400: Problem},
    summary="Receipt a contribution (cash or transfer)",
)
@answers_bad_input
def contribute(request: HttpRequest, fund_id: int, payload: ContributionIn) -> Status:
    f, viewer = perms.get_fund_for(request.user, fund_id)
    member = _member(payload.number) if payload.number.strip() else None
    row = actions.receive_contribution(
        f,
        by=viewer,
        amount=payload.amount,
        method=payload.method,
        member=member,
        payer=payload.payer,
    )
    return Status(201, FundReceiptOut.from_orm(row))


class MonthOut(Schema):
    month: str
    dues: Decimal
    collection: Decimal
    appeal: Decimal


class UnitSumOut(Schema):
    unit_id: int
    name: str
    dues: Decimal
    collection: Decimal
    appeal: Decimal


class StatementYearOut(Schema):
    unit_id: int
    year: int
    audited_by: str
    article: str
    totals: dict[str, Decimal]
    counts: dict[str, int]
    total: Decimal
    months: list[MonthOut]
    units: list[UnitSumOut]


@router.get(
    "/money/units/{unit_id}/accounts/{year}",
    response={200: StatementYearOut, 400: Problem},
    summary="The yearly statement of a unit's accounts, for the auditing body",
)
@answers_bad_input
def accounts(request: HttpRequest, unit_id: int, year: int) -> Status:
    unit, _viewer = perms.get_unit_for(request.user, unit_id)
    if not 1900 < year < 3000:
        raise actions.InvalidMoney(_("No such year."), field="year")
    acc = queries.accounts(unit, *queries.year_bounds(year))
    fin = queries.finance(min(dt.date(year, 12, 31), clock.today()))
    return Status(
        200,
        StatementYearOut(
            unit_id=unit.pk,
            year=year,
            audited_by=fin.get("audited_by", ""),
            article=fin.get("article", ""),
            totals=acc.totals,
            counts=acc.counts,
            total=acc.total,
            months=[MonthOut(month=m.strftime("%Y-%m"), **s) for m, s in acc.months],
            units=[UnitSumOut(unit_id=u.pk, name=u.name, **s) for u, s in acc.by_unit],
        ),
    )
