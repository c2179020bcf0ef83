"""The dashboard pages: a unit's figures month by month with charts, the lists behind them, CSV."""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterable, Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from charter.dashboards import lists, permissions
from charter.dashboards.charts import Chart, Series
from charter.dashboards.queries import (
    COLUMNS,
    WINDOWS,
    BadInput,
    Dashboard,
    dashboard,
    month_from,
    months_from,
)
from charter.lib import clock


def charts_for(d: Dashboard) -> list[Chart]:
    m = d.monthly
    specs = [
        (
            "members",
            _("Members at the end of each month"),
            "line",
            [(_("Members"), m["members"], "s1")],
        ),
        (
            "recruitment",
            _("Applications and admissions"),
            "bars",
            [(_("Applications"), m["applied"], "s2"), (_("Admissions"), m["admitted"], "s1")],
        ),
        (
            "waiting",
            _("Applications waiting at the end of each month"),
            "line",
            [(_("Waiting"), m["waiting"], "s3")],
        ),
        (
            "leaving",
            _("Lapses, resignations and expulsions"),
            "bars",
            [
                (_("Lapses"), m["lapsed"], "s3"),
                (_("Resignations"), m["resigned"], "s2"),
                (_("Expulsions"), m["expelled"], "s4"),
            ],
        ),
        (
            "branches",
            _("Branches with no meeting in 60 days, and below the minimum size"),
            "line",
            [
                (_("No meeting"), m["quiet_branches"], "s4"),
                (_("Below the minimum"), m["small_branches"], "s3"),
            ],
        ),
        (
            "attendance",
            # xgettext:no-python-format
            _("Attendance at meetings (% of those entitled)"),
            "line",
            [(_("Attendance"), m["attendance"], "s1")],
        ),
        (
            "seats",
            _("Seats filled: election, co-option, appointment"),
            "bars",
            [
                (_("Elected"), m["seats_elected"], "s1"),
                (_("Co-opted"), m["seats_co_opted"], "s3"),
                (_("Appointed"), m["seats_appointed"], "s4"),
            ],
        ),
        (
            "governance",
            _("Terms expired without election, and deadlines missed"),
            "bars",
            [
                (_("Terms expired"), m["terms_expired"], "s3"),
                (_("Deadlines missed"), m["missed"], "s4"),
            ],
        ),
    ]
    return [
        Chart(
            key,
            str(title),
            kind,
            [Series(str(label), values, css) for label, values, css in series],
            d.months,
        ).build()
        for key, title, kind, series in specs
    ]


def _table(d: Dashboard, named: bool, months: int) -> SafeString:
    """The monthly table, each non-zero cell linked to its list for those who may see names (the
    links built from one reversed URL: a page of 60 months has 1,200 cells)."""
    base = (
        reverse("dashboards:figure", args=[d.unit.pk, "KEY"])
        if d.unit.parent_id
        else reverse("dashboards:top_figure", args=["KEY"])
    )
    rows = []
    for i, month in enumerate(d.months):
        cells = []
        for measure, _label, figure, per_month in COLUMNS:
            value = d.monthly[measure][i]
            href = None
            if named and value and figure and (per_month or i == len(d.months) - 1):
                href = (
                    base.replace("KEY", figure)
                    + f"?months={months}"
                    + (f"&month={month:%Y-%m}" if per_month else "")
                )
            # Only integers and URLs made of ids and fixed keys: nothing to escape.
            cells.append(
                f'<td><a href="{escape(href)}">{int(value)}</a></td>'
                if href
                else f"<td>{int(value)}</td>"
            )
        rows.append(f"<tr><th>{escape(date_format(month, 'YEAR_MONTH_FORMAT'))}</th>{''.join(cells)}</tr>")
    return mark_safe("".join(reversed(rows)))  # noqa: S308


def _dashboard(request: HttpRequest, pk: int | None) -> tuple[permissions.View, Dashboard, int]:
    """The dashboard the viewer asked for, for the period asked (BadInput: a 400)."""
    view = permissions.get_dashboard_for(request.user, pk)
    months = months_from(request.GET.get("months"))
    return view, dashboard(view.unit, today=clock.today(), months=months), months


def answers_bad_input(fn):  # type: ignore[no-untyped-def]
    """A page's bad period or month is a 400 that says which."""

    @functools.wraps(fn)
    def wrapper(request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return fn(request, *args, **kwargs)
        except BadInput as exc:
            return HttpResponseBadRequest(str(exc))

    return wrapper


@login_required
@answers_bad_input
def unit_dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    view, d, months = _dashboard(request, pk)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "d": d,
            "named": view.named,
            "charts": charts_for(d),
            "columns": [(label, figure) for _m, label, figure, _p in COLUMNS],
            "table": _table(d, view.named, months),
            "windows": WINDOWS,
            "months": months,
            "ancestors": [u for u in view.unit.ancestors()[:-1]],
            "mine": permissions.visible_units(view) if view.unit.parent_id is None else [],
        },
    )


def _csv(rows: Iterable[list[object]], filename: str) -> StreamingHttpResponse:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so spreadsheet programs read UTF-8
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@answers_bad_input
def export(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The monthly table as CSV: one line per month, one column per figure."""
    view, d, _months = _dashboard(request, pk)
    header: list[object] = [str(_("Month")), *(m for m, _l, _f, _p in COLUMNS)]
    body = (
        [f"{month:%Y-%m}", *(d.monthly[m][i] for m, _l, _f, _p in COLUMNS)]
        for i, month in enumerate(d.months)
    )
    return _csv([header, *body], f"dashboard-{view.unit.pk}-{d.today:%Y-%m-%d}.csv")


@login_required
@answers_bad_input
def figure(
    request: HttpRequest, key: str, pk: int | None = None, csv_file: bool = False
) -> HttpResponse:
    """The members, branches or acts behind one figure (for a month, or the whole window)."""
    view = permissions.get_named_dashboard_for(request.user, pk)
    lists.figure_key(key)
    months, month = months_from(request.GET.get("months")), month_from(request.GET.get("month"))
    title, headers, rows = lists.figure_list(
        key, view.unit, today=clock.today(), month=month, months=months
    )
    if csv_file:
        return _csv(
            [[str(h) for h in headers], *([text for text, _link in row] for row in rows)],
            f"{key}-{view.unit.pk}-{month or clock.today():%Y-%m}.csv",
        )
    shown, more = [], False
    for i, row in enumerate(rows):
        if i == 500:
            more = True
            break
        shown.append(row)
    return render(
        request,
        "dashboards/figure.html",
        {
            "unit": view.unit,
            "title": title,
            "headers": headers,
            "rows": shown,
            "more": more,
            "key": key,
            "month": month,
            "months": months,
            "query": request.GET.urlencode(),
        },
    )
