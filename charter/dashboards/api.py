"""The dashboard as JSON: every figure of the page, for the same people (``permissions.py``).

Every member reads the organization-wide dashboard, without names; whoever sits on a body reads the
dashboard of its unit and of the units below, and the members, branches and acts behind each
figure. Anyone else gets 404. A bad period or month is a 400 that says which (charter/api.py).

The API root mounts this router as it mounts every app's (``charter.api.mount_routers``): nothing
imports this module, so the dashboards stay a leaf (docs/architecture.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.security import django_auth
from pydantic import Field, create_model

from charter.dashboards import lists, permissions
from charter.dashboards.queries import COLUMNS, Dashboard, dashboard, month_from, months_from
from charter.lib import clock

router = Router(tags=["dashboard"])

ID = Path(..., ge=1, le=2**63 - 1)


class NowOut(Schema):
    members: int
    waiting: int = Field(description="applications waiting now")
    waiting_median_days: int
    waiting_longest_days: int
    waiting_beyond_limit: int = Field(
        description="waiting longer than the rules allow (rules.within_days)"
    )
    arrears: int = Field(
        description="members out of good standing for their dues (rules.max_arrears)"
    )
    branches: int
    quiet_branches: int = Field(description="branches with no meeting in the last 60 days")
    small_branches: int = Field(description="branches below the minimum size (rules.min_members)")
    terms_expired: int = Field(description="terms expired without a new election in the period")
    overdue_cases: int
    overdue_initiatives: int
    overdue: int = Field(description="deadlines overdue now: cases, initiatives and applications")


# One line of the monthly table: the month and each measure of the page's table (queries.COLUMNS).
MonthOut: Any = create_model(
    "DashboardMonthOut",
    __base__=Schema,
    month=(str, Field(description="YYYY-MM")),
    **{measure: (int, ...) for measure, _h, _l, _p in COLUMNS},
)


class ChildFiguresOut(Schema):
    unit_id: int
    name: str
    members: int
    waiting: int
    applied: int
    admitted: int
    lapsed: int
    resigned: int
    expelled: int
    meetings: int
    attendance: int | None = Field(description="percent of those entitled, over the period")
    branches: int
    quiet_branches: int
    small_branches: int
    arrears: int


class SeatsOut(Schema):
    elected: int
    co_opted: int
    appointed: int
    total: int


class SeatsKindOut(SeatsOut):
    kind: str
    name: str


class SeatsBodyOut(SeatsOut):
    body_id: int
    name: str


class InitiativeProgressOut(Schema):
    id: int
    title: str
    signatures: int
    needed: int
    percent: int
    due_on: dt.date | None


class DashboardRulesOut(Schema):
    min_members: int
    within_days: int
    max_arrears: int
    home_level: str
    quiet_days: int


class DashboardOut(Schema):
    unit_id: int
    name: str
    today: dt.date
    period_months: int
    named: bool = Field(description="whether the lists behind the figures are open to the viewer")
    figures: list[str] = Field(description="the lists behind the figures the viewer may read")
    built_at: dt.datetime | None
    now: NowOut
    months: list[MonthOut]  # type: ignore[valid-type]
    children: list[ChildFiguresOut]
    seats_by_kind: list[SeatsKindOut]
    seats_by_body: list[SeatsBodyOut]
    initiatives: list[InitiativeProgressOut]
    rules: DashboardRulesOut


class CellOut(Schema):
    text: str
    link: str | None


class FigureListOut(Schema):
    unit_id: int
    figure: str
    title: str
    month: str | None
    period_months: int
    headers: list[str]
    rows: list[list[CellOut]]
    offset: int
    more: bool = Field(description="whether more rows follow (ask again from offset + limit)")


def _out(view: permissions.View, d: Dashboard, months: int) -> DashboardOut:
    n, m = d.now, d.monthly
    return DashboardOut(
        unit_id=d.unit.pk,
        name=d.unit.name,
        today=d.today,
        period_months=months,
        named=view.named,
        figures=list(lists.FIGURES) if view.named else [],
        built_at=d.built_at,
        now=NowOut(
            members=n["members"],
            waiting=n["waiting"],
            waiting_median_days=n["waiting_median"],
            waiting_longest_days=n["waiting_longest"],
            waiting_beyond_limit=n["waiting_beyond"],
            arrears=n["arrears"],
            branches=n["branches"],
            quiet_branches=n["quiet"],
            small_branches=n["small"],
            terms_expired=n["terms_expired"],
            overdue_cases=n["overdue_cases"],
            overdue_initiatives=n["overdue_initiatives"],
            overdue=n["overdue_cases"] + n["overdue_initiatives"] + n["waiting_beyond"],
        ),
        months=[
            MonthOut(month=f"{month:%Y-%m}", **{c[0]: m[c[0]][i] for c in COLUMNS})
            for i, month in enumerate(d.months)
        ],
        children=[
            ChildFiguresOut(
                unit_id=c["unit"].pk,
                name=c["unit"].name,
                quiet_branches=c["quiet"],
                small_branches=c["small"],
                **{k: v for k, v in c.items() if k not in ("unit", "quiet", "small")},
            )
            for c in d.children
        ],
        seats_by_kind=[SeatsKindOut(**k) for k in d.seats_by_kind],
        seats_by_body=[SeatsBodyOut(**b) for b in d.seats_by_body],
        initiatives=[
            InitiativeProgressOut(
                id=i["initiative"].pk,
                title=i["initiative"].title,
                signatures=i["signatures"],
                needed=i["needed"],
                percent=i["percent"],
                due_on=i["due_on"],
            )
            for i in d.initiatives
        ],
        rules=DashboardRulesOut(**d.rules),
    )


def _dashboard(request: HttpRequest, unit_id: int | None, months: str) -> DashboardOut:
    view = permissions.get_dashboard_for(request.user, unit_id)
    period = months_from(months)
    return _out(view, dashboard(view.unit, today=clock.today(), months=period), period)


Months = Literal["12", "24", "36", "60"]  # queries.WINDOWS
Figure = Literal[lists.FIGURES]  # type: ignore[valid-type]


class PeriodIn(Schema):
    months: Months = Field("24", description="the period, in months")


class ListIn(PeriodIn):
    month: str = Field(
        "",
        description="one month of the period (YYYY-MM); empty: the whole period",
        pattern=r"^$|^(19\d\d|2\d{3})-(0[1-9]|1[0-2])$",
    )
    offset: int = Field(0, ge=0, le=10_000_000)
    limit: int = Field(500, ge=1, le=5000)


@router.get(
    "/dashboard",
    response=DashboardOut,
    auth=django_auth,
    summary="The whole organization's dashboard (names only for those on a body of the top unit)",
)
def top(request: HttpRequest, q: Query[PeriodIn]) -> DashboardOut:
    return _dashboard(request, None, q.months)


@router.get(
    "/dashboard/units/{unit_id}",
    response=DashboardOut,
    auth=django_auth,
    summary="A unit's dashboard, for those on a body of that unit or above it",
)
def unit(request: HttpRequest, q: Query[PeriodIn], unit_id: int = ID) -> DashboardOut:
    return _dashboard(request, unit_id, q.months)


def _figure(request: HttpRequest, unit_id: int | None, key: str, q: ListIn) -> FigureListOut:
    view = permissions.get_named_dashboard_for(request.user, unit_id)
    lists.figure_key(key)
    months, month = months_from(q.months), month_from(q.month)
    title, headers, rows = lists.figure_list(
        key, view.unit, today=clock.today(), month=month, months=months
    )
    page = list(itertools.islice(rows, q.offset, q.offset + q.limit + 1))
    return FigureListOut(
        unit_id=view.unit.pk,
        figure=key,
        title=str(title),
        month=f"{month:%Y-%m}" if month else None,
        period_months=months,
        headers=[str(h) for h in headers],
        rows=[
            [CellOut(text=str(text), link=link) for text, link in row] for row in page[: q.limit]
        ],
        offset=q.offset,
        more=len(page) > q.limit,
    )


@router.get(
    "/dashboard/figures/{key}",
    response=FigureListOut,
    auth=django_auth,
    summary="The members, branches or acts behind a figure of the whole organization's dashboard",
)
def top_figure(request: HttpRequest, key: Figure, q: Query[ListIn]) -> FigureListOut:
    return _figure(request, None, key, q)


@router.get(
    "/dashboard/units/{unit_id}/figures/{key}",
    response=FigureListOut,
    auth=django_auth,
    summary="The members, branches or acts behind a figure of a unit's dashboard",
)
def unit_figure(
    request: HttpRequest, key: Figure, q: Query[ListIn], unit_id: int = ID
) -> FigureListOut:
    return _figure(request, unit_id, key, q)
