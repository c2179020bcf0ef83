"""The dashboard pages: a unit's figures month by month with charts, the lists behind them, CSV."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from charter.dashboards import lists, permissions
from charter.dashboards.charts import Chart, Series
from charter.dashboards.queries import Dashboard, dashboard
from charter.lib import clock

WINDOWS = (12, 24, 36, 60)
# The monthly table: (measure, heading, the list behind it, whether that list is per month).
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


class BadInput(ValueError):
    pass


def _months(request: HttpRequest) -> int:
    raw = request.GET.get("months", "24")
    if not raw.isdigit() or int(raw) not in WINDOWS:
        raise BadInput(
            _("months must be one of %(choices)s.") % {"choices": ", ".join(map(str, WINDOWS))}
        )
    return int(raw)


def _month(request: HttpRequest) -> dt.date | None:
    raw = request.GET.get("month", "")
    if not raw:
        return None
    try:
        year, month = raw.split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError as exc:
        raise BadInput(_("month must be written YYYY-MM.")) from exc


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
        rows.append(f"<tr><th>{month:%Y-%m}</th>{''.join(cells)}</tr>")
    return mark_safe("".join(reversed(rows)))  # noqa: S308


@login_required
def unit_dashboard(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    view = permissions.get_dashboard_for(request.user, pk)
    try:
        months = _months(request)
    except BadInput as exc:
        return HttpResponseBadRequest(str(exc))
    d = dashboard(view.unit, today=clock.today(), months=months)
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
def export(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The monthly table as CSV: one line per month, one column per figure."""
    view = permissions.get_dashboard_for(request.user, pk)
    try:
        months = _months(request)
    except BadInput as exc:
        return HttpResponseBadRequest(str(exc))
    d = dashboard(view.unit, today=clock.today(), months=months)
    header: list[object] = [str(_("Month")), *(m for m, _l, _f, _p in COLUMNS)]
    body = (
        [f"{month:%Y-%m}", *(d.monthly[m][i] for m, _l, _f, _p in COLUMNS)]
        for i, month in enumerate(d.months)
    )
    return _csv([header, *body], f"dashboard-{view.unit.pk}-{d.today:%Y-%m-%d}.csv")


@login_required
def figure(
    request: HttpRequest, key: str, pk: int | None = None, csv_file: bool = False
) -> HttpResponse:
    """The members, branches or acts behind one figure (for a month, or the whole window)."""
    view = permissions.get_named_dashboard_for(request.user, pk)
    if key not in lists.FIGURES:
        return HttpResponseBadRequest(_("There is no figure called %(key)s.") % {"key": key})
    try:
        months, month = _months(request), _month(request)
    except BadInput as exc:
        return HttpResponseBadRequest(str(exc))
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
