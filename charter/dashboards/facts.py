"""Monthly counts derived from dated facts: members' status changes and transfers, meetings held.

``count_flows`` reads the facts (all of them, or only those after a build's marks, or only a
subtree's) and returns ``{(unit_id, month, measure): n}`` for every unit up the tree. The same
function feeds the stored table (``rollup.rebuild``) and the live part of every page, so a page
built from the table plus the live tail shows exactly what a page counted from scratch would.

A status change counts in the branch the member belonged to on its day: the branch they left at
their next transfer, or their branch now if they have not moved since. Reads only; no writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import TruncMonth

from charter.meetings.models import Meeting
from charter.members.models import Member, StatusChange, Transfer
from charter.org.models import Unit

CURRENT = ("member", "suspended")  # on the register (MemberQuerySet.current)
# Flows: counted in the month they happened.
FLOWS = (
    "applied",
    "admitted",
    "refused",
    "enrolled",
    "lapsed",
    "reinstated",
    "resigned",
    "expelled",
    "late_decisions",
    "transfers_in",
    "transfers_out",
    "meetings",
    "present",
    "roster",
)
# Changes of a stock, summed from the start to give the stock at a month's end.
NETS = ("net_members", "net_waiting")
# States of branches at a month's end, derived from a branch's whole history (rebuild or a live page).
STATES = ("branches", "quiet_branches", "small_branches")
# Members on the register at the end of the last month counted (per unit, so per branch too): what
# the sizes of branches today start from when the table is stored.
STOCK = "stock_members"

Key = tuple[int, dt.date, str]
# A founder's enrolment is written as applicant -> member with the reason "founding" (no application
# came first): count it as an enrolment, like an imported member's first status ("" -> member).
ORIGIN = Case(
    When(reason="founding", then=Value("")), default=F("status_from"), output_field=CharField()
)


def month_of(day: dt.date | dt.datetime) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out, m = [], month_of(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


class Node(NamedTuple):
    """What the counting needs of a unit (plain tuples: ten thousand branches load in milliseconds)."""

    pk: int
    level: str
    name: str
    parent_id: int | None
    path: str
    created_on: dt.date
    dissolved_on: dt.date | None


@dataclass
class Tree:
    """The units (a small table), with each unit's chain of ancestors from the top down to itself."""

    units: dict[int, Node]
    chains: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def load(cls, within: Unit | None = None) -> Tree:
        qs = (
            Unit.objects.all()
            if within is None or within.parent_id is None
            else Unit.objects.within(within)
        )
        units = {
            row[0]: Node(*row)
            for row in qs.order_by().values_list(
                "id", "level", "name", "parent_id", "path", "created_on", "dissolved_on"
            )
        }
        return cls(units)

    def chain(self, unit_id: int) -> tuple[int, ...]:
        """The unit's ancestors from the top down to itself (worked out when first asked)."""
        got = self.chains.get(unit_id)
        if got is None:
            u = self.units.get(unit_id)
            got = tuple(int(p) for p in u.path.strip("/").split("/") if p) if u else ()
            self.chains[unit_id] = got
        return got

    def children(self, unit_id: int) -> list[Node]:
        return sorted(
            (u for u in self.units.values() if u.parent_id == unit_id), key=lambda u: u.name
        )

    def branches(self, level: str, within: Unit | Node | None = None) -> list[Node]:
        return [
            u
            for u in self.units.values()
            if u.level == level and (within is None or u.path.startswith(within.path))
        ]


def _roll_up(local: Counter[Key], tree: Tree, into: Counter[Key]) -> None:
    for (unit_id, month, measure), n in local.items():
        for ancestor in tree.chain(unit_id):
            into[(ancestor, month, measure)] += n


def _status_measures(status_from: str, status_to: str) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    if status_to == "applicant":
        out.append(("applied", 1))
    if status_from == "applicant" and status_to == "member":
        out.append(("admitted", 1))
    if status_to == "refused":
        out.append(("refused", 1))
    if status_from in ("", None) and status_to in CURRENT:
        out.append(("enrolled", 1))
    if status_from == "lapsed" and status_to == "member":
        out.append(("reinstated", 1))
    for kind in ("lapsed", "resigned", "expelled"):
        if status_to == kind:
            out.append((kind, 1))
    members = (status_to in CURRENT) - (status_from in CURRENT)
    if members:
        out.append(("net_members", members))
    waiting = (status_to == "applicant") - (status_from == "applicant")
    if waiting:
        out.append(("net_waiting", waiting))
    return out


