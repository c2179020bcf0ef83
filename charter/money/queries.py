"""Read models of the money: arrears per member, the accounts of a unit over a period, the yearly
statement for the auditing body, and a fund's totals (overall and by region), which a conference's
report reads too."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth

from charter.lib import clock
from charter.meetings.models import Meeting
from charter.members.models import DuesPayment, Member, Status
from charter.money.models import BandAssignment, Contribution, DuesBand, Fund, Pledge
from charter.org.models import Body, Unit
from charter.rulebook import rosters
from charter.rulebook.compute import arrears_months
from charter.rulebook.rosters import max_arrears
from charter.rulebook.store import rulebook_on

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def q(value: Decimal | None) -> Decimal:
    """An amount in cents (SQLite's sums come back without their scale)."""
    return Decimal(value or 0).quantize(CENT)


KINDS = ("dues", "collection", "appeal")


def finance(on: dt.date | None = None) -> dict:  # type: ignore[type-arg]
    """The rulebook's finance section, with the auditing body's name and the bands' body."""
    rb = rulebook_on(on or clock.today())
    f = rb.section("finance")
    audited_by = f.get("audited_by")
    bands_by = (
        [d["body"] for d in rb.act("set_dues_bands")["decided_by"] if "body" in d]
        if "set_dues_bands" in rb.acts
        else []
    )
    return {
        **f,
        "auditor_name": rb.body(audited_by)["name"] if audited_by else "",
        "bands_body": bands_by[0] if bands_by else "",
        "bands_body_name": rb.body(bands_by[0])["name"] if bands_by else "",
        "bands_article": rb.act("set_dues_bands")["article"] if "set_dues_bands" in rb.acts else "",
        "max_arrears": max_arrears(rb),
        "lapse": rb.section("membership").get("lapse") or {},
    }


def bands_meetings(viewer: Member) -> QuerySet[Meeting]:
    """The held meetings at which ``viewer`` may enter the decision that sets the dues bands: those
    of the bodies the rulebook names for it (the WDA's Congress, 10.1) on which the viewer sits.
    Whether the decision stands (notice, quorum, majority) is for the rulebook to say."""
    today = clock.today()
    rb = rulebook_on(today)
    kinds = (
        [d["body"] for d in rb.act("set_dues_bands")["decided_by"] if "body" in d]
        if "set_dues_bands" in rb.acts
        else []
    )
    bodies = [
        b.pk
        for b in Body.objects.filter(kind__in=kinds).select_related("unit")
        if rosters.sits_on(b, viewer, today, rb)
    ]
    return (
        Meeting.objects.filter(
            body_id__in=bodies, state=Meeting.State.HELD, starts_at__lte=clock.now()
        )
        .select_related("body")
        .order_by("-starts_at")
    )


def member_by_number(number: str) -> Member | None:
    """The member with this membership number (any case, spaces around ignored), or None."""
    number = number.strip()
    return (
        Member.objects.select_related("branch").filter(number__iexact=number).first()
        if number
        else None
    )


def auditing_body() -> Body | None:
    kind = finance().get("audited_by")
    return Body.objects.filter(kind=kind).order_by("unit__path").first() if kind else None


# --- dues ------------------------------------------------------------------------------------------


@dataclass
class Arrears:
    member: Member
    band: str
    monthly: Decimal | None
    months: int
    owed: Decimal | None
    in_good_standing: bool


def _band_subquery(column: str) -> Subquery:
    latest = BandAssignment.objects.filter(
        member=OuterRef("pk"), since__lte=clock.today()
    ).order_by("-since", "-id")
    return Subquery(latest.values(f"band__{column}")[:1])


def arrears(unit: Unit, *, only_behind: bool = False, limit: int = 500) -> list[Arrears]:
    """The members of ``unit`` with their band, the months they owe and what that comes to."""
    today = clock.today()
    good = max_arrears(rulebook_on(today))
    rows = (
        Member.objects.within(unit)
        .filter(status__in=[Status.MEMBER, Status.SUSPENDED, Status.LAPSED])
        .select_related("branch")
    )
    if only_behind:
        rows = rows.filter(dues_paid_until__lt=today)
    rows = rows.annotate(
        band_name=_band_subquery("name"), band_monthly=_band_subquery("monthly")
    ).order_by("dues_paid_until", "name")[:limit]
    out = []
    for m in rows:
        months = arrears_months(m.dues_paid_until, today)
        monthly = m.band_monthly  # type: ignore[attr-defined]
        out.append(
            Arrears(
                m,
                m.band_name or "",
                monthly,
                months,
                (monthly * months) if monthly is not None else None,
                m.status == Status.MEMBER and months <= good,
            )
        )  # type: ignore[attr-defined]
    return out


def arrears_of(member: Member) -> Arrears:
    today = clock.today()
    row = (
        BandAssignment.objects.filter(member=member, since__lte=today)
        .select_related("band")
        .order_by("-since", "-id")
        .first()
    )
    months = arrears_months(member.dues_paid_until, today)
    monthly = row.band.monthly if row else None
    good = max_arrears(rulebook_on(today))
    return Arrears(
        member,
        row.band.name if row else "",
        monthly,
        months,
        monthly * months if monthly is not None else None,
        member.status == Status.MEMBER and months <= good,
    )


def bands(on: dt.date | None = None) -> list[DuesBand]:
    on = on or clock.today()
    return list(
        DuesBand.objects.filter(since__lte=on)
        .exclude(until__lte=on)
        .annotate(members=Count("assignments"))
        .order_by("income_from")
    )


# --- accounts ---------------------------------------------------------------------------------------


@dataclass
class Accounts:
    unit: Unit
    start: dt.date
    end: dt.date  # inclusive
    totals: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    months: list[tuple[dt.date, dict[str, Decimal]]] = field(default_factory=list)
    by_unit: list[tuple[Unit, dict[str, Decimal]]] = field(default_factory=list)
    funds: list[tuple[Fund, Decimal, int]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum(self.totals.values(), ZERO)


def _streams(unit: Unit, start: dt.date, end: dt.date) -> dict[str, tuple[object, str, str]]:
    dues = DuesPayment.objects.filter(
        member__branch__path__startswith=unit.path, paid_on__gte=start, paid_on__lte=end
    )
    contributions = Contribution.objects.filter(
        unit__path__startswith=unit.path, received_on__gte=start, received_on__lte=end
    )
    return {
        "dues": (dues, "paid_on", "member__branch__path"),
        "collection": (
            contributions.filter(fund__kind=Fund.Kind.COLLECTION),
            "received_on",
            "unit__path",
        ),
        "appeal": (contributions.filter(fund__kind=Fund.Kind.APPEAL), "received_on", "unit__path"),
    }


def accounts(unit: Unit, start: dt.date, end: dt.date) -> Accounts:
    """Income of ``unit`` and the units below it from ``start`` to ``end``, by kind (dues,
    collections, appeals), month by month, by the units one level down, and by fund. Aggregated in
    the database: a few queries whatever the size."""
    acc = Accounts(unit=unit, start=start, end=end)
    monthly: dict[dt.date, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(KINDS, ZERO))
    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    child_of = {c.path: c for c in children}
    per_child: dict[int, dict[str, Decimal]] = {c.pk: dict.fromkeys(KINDS, ZERO) for c in children}
    money = DecimalField(max_digits=14, decimal_places=2)
    for kind, (rows, date_field, path_field) in _streams(unit, start, end).items():
        agg = rows.aggregate(total=Sum("amount", output_field=money), n=Count("id"))  # type: ignore[attr-defined]
        acc.totals[kind] = q(agg["total"])
        acc.counts[kind] = agg["n"]
        for row in (
            rows.annotate(month=TruncMonth(date_field))
            .values("month")
            .annotate(total=Sum("amount", output_field=money))
        ):  # type: ignore[attr-defined]
            month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
            monthly[month][kind] = q(row["total"])
        if children:
            for row in rows.values(path_field).annotate(total=Sum("amount", output_field=money)):  # type: ignore[attr-defined]
                path = row[path_field]
                child = next((c for p, c in child_of.items() if path.startswith(p)), None)
                if child is not None:
                    per_child[child.pk][kind] += q(row["total"])
    acc.months = sorted(monthly.items())
    acc.by_unit = [(c, per_child[c.pk]) for c in children]
    funds = (
        Contribution.objects.filter(
            unit__path__startswith=unit.path, received_on__gte=start, received_on__lte=end
        )
        .values("fund")
        .annotate(total=Sum("amount", output_field=money), n=Count("id"))
    )
    by_fund = {r["fund"]: (q(r["total"]), r["n"]) for r in funds}
    acc.funds = [
        (f, *by_fund[f.pk]) for f in Fund.objects.filter(pk__in=by_fund).order_by("opened_on", "id")
    ]
    return acc


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _fmt(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def statement_csv_rows(acc: Accounts) -> list[list[str]]:
    """The yearly statement as rows: totals by kind, month by month, by unit, by fund."""
    rows: list[list[str]] = [["section", "name", *KINDS, "total"]]
    rows.append(
        ["total", acc.unit.name, *(_fmt(acc.totals.get(k, ZERO)) for k in KINDS), _fmt(acc.total)]
    )
    for month, sums in acc.months:
        rows.append(
            [
                "month",
                month.strftime("%Y-%m"),
                *(_fmt(sums[k]) for k in KINDS),
                _fmt(sum(sums.values(), ZERO)),
            ]
        )
    for unit, sums in acc.by_unit:
        rows.append(
            ["unit", unit.name, *(_fmt(sums[k]) for k in KINDS), _fmt(sum(sums.values(), ZERO))]
        )
    for fund, total, _n in acc.funds:
        rows.append(
            [
                "fund",
                fund.title,
                *(_fmt(total) if fund.kind == k else "0.00" for k in KINDS),
                _fmt(total),
            ]
        )
    return rows


# --- funds ------------------------------------------------------------------------------------------


@dataclass
class FundTotals:
    target: Decimal | None
    pledged: Decimal
    pledges: int
    received: Decimal
    contributions: int
    cash: Decimal
    transfer: Decimal

    @property
    def percent(self) -> int | None:
        return int(self.received * 100 / self.target) if self.target else None


def fund_totals(fund: Fund) -> FundTotals:
    """What a fund has raised: pledges and receipted contributions (by method)."""
    p = Pledge.objects.filter(fund=fund).aggregate(total=Sum("amount"), n=Count("id"))
    by_method = dict(
        Contribution.objects.filter(fund=fund)
        .values("method")
        .annotate(total=Sum("amount"))
        .values_list("method", "total")
    )
    c = Contribution.objects.filter(fund=fund).aggregate(total=Sum("amount"), n=Count("id"))
    return FundTotals(
        target=fund.target,
        pledged=q(p["total"]),
        pledges=p["n"],
        received=q(c["total"]),
        contributions=c["n"],
        cash=q(by_method.get("cash")),
        transfer=q(by_method.get("transfer")),
    )


def fund_totals_by_region(fund: Fund) -> list[tuple[Unit, Decimal, int]]:
    """Received, by the region of the payer's unit (the level below the top, as the rulebook names
    its levels); what was given at the top unit itself is listed under it."""
    rb = rulebook_on(clock.today())
    region_level = rb.levels[1]["key"] if len(rb.levels) > 1 else rb.levels[0]["key"]
    regions = {u.pk: u for u in Unit.objects.filter(level=region_level)}
    sums: dict[int, list] = {}  # type: ignore[type-arg]
    for row in (
        Contribution.objects.filter(fund=fund)
        .values("unit__path")
        .annotate(total=Sum("amount"), n=Count("id"))
    ):
        ids = [int(x) for x in row["unit__path"].strip("/").split("/") if x]
        key = next((i for i in ids if i in regions), ids[0])
        entry = sums.setdefault(key, [ZERO, 0])
        entry[0] += row["total"]
        entry[1] += row["n"]
    units = {u.pk: u for u in Unit.objects.filter(pk__in=sums)}
    return sorted(((units[k], q(v[0]), v[1]) for k, v in sums.items()), key=lambda r: r[0].name)


def open_funds() -> list[Fund]:
    today = clock.today()
    return list(
        Fund.objects.exclude(closes_on__lt=today)
        .select_related("unit")
        .order_by("-opened_on", "-id")[:100]
    )


def report_figures(conference: object) -> dict:  # type: ignore[type-arg]
    """What a conference's funds received, for its report (decision 0014): the total in the
    rulebook's currency, by the payer's region and by fund, from the receipted contributions."""
    funds = list(Fund.objects.filter(conference=conference).order_by("opened_on", "id"))
    by_region: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for fund in funds:
        for unit, total, _n in fund_totals_by_region(fund):
            by_region[unit.name] += total
    received = dict(
        Contribution.objects.filter(fund__in=funds)
        .values("fund")
        .annotate(total=Sum("amount"))
        .values_list("fund", "total")
    )
    appeals = [(f.title, q(received.get(f.pk))) for f in funds]
    return {
        "currency": finance().get("currency", ""),
        "total": q(sum((a for _t, a in appeals), ZERO)),
        "by_region": sorted(by_region.items(), key=lambda kv: (-kv[1], kv[0])),
        "appeals": appeals,
    }
