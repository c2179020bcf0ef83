"""The dashboard of one unit (the whole organization at the top): month by month and now.

Monthly figures come from ``facts`` (the stored table plus the facts after its build, or all facts
counted live when the table has never been built); figures about now (arrears, applications waiting,
branches without a meeting, seats, terms, deadlines, initiatives) are read live from their tables.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from charter.dashboards import facts
from charter.dashboards.models import Build, MonthlyCount
from charter.dashboards.rollup import rules_for_dashboard
from charter.discipline.models import Deadline
from charter.initiatives.models import Initiative, Obligation
from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.members.models import Member, Status, StatusChange, Transfer, subtract_months
from charter.org.models import Mandate, Unit
from charter.rulebook import rosters
from charter.rulebook.store import rulebook_on

WINDOWS = (12, 24, 36, 60)  # the periods a dashboard shows, in months
# The monthly table: (measure, heading, the list behind it, whether that list is per month). The
# page, its CSV export and the API show these measures.
COLUMNS = [
    ("members", _("Members"), "members", False),
    ("applied", _("Applications"), "applied", True),
    ("admitted", _("Admissions"), "admitted", True),
    ("waiting", _("Applications waiting"), "waiting", False),
    ("lapsed", _("Lapses"), "lapsed", True),
    ("resigned", _("Resignations"), "resigned", True),
    ("expelled", _("Expulsions"), "expelled", True),
    ("reinstated", _("Reinstatements"), "reinstated", True),
    ("transfers_in", _("Transfers in"), None, True),
    ("transfers_out", _("Transfers out"), None, True),
    ("meetings", _("Meetings held"), "meetings", True),
    ("attendance", _("Attendance (%)"), "meetings", True),
    ("branches", _("Branches"), None, False),
    ("quiet_branches", _("Branches with no meeting in 60 days"), "quiet", False),
    ("small_branches", _("Branches below the minimum size"), "small", False),
    ("seats_elected", _("Seats filled by election"), "seats", False),
    ("seats_co_opted", _("Seats filled by co-option"), "seats", False),
    ("seats_appointed", _("Seats filled by appointment"), "seats", False),
    ("terms_expired", _("Terms expired without a new election"), "terms_expired", True),
    ("missed", _("Deadlines missed"), "missed", True),
]


class BadInput(InvalidInput):
    """A dashboard's period or month that cannot be read: a 400 saying which (page and API)."""


def months_from(raw: str | int | None) -> int:
    """The period asked for (``months``), one of ``WINDOWS``; 24 when not given."""
    text = "24" if raw is None or raw == "" else str(raw)
    if not text.isdigit() or int(text) not in WINDOWS:
        raise BadInput(
            _("months must be one of %(choices)s.") % {"choices": ", ".join(map(str, WINDOWS))}
        )
    return int(text)


def month_from(raw: str | None) -> dt.date | None:
    """The month asked for (``month``, written YYYY-MM), or None for the whole period."""
    if not raw:
        return None
    try:
        year, month = raw.split("-")
        if not 1900 <= int(year) < 3000:
            raise ValueError(year)
        return dt.date(int(year), int(month), 1)
    except ValueError as exc:
        raise BadInput(_("month must be written YYYY-MM.")) from exc


RENEWAL_WINDOW = dt.timedelta(
    days=90
)  # an election this long before a term's end, or after it, renews it
FILLED_BY = ("elected", "co_opted", "appointed")


@dataclass
class Dashboard:
    unit: Unit
    today: dt.date
    months: list[dt.date]
    monthly: dict[str, list[int]]
    now: dict[str, Any]
    children: list[dict[str, Any]]
    seats_by_kind: list[dict[str, Any]]
    seats_by_body: list[dict[str, Any]]
    initiatives: list[dict[str, Any]]
    rules: dict[str, Any]
    built_at: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)


def in_scope(unit: Unit, field_path: str) -> Q:
    """Everything when ``unit`` is the top (no join needed), else the subtree by path."""
    lookup = f"{field_path}__path__startswith" if field_path else "path__startswith"
    return Q() if unit.parent_id is None else Q(**{lookup: unit.path})


def window(today: dt.date, months: int) -> list[dt.date]:
    last = facts.month_of(today)
    first = facts.month_of(subtract_months(last, months - 1))
    return facts.months_between(first, last)


SmallFix = tuple[dict[int, int], dict[int, int]]