def count_flows(
    tree: Tree,
    *,
    within: Unit | Node | None = None,
    status_change_after: int = 0,
    transfer_after: int = 0,
    status_change_upto: int | None = None,
    transfer_upto: int | None = None,
    meetings_from: dt.datetime | None = None,
    meetings_before: dt.datetime | None = None,
    within_days: int = 0,
    only_meetings_of: Unit | Node | None = None,
    members: bool = True,
) -> Counter[Key]:
    """Flows and changes of stocks per unit and month, for every unit up the tree.

    ``only_meetings_of``: count nothing but the meetings of that unit's own bodies; ``members``:
    False to count only meetings (nothing changed among members since the marks)."""
    local: Counter[Key] = Counter()
    counts: Counter[Key] = Counter()
    if only_meetings_of is not None:
        _count_meetings(
            local,
            Meeting.objects.filter(body__unit_id=only_meetings_of.pk),
            meetings_from,
            meetings_before,
        )
        _roll_up(local, tree, counts)
        return Counter({k: n for k, n in counts.items() if k[0] == only_meetings_of.pk})
    if members:
        _count_members(
            local,
            counts,
            tree,
            within,
            status_change_after,
            status_change_upto,
            transfer_after,
            transfer_upto,
            within_days,
        )
    # Meetings held, with attendance, counted at the unit of the body that met.
    meetings = (
        Meeting.objects.all()
        if within is None or within.parent_id is None
        else Meeting.objects.filter(body__unit__path__startswith=within.path)
    )
    _count_meetings(local, meetings, meetings_from, meetings_before)
    _roll_up(local, tree, counts)
    return _keep_within(counts, tree, within)


