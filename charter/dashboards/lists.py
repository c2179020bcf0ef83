"""The members, branches and acts behind each figure, for those allowed to see them.

Each list is (title, headers, rows); a row is a list of cells (text, link or None). The same rows
make the page and the CSV file. Reads only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from charter.dashboards import facts
from charter.dashboards.queries import BadInput, in_scope, terms_expired_without_election, window
from charter.dashboards.rollup import rules_for_dashboard
from charter.discipline.models import Deadline
from charter.initiatives.models import Initiative, Obligation
from charter.lib import dates
from charter.meetings.models import Meeting
from charter.members.models import Member, Status, StatusChange, subtract_months
from charter.org.models import Mandate, Unit
from charter.rulebook import rosters
from charter.rulebook.store import rulebook_on

# (text, link); a day stays a date: the page says it in the reader's language, the CSV file and the
# API as ISO (YYYY-MM-DD).
Cell = tuple[str | dt.date, str | None]
_day = dates.utc_day

# status change lists: figure -> (title, filter on StatusChange)
CHANGES: dict[str, tuple[Any, Q]] = {
    "applied": (_("Applications"), Q(status_to="applicant")),
    "admitted": (_("Admissions"), Q(status_from="applicant", status_to="member")),
    "refused": (_("Applications refused"), Q(status_to="refused")),
    "lapsed": (_("Lapses"), Q(status_to="lapsed")),
    "reinstated": (_("Reinstatements"), Q(status_from="lapsed", status_to="member")),
    "resigned": (_("Resignations"), Q(status_to="resigned")),
    "expelled": (_("Expulsions"), Q(status_to="expelled")),
}
FIGURES = (
    *CHANGES,
    "members",
    "waiting",
    "arrears",
    "quiet",
    "small",
    "seats",
    "terms_expired",
    "missed",
    "meetings",
    "initiatives",
)


def figure_key(key: str) -> str:
    """``key`` when a list of that name exists, else BadInput (a 400 naming it)."""
    if key not in FIGURES:
        raise BadInput(_("There is no figure called %(key)s.") % {"key": key[:40]})
    return key


def _member(m: Member) -> Cell:
    return (f"{m.name} ({m.number})", reverse("members:detail", args=[m.pk]))


def _entry(index: int | None) -> Cell:
    return (f"#{index}", reverse("record:entry", args=[index])) if index is not None else ("", None)


def _unit(u: Unit) -> Cell:
    return (u.name, reverse("org:unit", args=[u.pk]))


def figure_list(
    figure: str, unit: Unit, *, today: dt.date, month: dt.date | None, months: int = 24
) -> tuple[Any, list[Any], Iterator[list[Cell]]]:
    if figure not in FIGURES:
        raise KeyError(figure)
    span = window(today, months)
    first, last = (
        (month, facts.next_month(month)) if month else (span[0], facts.next_month(span[-1]))
    )
    home, min_members, within_days = rules_for_dashboard(today)
    if figure in CHANGES:
        title, cond = CHANGES[figure]
        rows = (
            StatusChange.objects.filter(
                cond, in_scope(unit, "member__branch"), on__gte=first, on__lt=last
            )
            .select_related("member", "member__branch")
            .order_by("on", "id")
        )
        return (
            title,
            [_("Date"), _("Member"), _("Branch"), _("Record entry")],
            (
                [
                    (str(c.on), None),
                    _member(c.member),
                    _unit(c.member.branch),
                    _entry(c.entry_index),
                ]
                for c in rows.iterator(chunk_size=2000)
            ),
        )
    if figure == "members":
        rows = (
            Member.objects.filter(in_scope(unit, "branch"), status__in=facts.CURRENT)
            .select_related("branch")
            .order_by("branch__path", "name")
        )
        return (
            _("Members"),
            [_("Member"), _("Branch"), _("Status"), _("Dues paid until")],
            (
                [
                    _member(m),
                    _unit(m.branch),
                    (m.get_status_display(), None),
                    (str(m.dues_paid_until or ""), None),
                ]
                for m in rows.iterator(chunk_size=2000)
            ),
        )
    if figure == "waiting":
        rows = (
            Member.objects.filter(in_scope(unit, "branch"), status=Status.APPLICANT)
            .select_related("branch")
            .order_by("applied_on", "id")
        )
        return (
            _("Applications waiting"),
            [
                _("Applied on"),
                _("Days waiting"),
                _("Beyond the time the rules allow"),
                _("Applicant"),
                _("Branch"),
            ],
            (
                [
                    (str(m.applied_on), None),
                    (str((today - m.applied_on).days), None),
                    (str(_("yes")) if (today - m.applied_on).days > within_days else "", None),
                    _member(m),
                    _unit(m.branch),
                ]
                for m in rows.iterator(chunk_size=2000)
            ),
        )
    if figure == "arrears":
        cutoff = subtract_months(today, rosters.max_arrears(rulebook_on(today)) + 1)
        rows = (
            Member.objects.filter(
                in_scope(unit, "branch"), status=Status.MEMBER, dues_paid_until__lte=cutoff
            )
            .select_related("branch")
            .order_by("dues_paid_until", "id")
        )
        return (
            _("Members in arrears beyond good standing"),
            [_("Dues paid until"), _("Member"), _("Branch")],
            (
                [(str(m.dues_paid_until), None), _member(m), _unit(m.branch)]
                for m in rows.iterator(chunk_size=2000)
            ),
        )
    if figure in ("quiet", "small"):
        branches = Unit.objects.filter(
            in_scope(unit, ""), level=home, dissolved_on__isnull=True
        ).order_by("path")
        last_met = dict(
            Meeting.objects.filter(
                in_scope(unit, "body__unit"), state=Meeting.State.HELD, body__unit__level=home
            )
            .values("body__unit_id")
            .annotate(m=Max("starts_at"))
            .values_list("body__unit_id", "m")
        )
        sizes: dict[int, int] = {}
        for branch_id in Member.objects.filter(
            in_scope(unit, "branch"), status__in=facts.CURRENT
        ).values_list("branch_id", flat=True):
            sizes[branch_id] = sizes.get(branch_id, 0) + 1
        since = dt.datetime.combine(today - dt.timedelta(days=60), dt.time(), tzinfo=dt.UTC)
        if figure == "quiet":
            chosen = [
                b
                for b in branches
                if (last_met.get(b.pk) is None or last_met[b.pk] < since)
                and b.created_on <= today - dt.timedelta(days=60)
            ]
            title = _("Branches with no meeting in the last 60 days")
        else:
            chosen = [b for b in branches if sizes.get(b.pk, 0) < min_members]
            title = _("Branches below the minimum size")
        return (
            title,
            [_("Branch"), _("Members"), _("Last meeting held")],
            (
                [
                    _unit(b),
                    (str(sizes.get(b.pk, 0)), None),
                    (_day(last_met[b.pk]) if b.pk in last_met else "", None),
                ]
                for b in chosen
            ),
        )
    if figure == "seats":
        rows = (
            Mandate.objects.current(today)
            .filter(in_scope(unit, "body__unit"))
            .select_related("body", "body__unit", "member")
            .order_by("body__unit__path", "body__kind", "office", "starts_on")
        )
        return (
            _("Seats and offices held"),
            [
                _("Body"),
                _("Office"),
                _("Member"),
                _("Filled by"),
                _("Since"),
                _("Until"),
                _("Record entry"),
            ],
            (
                [
                    (m.body.name, reverse("org:body", args=[m.body_id])),
                    (m.office, None),
                    _member(m.member),
                    (m.get_filled_by_display(), None),
                    (str(m.starts_on), None),
                    (str(m.expires_on or ""), None),
                    _entry(m.entry_index),
                ]
                for m in rows.iterator(chunk_size=2000)
            ),
        )
    if figure == "terms_expired":
        rows = (
            terms_expired_without_election(unit, today=today, since=span[0])
            .filter(expires_on__gte=first, expires_on__lt=last)
            .select_related("body", "member")
            .order_by("expires_on", "id")
        )
        return (
            _("Terms expired without a new election"),
            [_("Expired on"), _("Body"), _("Office"), _("Member"), _("Filled by")],
            (
                [
                    (str(m.expires_on), None),
                    (m.body.name, reverse("org:body", args=[m.body_id])),
                    (m.office, None),
                    _member(m.member),
                    (m.get_filled_by_display(), None),
                ]
                for m in rows
            ),
        )
    if figure == "missed":
        return (
            _("Deadlines missed"),
            [_("Date"), _("Kind"), _("Body"), _("Concerning"), _("Record entry")],
            _missed_rows(unit, first, last, within_days),
        )
    if figure == "meetings":
        rows = (
            Meeting.objects.filter(
                in_scope(unit, "body__unit"),
                state=Meeting.State.HELD,
                starts_at__gte=_start(first),
                starts_at__lt=_start(last),
            )
            .select_related("body")
            .order_by("starts_at")
        )
        return (
            _("Meetings held"),
            [_("Date"), _("Meeting"), _("Present"), _("Roster"), _("Quorum")],
            (
                [
                    (_day(m.starts_at), None),
                    (str(m), reverse("meetings:detail", args=[m.pk])),
                    (str(m.present_count), None),
                    (str(m.roster_size), None),
                    (str(m.quorum_needed), None),
                ]
                for m in rows.iterator(chunk_size=2000)
            ),
        )
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
        .select_related("addressed_to")
        .order_by("-started_at")
    )
    return (
        _("Open initiatives"),
        [_("Started"), _("Initiative"), _("Addressed to"), _("Signatures"), _("Needed")],
        (
            [
                (_day(i.started_at), None),
                (i.title, reverse("initiatives:detail", args=[i.pk])),
                (i.addressed_to.name if i.addressed_to else str(_("all members")), None),
                (str(i.signature_count), None),
                (str(i.needed), None),
            ]
            for i in rows
        ),
    )


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _missed_rows(
    unit: Unit, first: dt.date, last: dt.date, within_days: int
) -> Iterator[list[Cell]]:
    rows: list[tuple[dt.date, list[Cell]]] = []
    for d in Deadline.objects.filter(
        in_scope(unit, "body__unit"),
        body__isnull=False,
        state=Deadline.State.MISSED,
        closed_on__gte=first,
        closed_on__lt=last,
    ).select_related("body", "case"):
        rows.append(
            (
                d.closed_on,
                [
                    (str(d.closed_on), None),
                    (f"{d.get_kind_display()} ({d.article})", None),
                    (d.body.name, reverse("org:body", args=[d.body_id])),
                    (str(d.case), reverse("discipline:case", args=[d.case_id])),
                    _entry(d.missed_entry_index),
                ],
            )
        )
    for o in Obligation.objects.filter(
        in_scope(unit, "body__unit"), missed_on__gte=first, missed_on__lt=last
    ).select_related("body", "initiative"):
        rows.append(
            (
                o.missed_on,
                [
                    (str(o.missed_on), None),
                    (str(_("initiative's obligation")), None),
                    (
                        o.body.name if o.body else "",
                        reverse("org:body", args=[o.body_id]) if o.body_id else None,
                    ),
                    (o.initiative.title, reverse("initiatives:detail", args=[o.initiative_id])),
                    _entry(o.missed_entry_index),
                ],
            )
        )
    late = StatusChange.objects.filter(
        in_scope(unit, "member__branch"),
        status_from="applicant",
        status_to__in=["member", "refused"],
        on__gte=first,
        on__lt=last,
    ).select_related("member")
    for c in late:
        if (c.on - c.member.applied_on).days > within_days:
            rows.append(
                (
                    c.on,
                    [
                        (str(c.on), None),
                        (str(_("application decided late")), None),
                        ("", None),
                        _member(c.member),
                        _entry(c.entry_index),
                    ],
                )
            )
    rows.sort(key=lambda r: r[0])
    return (cells for _day, cells in rows)