def monthly_counts(
    unit: Unit, months: list[dt.date], children: list[Unit], rules: tuple[str, int, int]
) -> tuple[dict[tuple[int, str], dict[dt.date, int]], dt.datetime | None, dict[int, int] | None]:
    """{(unit_id, measure): {month: n}} for ``unit`` and its children (nets summed from the start:
    the month before the window holds everything before it), when the table was built, and from
    it the branches below the minimum (stored per unit, and the +1/-1 of branches whose size
    changed since; None: count them from the register)."""
    home, min_members, within_days = rules
    build = Build.objects.first()
    before = subtract_months(months[0], 1)
    out: dict[tuple[int, str], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    ids = [unit.pk, *(c.pk for c in children)]

    def add(unit_id: int, month: dt.date, measure: str, n: int) -> None:
        if month < months[0]:
            if measure in facts.NETS:
                out[(unit_id, measure)][before] += n
            return
        out[(unit_id, measure)][month] += n

    if build is None:
        tree = facts.Tree.load(unit)
        counts = facts.count_flows(tree, within=unit, within_days=within_days)
        states = facts.derive_states(
            counts,
            tree,
            home_level=home,
            min_members=min_members,
            last_month=months[-1],
            within=unit,
        )
        for key, n in states.items():
            counts[key] += n
        for (unit_id, month, measure), n in counts.items():
            if unit_id in ids:
                add(unit_id, month, measure, n)
        return out, None, None
    stored = MonthlyCount.objects.filter(unit_id__in=ids, month__gte=months[0]).values_list(
        "unit_id", "month", "measure", "n"
    )
    for unit_id, month, measure, n in stored:
        add(unit_id, month, measure, n)
    earlier = (
        MonthlyCount.objects.filter(unit_id__in=ids, month__lt=months[0], measure__in=facts.NETS)
        .values("unit_id", "measure")
        .annotate(n=Sum("n"))
        .order_by()
    )
    for row in earlier:
        add(row["unit_id"], before, row["measure"], row["n"])
    # The facts after the build, counted live (few, if the table is rebuilt nightly).
    tree = facts.Tree.load(unit)
    # Skip the members' part of the tail when nothing has changed since the build (one query).
    newer = (
        StatusChange.objects.filter(id__gt=build.status_change_id).exists()
        or Transfer.objects.filter(id__gt=build.transfer_id).exists()
    )
    tail = facts.count_flows(
        tree,
        within=unit,
        status_change_after=build.status_change_id,
        transfer_after=build.transfer_id,
        meetings_from=build.meetings_before,
        within_days=within_days,
        members=newer,
    )
    for (unit_id, month, measure), n in tail.items():
        if unit_id in ids:
            add(unit_id, month, measure, n)
    # Branches below the minimum today: as stored at the build, corrected for the branches whose
    # members changed since (their stored size plus the change).
    built = facts.month_of(build.built_at)
    base = {uid: out.get((uid, "small_branches"), {}).get(built, 0) for uid in ids}
    changed = Counter(
        {
            k[0]: n
            for k, n in tail.items()
            if k[2] == "net_members"
            and n
            and tree.units.get(k[0])
            and tree.units[k[0]].level == home
        }
    )
    stored = dict(
        MonthlyCount.objects.filter(
            measure=facts.STOCK, month=built, unit_id__in=list(changed)
        ).values_list("unit_id", "n")
    )
    fix = {
        b: (stored.get(b, 0) + n < min_members) - (stored.get(b, 0) < min_members)
        for b, n in changed.items()
    }
    return out, build.built_at, (base, {b: f for b, f in fix.items() if f})


def _stock(values: dict[dt.date, int], months: list[dt.date]) -> list[int]:
    total = sum(n for m, n in values.items() if m < months[0])
    out = []
    for m in months:
        total += values.get(m, 0)
        out.append(total)
    return out


def dashboard(unit: Unit, *, today: dt.date, months: int = 24) -> Dashboard:
    rb = rulebook_on(today)
    home, min_members, within_days = rules = rules_for_dashboard(today, rb)
    max_arrears = rosters.max_arrears(rb)
    span = window(today, months)
    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    counts, built_at, small_fix = monthly_counts(unit, span, children, rules)
    mine = {measure: values for (uid, measure), values in counts.items() if uid == unit.pk}
    empty: dict[dt.date, int] = {}
    monthly: dict[str, list[int]] = {}
    for measure in facts.FLOWS + facts.STATES:
        monthly[measure] = [mine.get(measure, empty).get(m, 0) for m in span]
    monthly["members"] = _stock(mine.get("net_members", empty), span)
    monthly["waiting"] = _stock(mine.get("net_waiting", empty), span)
    monthly["attendance"] = [
        round(100 * p / r) if r else 0
        for p, r in zip(monthly["present"], monthly["roster"], strict=True)
    ]
    now = now_figures(
        unit,
        today=today,
        home=home,
        min_members=min_members,
        within_days=within_days,
        max_arrears=max_arrears,
        small_fix=small_fix,
    )
    # This month's branch states are the live ones (the table's may be older than today).
    monthly["branches"][-1] = now["branches"]
    monthly["quiet_branches"][-1] = now["quiet"]
    monthly["small_branches"][-1] = now["small"]
    seats_monthly = seats_filled_by_month(unit, span)
    for kind in FILLED_BY:
        monthly[f"seats_{kind}"] = [seats_monthly.get((m, kind), 0) for m in span]
    expired = terms_expired_without_election(unit, today=today, since=span[0])
    expired_by_month = {
        facts.month_of(row["m"]): row["n"]
        for row in expired.annotate(m=TruncMonth("expires_on"))
        .values("m")
        .annotate(n=Count("id"))
        .order_by()
    }
    monthly["terms_expired"] = [expired_by_month.get(m, 0) for m in span]
    missed = deadlines_missed_by_month(unit, span)
    monthly["missed_cases"] = [missed.get((m, "case"), 0) for m in span]
    monthly["missed_initiatives"] = [missed.get((m, "initiative"), 0) for m in span]
    monthly["missed_admissions"] = monthly["late_decisions"]
    monthly["missed"] = [
        a + b + c
        for a, b, c in zip(
            monthly["missed_cases"],
            monthly["missed_initiatives"],
            monthly["missed_admissions"],
            strict=True,
        )
    ]
    now["members"] = monthly["members"][-1]
    now["terms_expired"] = sum(expired_by_month.values())
    child_rows = []
    for child in children:
        values = {measure: vals for (uid, measure), vals in counts.items() if uid == child.pk}

        def total(measure: str, values: dict = values) -> int:
            return sum(n for m, n in values.get(measure, empty).items() if m >= span[0])

        def last(measure: str, values: dict = values) -> int:
            got = values.get(measure, empty)
            return got[max(got)] if got else 0

        present, roster = total("present"), total("roster")
        child_rows.append(
            {
                "unit": child,
                "members": sum(values.get("net_members", empty).values()),
                "waiting": sum(values.get("net_waiting", empty).values()),
                "applied": total("applied"),
                "admitted": total("admitted"),
                "lapsed": total("lapsed"),
                "resigned": total("resigned"),
                "expelled": total("expelled"),
                "meetings": total("meetings"),
                "attendance": round(100 * present / roster) if roster else None,
                "branches": now["branches_by_child"].get(child.pk, 0),
                "quiet": now["quiet_by_child"].get(child.pk, 0),
                "small": now["small_by_child"].get(child.pk, 0),
                "arrears": now["arrears_by_child"].get(child.pk, 0),
            }
        )
    by_kind, by_body = seats_now(unit, today=today, children=children, rb=rb)
    return Dashboard(
        unit=unit,
        today=today,
        months=span,
        monthly=monthly,
        now=now,
        children=child_rows,
        seats_by_kind=by_kind,
        seats_by_body=by_body,
        initiatives=open_initiatives(unit),
        rules={
            "min_members": min_members,
            "within_days": within_days,
            "max_arrears": max_arrears,
            "home_level": home,
            "quiet_days": 60,
        },
        built_at=built_at,
    )


def _child_of(unit: Unit, path: str) -> int | None:
    rest = path[len(unit.path) :].split("/", 1)[0]
    return int(rest) if rest.isdigit() else None


def now_figures(
    unit: Unit,
    *,
    today: dt.date,
    home: str,
    min_members: int,
    within_days: int,
    max_arrears: int,
    small_fix: SmallFix | None = None,
) -> dict[str, Any]:
    """Figures about today, each from one grouped query. ``sizes``: members per branch today, when
    the stored table gives them (else they are counted from the register)."""
    cutoff = subtract_months(today, max_arrears + 1)
    # Members in arrears beyond what good standing allows, per branch (one range of the
    # (status, dues_paid_until) index).
    arrears_by_branch = dict(
        Member.objects.filter(
            in_scope(unit, "branch"), status=Status.MEMBER, dues_paid_until__lte=cutoff
        )
        .values("branch_id")
        .annotate(n=Count("branch_id"))
        .order_by()
        .values_list("branch_id", "n")
    )
    branches: dict[int, tuple[str, dt.date, int | None]] = {}
    child_of_parent: dict[int, int | None] = {}  # branches share their parents: one lookup each
    rows = Unit.objects.filter(in_scope(unit, ""), level=home, dissolved_on__isnull=True).order_by()
    for pk, path, created, parent in rows.values_list("id", "path", "created_on", "parent_id"):
        if parent == unit.pk:
            branches[pk] = (path, created, pk)  # the branches are the children
            continue
        if parent not in child_of_parent:
            child_of_parent[parent] = _child_of(unit, path)
        branches[pk] = (path, created, child_of_parent[parent])
    sizes: dict[int, int] = {}
    if small_fix is None:
        sizes = dict(
            Member.objects.filter(in_scope(unit, "branch"), status__in=facts.CURRENT)
            .values("branch_id")
            .annotate(n=Count("branch_id"))
            .order_by()
            .values_list("branch_id", "n")
        )
    since = dt.datetime.combine(today - dt.timedelta(days=60), dt.time(), tzinfo=dt.UTC)
    met = set(
        Meeting.objects.filter(
            in_scope(unit, "body__unit"), state=Meeting.State.HELD, starts_at__gte=since
        )
        .order_by()
        .values_list("body__unit_id", flat=True)
        .distinct()
    )
    old_enough = today - dt.timedelta(days=60)
    quiet = {
        pk
        for pk, (_path, created, _c) in branches.items()
        if pk not in met and created <= old_enough
    }
    small = (
        {pk for pk in branches if sizes.get(pk, 0) < min_members} if small_fix is None else set()
    )
    waiting = list(
        Member.objects.filter(in_scope(unit, "branch"), status=Status.APPLICANT)
        .order_by()
        .values_list("applied_on", flat=True)
    )
    days = sorted((today - d).days for d in waiting)
    by_child: dict[str, Counter[int]] = {
        k: Counter() for k in ("branches", "quiet", "small", "arrears")
    }
    for pk, (_path, _created, child) in branches.items():
        if child is None:
            continue
        by_child["branches"][child] += 1
        by_child["quiet"][child] += pk in quiet
        by_child["small"][child] += pk in small
        by_child["arrears"][child] += arrears_by_branch.get(pk, 0)
    small_count = len(small)
    if small_fix is not None:
        base, fix = small_fix
        small_count = base.get(unit.pk, 0) + sum(fix.values())
        for pk, n in base.items():
            if pk != unit.pk:
                by_child["small"][pk] += n
        for pk, n in fix.items():
            child = branches[pk][2] if pk in branches else None
            if child is not None:
                by_child["small"][child] += n
    overdue = open_deadlines_overdue(unit, today)
    return {
        "arrears": sum(arrears_by_branch.values()),
        "branches": len(branches),
        "quiet": len(quiet),
        "small": small_count,
        "waiting": len(days),
        "waiting_median": int(statistics.median(days)) if days else 0,
        "waiting_longest": days[-1] if days else 0,
        "waiting_beyond": sum(1 for d in days if d > within_days),
        "overdue_cases": overdue["cases"],
        "overdue_initiatives": overdue["initiatives"],
        "branches_by_child": by_child["branches"],
        "quiet_by_child": by_child["quiet"],
        "small_by_child": by_child["small"],
        "arrears_by_child": by_child["arrears"],
    }


def open_deadlines_overdue(unit: Unit, today: dt.date) -> dict[str, int]:
    cases = Deadline.objects.filter(
        in_scope(unit, "body__unit"),
        body__isnull=False,
        state=Deadline.State.OPEN,
        due_on__lt=today,
    ).count()
    initiatives = Obligation.objects.filter(
        in_scope(unit, "body__unit"),
        fulfilled_at__isnull=True,
        missed_on__isnull=True,
        due_on__lt=today,
    ).count()
    return {"cases": cases, "initiatives": initiatives}


def seats_filled_by_month(unit: Unit, span: list[dt.date]) -> dict[tuple[dt.date, str], int]:
    rows = (
        Mandate.objects.filter(in_scope(unit, "body__unit"), starts_on__gte=span[0])
        .annotate(m=TruncMonth("starts_on"))
        .values("m", "filled_by")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(facts.month_of(r["m"]), r["filled_by"]): r["n"] for r in rows}


def seats_now(
    unit: Unit, *, today: dt.date, children: list[Unit], rb: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Current seats and offices by how they were filled: per kind of body in the subtree, and per
    body of this unit and of the units just below it."""
    current = Mandate.objects.current(today).filter(in_scope(unit, "body__unit"))
    names = {b["key"]: b.get("name", b["key"]) for b in rb.bodies}
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for row in current.values("body__kind", "filled_by").annotate(n=Count("id")).order_by():
        by_kind[row["body__kind"]][row["filled_by"]] += row["n"]
    kinds = [
        {
            "kind": k,
            "name": names.get(k, k),
            **{f: c.get(f, 0) for f in FILLED_BY},
            "total": sum(c.values()),
        }
        for k, c in sorted(by_kind.items())
    ]
    by_body: dict[int, dict[str, Any]] = {}
    rows = (
        current.filter(body__unit_id__in=[unit.pk, *(c.pk for c in children)])
        .values("body_id", "body__name", "body__unit__name", "filled_by")
        .annotate(n=Count("id"))
        .order_by("body__unit__path", "body__name")
    )
    for row in rows:
        entry = by_body.setdefault(
            row["body_id"],
            {"body_id": row["body_id"], "name": row["body__name"], **dict.fromkeys(FILLED_BY, 0)},
        )
        entry[row["filled_by"]] += row["n"]
    for entry in by_body.values():
        entry["total"] = sum(entry[f] for f in FILLED_BY)
    return kinds, list(by_body.values())


def terms_expired_without_election(
    unit: Unit, *, today: dt.date, since: dt.date
) -> QuerySet[Mandate]:
    """The terms that ran out (not cut short) since ``since`` with no election to the same seats or
    office of the same body from ``RENEWAL_WINDOW`` before the end of the term until today."""
    renewed = Mandate.objects.filter(
        body_id=OuterRef("body_id"),
        office=OuterRef("office"),
        filled_by="elected",
        starts_on__gte=ExpressionWrapper(
            OuterRef("expires_on") - RENEWAL_WINDOW, output_field=DateField()
        ),
        starts_on__lte=today,
    ).exclude(starts_on=OuterRef("starts_on"))
    return (
        Mandate.objects.filter(
            in_scope(unit, "body__unit"), expires_on__lt=today, expires_on__gte=since
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=F("expires_on")))
        .exclude(Exists(renewed))
    )


def deadlines_missed_by_month(unit: Unit, span: list[dt.date]) -> Counter[tuple[dt.date, str]]:
    out: Counter[tuple[dt.date, str]] = Counter()
    cases = Deadline.objects.filter(
        in_scope(unit, "body__unit"),
        body__isnull=False,
        state=Deadline.State.MISSED,
        closed_on__gte=span[0],
    )
    for row in (
        cases.annotate(m=TruncMonth("closed_on")).values("m").annotate(n=Count("id")).order_by()
    ):
        out[(facts.month_of(row["m"]), "case")] += row["n"]
    obligations = Obligation.objects.filter(in_scope(unit, "body__unit"), missed_on__gte=span[0])
    for row in (
        obligations.annotate(m=TruncMonth("missed_on"))
        .values("m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out[(facts.month_of(row["m"]), "initiative")] += row["n"]
    return out


def open_initiatives(unit: Unit) -> list[dict[str, Any]]:
    scope = (
        Q()
        if unit.parent_id is None
        else Q(addressed_to__unit__path__startswith=unit.path)
        | Q(addressed_to__isnull=True, started_by__branch__path__startswith=unit.path)
    )
    rows = (
        Initiative.objects.filter(
            scope, state__in=[Initiative.State.COLLECTING, Initiative.State.OPEN]
        )
        .select_related("addressed_to", "obligation")
        .order_by("-started_at")[:50]
    )
    out = []
    for i in rows:
        obligation = getattr(i, "obligation", None)
        out.append(
            {
                "initiative": i,
                "signatures": i.signature_count,
                "needed": i.needed,
                "percent": min(100, round(100 * i.signature_count / i.needed)) if i.needed else 0,
                "due_on": obligation.due_on if obligation else None,
            }
        )
    return out
