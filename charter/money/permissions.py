"""Who may look at what in the money. The rulebook says who keeps the accounts (the offices its
finance acts name: for the WDA the Branch and Regional Secretaries) and which body audits them
(``finance.audited_by``: the Control Commission). Web permissions only say who may ask; the acts
ask the rulebook again.

- A treasurer sees the dues, arrears, statements and accounts of the units of their office, and below.
- The auditing body's members see every unit's accounts and the yearly statement.
- Every member sees the bands, the open funds with their totals, and their own dues and receipts.
"""

from __future__ import annotations

from django.http import Http404

from charter.lib import clock
from charter.members import permissions
from charter.members.models import Member
from charter.money.models import Contribution, Fund, StatementImport, StatementRow
from charter.org.models import Mandate, Unit
from charter.rulebook.store import rulebook_on


def treasurer_offices() -> list[str]:
    rb = rulebook_on(clock.today())
    acts = rb.acts
    if "record_dues_payment" not in acts:
        return []
    return [d["office"] for d in acts["record_dues_payment"]["decided_by"] if "office" in d]


def treasurer_units(member: Member) -> list[Unit]:
    """The units whose accounts ``member`` keeps (their office's body's unit)."""
    ids = (
        Mandate.objects.current()
        .filter(member=member, office__in=treasurer_offices(), suspended=False)
        .values_list("body__unit_id", flat=True)
    )
    return list(Unit.objects.filter(pk__in=list(ids)).order_by("path"))


def is_auditor(member: Member) -> bool:
    kind = rulebook_on(clock.today()).section("finance").get("audited_by")
    return (
        bool(kind)
        and Mandate.objects.current()
        .filter(member=member, body__kind=kind, office="", suspended=False)
        .exists()
    )


def account_units(member: Member) -> list[Unit]:
    """Units whose accounts ``member`` may see: all for the auditing body, else their own."""
    if is_auditor(member):
        return list(Unit.objects.filter(parent=None))
    return treasurer_units(member)


def may_see_unit(member: Member, unit: Unit) -> bool:
    return any(unit.path.startswith(u.path) for u in account_units(member))


def may_keep_unit(member: Member, unit: Unit) -> bool:
    return any(unit.path.startswith(u.path) for u in treasurer_units(member))


def get_unit_for(user, pk: int, *, keep: bool = False) -> tuple[Unit, Member]:  # type: ignore[no-untyped-def]
    """A unit's money pages: for those who keep (``keep``) or may see its accounts; else 404."""
    viewer = permissions.member_of(user)
    unit = Unit.objects.filter(pk=pk).first()
    if unit is None or not (may_keep_unit(viewer, unit) if keep else may_see_unit(viewer, unit)):
        raise Http404
    return unit, viewer


def get_statement_for(user, pk: int) -> tuple[StatementImport, Member]:  # type: ignore[no-untyped-def]
    viewer = permissions.member_of(user)
    imp = StatementImport.objects.select_related("unit").filter(pk=pk).first()
    if imp is None or not may_see_unit(viewer, imp.unit):
        raise Http404
    return imp, viewer


def get_row_for(user, pk: int, line: int) -> tuple[StatementRow, Member]:  # type: ignore[no-untyped-def]
    imp, viewer = get_statement_for(user, pk)
    row = StatementRow.objects.filter(statement=imp, line=line).first()
    if row is None:
        raise Http404
    return row, viewer


def get_fund_for(user, pk: int) -> tuple[Fund, Member]:  # type: ignore[no-untyped-def]
    """Funds are open to every member (who gave is seen only by those who keep or audit the accounts)."""
    viewer = permissions.member_of(user)
    fund = Fund.objects.select_related("unit", "conference").filter(pk=pk).first()
    if fund is None:
        raise Http404
    return fund, viewer


def get_receipt_for(user, pk: int) -> tuple[Contribution, Member]:  # type: ignore[no-untyped-def]
    """A receipt: for the member who paid, and those who keep or audit the unit's accounts."""
    viewer = permissions.member_of(user)
    row = (
        Contribution.objects.select_related("fund", "unit", "member", "received_by")
        .filter(pk=pk)
        .first()
    )
    if row is None or not (row.member_id == viewer.pk or may_see_unit(viewer, row.unit)):
        raise Http404
    return row, viewer