def _count_members(  # noqa: PLR0913
    local: Counter[Key],
    counts: Counter[Key],
    tree: Tree,
    within: Unit | Node | None,
    status_change_after: int,
    status_change_upto: int | None,
    transfer_after: int,
    transfer_upto: int | None,
    within_days: int,
) -> None:
    if within is not None and within.parent_id is None:
        within = None  # the whole organization: no need to join the units
    moved = Transfer.objects.values("member_id")
    changes = StatusChange.objects.filter(id__gt=status_change_after)
    if status_change_upto is not None:
        changes = changes.filter(id__lte=status_change_upto)
    if within is not None:
        changes = changes.filter(
            Q(member__branch__path__startswith=within.path) | Q(member_id__in=moved)
        )
    # Members who never moved: one grouped query, by their branch now.
    rows = (
        changes.exclude(member_id__in=moved)
        .annotate(m=TruncMonth("on"), origin=ORIGIN)
        .values("member__branch_id", "m", "origin", "status_to")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        for measure, sign in _status_measures(row["origin"], row["status_to"]):
            local[(row["member__branch_id"], month_of(row["m"]), measure)] += sign * row["n"]
    late = ~Q(reason="founding") & Q(
        status_from="applicant",
        status_to__in=["member", "refused"],
        on__gt=F("member__applied_on") + dt.timedelta(days=within_days),
    )
    for row in (
        changes.exclude(member_id__in=moved)
        .filter(late)
        .annotate(m=TruncMonth("on"))
        .values("member__branch_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        local[(row["member__branch_id"], month_of(row["m"]), "late_decisions")] += row["n"]
    # Members who moved: their few rows one by one, each in the branch of its day.
    moves: dict[int, list[tuple[dt.date, int, int]]] = defaultdict(list)
    theirs = Transfer.objects.filter(
        member_id__in=changes.filter(member_id__in=moved).values("member_id")
    )
    for member_id, on, from_unit, to_unit in theirs.order_by("on", "id").values_list(
        "member_id", "on", "from_unit_id", "to_unit_id"
    ):
        moves[member_id].append((on, from_unit, to_unit))
    outside = Node(0, "", "", None, "\0", dt.date.min, None)
    moved_rows = (
        changes.filter(member_id__in=moved)
        .annotate(origin=ORIGIN)
        .values_list(
            "member_id", "on", "origin", "status_to", "member__branch_id", "member__applied_on"
        )
    )
    for member_id, on, status_from, status_to, branch_now, applied_on in moved_rows.order_by():
        branch = next((frm for day, frm, _to in moves[member_id] if day > on), branch_now)
        if within is not None and not tree.units.get(branch, outside).path.startswith(within.path):
            continue
        month = month_of(on)
        for measure, sign in _status_measures(status_from, status_to):
            local[(branch, month, measure)] += sign
        if (
            status_from == "applicant"
            and status_to in ("member", "refused")
            and (on - applied_on).days > within_days
        ):
            local[(branch, month, "late_decisions")] += 1
    # Transfers: counted in and out at every unit the member entered or left (not at common ancestors).
    transfers = Transfer.objects.filter(id__gt=transfer_after)
    if transfer_upto is not None:
        transfers = transfers.filter(id__lte=transfer_upto)
    if within is not None:
        transfers = transfers.filter(
            Q(from_unit__path__startswith=within.path) | Q(to_unit__path__startswith=within.path)
        )
    for row in (
        transfers.annotate(m=TruncMonth("on"))
        .values("from_unit_id", "to_unit_id", "m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        before, after, month = (
            tree.chain(row["from_unit_id"]),
            tree.chain(row["to_unit_id"]),
            month_of(row["m"]),
        )
        for unit_id in set(after) - set(before):
            counts[(unit_id, month, "transfers_in")] += row["n"]
            counts[(unit_id, month, "net_members")] += row["n"]
        for unit_id in set(before) - set(after):
            counts[(unit_id, month, "transfers_out")] += row["n"]
            counts[(unit_id, month, "net_members")] -= row["n"]


def _keep_within(counts: Counter[Key], tree: Tree, within: Unit | Node | None) -> Counter[Key]:
    """Only the units of ``within``'s subtree (its ancestors got partial sums)."""
    if within is None or within.parent_id is None:
        return counts
    inside = {pk for pk, u in tree.units.items() if u.path.startswith(within.path)}
    for key in [k for k in counts if k[0] not in inside]:
        del counts[key]
    return counts


def _count_meetings(
    local: Counter[Key], meetings, since: dt.datetime | None, before: dt.datetime | None
) -> None:  # type: ignore[no-untyped-def]
    meetings = meetings.filter(state=Meeting.State.HELD)
    if since is not None:
        meetings = meetings.filter(starts_at__gte=since)
    if before is not None:
        meetings = meetings.filter(starts_at__lt=before)
    grouped = (
        meetings.annotate(m=TruncMonth("starts_at"))
        .values("body__unit_id", "m")
        .annotate(n=Count("id"), present=Sum("present_count"), roster=Sum("roster_size"))
        .order_by()
    )
    for row in grouped:
        month = month_of(row["m"])
        local[(row["body__unit_id"], month, "meetings")] += row["n"]
        local[(row["body__unit_id"], month, "present")] += row["present"] or 0
        local[(row["body__unit_id"], month, "roster")] += row["roster"] or 0


def derive_states(
    counts: Counter[Key],
    tree: Tree,
    *,
    home_level: str,
    min_members: int,
    last_month: dt.date,
    within: Unit | Node | None = None,
) -> Counter[Key]:
    """Branches, quiet branches (no meeting in the month and the one before) and branches below the
    minimum size, at each month's end, for every unit up the tree. Needs each branch's whole history."""
    branches = tree.branches(home_level, within)
    if not branches:
        return Counter()
    first = min(u.created_on for u in branches)
    months = months_between(first, last_month)
    per_branch: dict[int, dict[str, dict[dt.date, int]]] = defaultdict(lambda: defaultdict(dict))
    ids = {u.pk for u in branches}
    for (unit_id, month, measure), n in counts.items():
        if unit_id in ids and measure in ("net_members", "meetings"):
            per_branch[unit_id][measure][month] = n
    local: Counter[Key] = Counter()
    for u in branches:
        stock, met_before = 0, 0
        nets, met = per_branch[u.pk]["net_members"], per_branch[u.pk]["meetings"]
        for month in months:
            stock += nets.get(month, 0)
            met_now = met.get(month, 0)
            end = next_month(month) - dt.timedelta(days=1)
            if u.created_on <= end and (u.dissolved_on is None or u.dissolved_on > end):
                local[(u.pk, month, "branches")] += 1
                if stock < min_members:
                    local[(u.pk, month, "small_branches")] += 1
                if met_now + met_before == 0 and u.created_on <= end - dt.timedelta(days=60):
                    local[(u.pk, month, "quiet_branches")] += 1
            met_before = met_now
        local[(u.pk, last_month, "stock_members")] += stock
    out: Counter[Key] = Counter()
    _roll_up(local, tree, out)
    return _keep_within(out, tree, within)


def series(
    counts: Iterable[tuple[int, dt.date, str, int]], unit_id: int
) -> dict[str, dict[dt.date, int]]:
    out: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for uid, month, measure, n in counts:
        if uid == unit_id:
            out[measure][month] += n
    return out


def current_in(within: Unit):  # type: ignore[no-untyped-def]
    return Member.objects.within(within).current()
