"""Read models of a conference: live counts of check-ins, and the figures of the report.

Every figure is counted by the database (a handful of grouped queries, whatever the size). The
report reads the list of speakers' questions, the resolutions and the collections from the apps
that keep them, when they are installed, through one function each app provides
(``report_figures(conference) -> dict``); without them those sections say so, with no figures.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count

from charter.conferences.models import CheckIn, Commission, Conference, Participant, Session
from charter.members.models import Member


def organizes(conference: Conference, member: Member | None) -> bool:
    """Whether ``member`` organizes ``conference``: one of the people the convening decision named
    (the rulebook's ``{organizer: true}``, docs/rulebook.md). The one notion of an organizer: the
    door, the badges, the observers and the programme here, and the chair and the moderators of
    the floor (``charter.floor.permissions``), ask this."""
    if member is None:
        return False
    return conference.organizers.filter(pk=member.pk).exists()


def delegates_of(conference: Conference, unit: Any) -> Any:
    """The delegates to ``conference`` elected within ``unit`` (by its branch meetings)."""
    return Participant.objects.filter(
        conference=conference,
        category=Participant.Category.DELEGATE,
        member__branch__path__startswith=unit.path,
    ).order_by("name", "pk")


def days_of(conference: Conference) -> list[dt.date]:
    n = (conference.ends_on - conference.starts_on).days
    return [conference.starts_on + dt.timedelta(days=i) for i in range(n + 1)]


@dataclass
class Counts:
    """Live counts: registered, and present per day in all, by category and by region."""

    registered: int
    with_vote: int
    days: list[dt.date]
    present: dict[dt.date, int]
    by_category: dict[str, dict[dt.date, int]]
    by_region: dict[str, dict[dt.date, int]]

    @property
    def category_rows(self) -> list[tuple[str, dict[dt.date, int]]]:
        """By category, named in words (the keys stay in ``by_category`` for the API)."""
        names = dict(Participant.Category.choices)
        return [(str(names.get(k, k)), row) for k, row in self.by_category.items()]


def counts(conference: Conference) -> Counts:
    registered = Participant.objects.filter(conference=conference)
    days = days_of(conference)
    rows = (
        CheckIn.objects.filter(participant__conference=conference)
        .values("day", "participant__category", "participant__attributes__region")
        .annotate(n=Count("id"))
    )
    present: dict[dt.date, int] = dict.fromkeys(days, 0)
    by_category: dict[str, dict[dt.date, int]] = defaultdict(lambda: dict.fromkeys(days, 0))
    by_region: dict[str, dict[dt.date, int]] = defaultdict(lambda: dict.fromkeys(days, 0))
    for r in rows:
        day = r["day"]
        present[day] = present.get(day, 0) + r["n"]
        by_category[r["participant__category"]][day] = (
            by_category[r["participant__category"]].get(day, 0) + r["n"]
        )
        region = r["participant__attributes__region"] or "—"
        by_region[region][day] = by_region[region].get(day, 0) + r["n"]
    return Counts(
        registered=registered.count(),
        with_vote=registered.filter(has_vote=True).count(),
        days=days,
        present=present,
        by_category=dict(sorted(by_category.items())),
        by_region=dict(sorted(by_region.items())),
    )


def voters(conference: Conference) -> Any:
    """Who may vote at the conference: registered with vote, credentials not rejected."""
    return Participant.objects.filter(conference=conference, has_vote=True).exclude(
        credentials=Participant.Credentials.REJECTED
    )


# --- the report -----------------------------------------------------------------------------------


@dataclass
class Breakdown:
    key: str
    label: str
    rows: list[tuple[str, int, list[int]]]  # (value, registered, present on each day)


@dataclass
class Report:
    conference: Conference
    days: list[dt.date]
    registered: int
    with_vote: int
    women: int
    present: list[int]  # per day
    both_days: int
    categories: list[tuple[str, int, list[int]]]
    breakdowns: list[Breakdown]
    observers: list[Participant]
    sessions: list[Session]
    commissions: list[Commission]
    floor: dict[str, Any] | None = None  # questions, speakers, resolutions (the floor app)
    money: dict[str, Any] | None = None  # collections (the money app)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def per_day(self) -> list[tuple[dt.date, int]]:
        return list(zip(self.days, self.present, strict=True))


WOMEN = {"woman", "women", "female", "f"}


def _by(
    participants: list[dict[str, Any]],
    checkins: dict[int, set[dt.date]],
    days: list[dt.date],
    value_of: Any,
) -> list[tuple[str, int, list[int]]]:
    registered: Counter[str] = Counter()
    present: dict[str, list[int]] = defaultdict(lambda: [0] * len(days))
    for p in participants:
        value = value_of(p) or "—"
        registered[value] += 1
        for i, d in enumerate(days):
            if d in checkins.get(p["id"], ()):
                present[value][i] += 1
    return [
        (value, n, present[value])
        for value, n in sorted(registered.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def report(conference: Conference) -> Report:
    days = days_of(conference)
    participants = list(
        Participant.objects.filter(conference=conference).values(
            "id", "category", "has_vote", "attributes"
        )
    )
    checkins: dict[int, set[dt.date]] = defaultdict(set)
    for pid, day in CheckIn.objects.filter(participant__conference=conference).values_list(
        "participant_id", "day"
    ):
        checkins[pid].add(day)
    labels = {
        str(a["key"]): str(a.get("label") or a["key"])
        for a in conference.attributes or []
        if isinstance(a, dict) and a.get("key")
    }
    breakdowns = [
        Breakdown(
            key,
            labels[key],
            _by(participants, checkins, days, lambda p, k=key: (p["attributes"] or {}).get(k, "")),
        )
        for key in labels
    ]
    category_names = dict(Participant.Category.choices)
    categories = _by(
        participants,
        checkins,
        days,
        lambda p: str(category_names.get(p["category"], p["category"])),
    )
    sessions = list(
        Session.objects.filter(conference=conference)
        .select_related("commission")
        .prefetch_related("items", "items__lead_off")
    )
    commissions = list(
        Commission.objects.filter(conference=conference)
        .select_related("chair", "recommends_to")
        .prefetch_related("decisions")
        .annotate(size=Count("members"))
    )
    return Report(
        conference=conference,
        days=days,
        registered=len(participants),
        with_vote=sum(1 for p in participants if p["has_vote"]),
        women=sum(
            1
            for p in participants
            if str((p["attributes"] or {}).get("gender", "")).strip().lower() in WOMEN
        ),
        present=[sum(1 for s in checkins.values() if d in s) for d in days],
        both_days=sum(1 for s in checkins.values() if len(s) == len(days)),
        categories=categories,
        breakdowns=breakdowns,
        observers=list(
            Participant.objects.filter(
                conference=conference,
                category__in=[Participant.Category.OBSERVER, Participant.Category.GUEST],
            ).order_by("name")
        ),
        sessions=sessions,
        commissions=commissions,
        floor=_figures_from("charter.floor", conference),
        money=_figures_from("charter.money", conference),
    )


def _figures_from(app: str, conference: Conference) -> dict[str, Any] | None:
    """The figures an optional app keeps for the report, or None when it is not installed.

    The contract: ``<app>.queries.report_figures(conference)`` returns a dict. The floor app's:
    ``{"questions": {session_id: n}, "resolutions": [{"title", "yes", "no", "abstain", "adopted"}]}``;
    the money app's: ``{"currency", "total", "by_region": [(region, amount)], "appeals": [(title, amount)]}``."""
    if not apps.is_installed(app):
        return None
    try:
        module = importlib.import_module(f"{app}.queries")
    except ImportError:
        return None
    figures = getattr(module, "report_figures", None)
    return dict(figures(conference)) if figures is not None else None


def allocations(conference: Conference) -> list[tuple[str, int, int, int]]:
    """For a congress: per unit, (name, members in good standing, delegates allocated, elected)."""
    rows = list(conference.allocations.select_related("unit"))
    elected: Counter[int] = Counter()
    paths = {a.unit_id: a.unit.path for a in rows}
    delegates = Participant.objects.filter(
        conference=conference, category=Participant.Category.DELEGATE
    ).values_list("member__branch__path", flat=True)
    for path in delegates:
        for unit_id, prefix in paths.items():
            if path and path.startswith(prefix):
                elected[unit_id] += 1
                break
    return [
        (a.unit.name, a.members_in_good_standing, a.delegates, elected[a.unit_id]) for a in rows
    ]
