"""Every figure of the dashboard against a small organization whose history is known by hand
(tests/conftest.py), counted live, from the stored table, and from the table plus later facts."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.dashboards.queries import dashboard
from charter.dashboards.rollup import rebuild
from charter.lib import clock
from charter.members.actions import resign_membership
from charter.org.models import Unit

pytestmark = pytest.mark.django_db

MONTHS = [
    "2025-08",
    "2025-09",
    "2025-10",
    "2025-11",
    "2025-12",
    "2026-01",
    "2026-02",
    "2026-03",
    "2026-04",
    "2026-05",
    "2026-06",
    "2026-07",
]


def by_month(d, measure):  # type: ignore[no-untyped-def]
    """The non-zero months of a measure, as {"2026-03": n}."""
    return {f"{m:%Y-%m}": v for m, v in zip(d.months, d.monthly[measure], strict=True) if v}


def check_whole_organization(d):  # type: ignore[no-untyped-def]
    assert [f"{m:%Y-%m}" for m in d.months] == MONTHS
    assert by_month(d, "members") == {
        "2026-01": 33,
        "2026-02": 33,
        "2026-03": 34,
        "2026-04": 33,
        "2026-05": 34,
        "2026-06": 34,
        "2026-07": 34,
    }
    assert by_month(d, "enrolled") == {"2026-01": 33}
    assert by_month(d, "applied") == {"2026-02": 3}
    assert by_month(d, "admitted") == {"2026-03": 1, "2026-05": 1}
    assert by_month(d, "waiting") == {
        "2026-02": 3,
        "2026-03": 2,
        "2026-04": 2,
        "2026-05": 1,
        "2026-06": 1,
        "2026-07": 1,
    }
    assert by_month(d, "resigned") == {"2026-04": 1}
    assert by_month(d, "lapsed") == {} and by_month(d, "expelled") == {}
    assert (
        by_month(d, "transfers_in") == {} and by_month(d, "transfers_out") == {}
    )  # a move inside the organization
    assert by_month(d, "late_decisions") == {"2026-05": 1}
    assert by_month(d, "missed") == {"2026-05": 1}
    assert by_month(d, "meetings") == {"2026-03": 1, "2026-05": 1, "2026-06": 1}
    # Attendance: 7 of 7 committee members, then 5 of 7, then 8 of the branch's 11 members.
    assert by_month(d, "attendance") == {"2026-03": 100, "2026-05": 71, "2026-06": 73}
    # Three branches from January; none had met by March's end (old enough to count from March);
    # Karachi Central met in June, so two are quiet in June and today.
    assert by_month(d, "branches") == dict.fromkeys(MONTHS[5:], 3)
    assert by_month(d, "quiet_branches") == {
        "2026-03": 3,
        "2026-04": 3,
        "2026-05": 3,
        "2026-06": 2,
        "2026-07": 2,
    }
    assert by_month(d, "small_branches") == {}
    # The founders' seats: CC 15, Secretariat 5, Control Commission 1, Regional Committee 7 and its
    # Secretary, Karachi Central's Branch Secretary.
    assert by_month(d, "seats_elected") == {"2026-01": 30}
    assert by_month(d, "seats_co_opted") == {} and by_month(d, "terms_expired") == {}
    n = d.now
    assert (n["members"], n["waiting"], n["waiting_longest"], n["waiting_beyond"]) == (
        34,
        1,
        155,
        1,
    )
    # Admitted members owe dues from their admission: Asad (March) is more than 3 months behind, Bano
    # (May) is behind but still in good standing; the founders paid to December.
    assert (n["branches"], n["quiet"], n["small"], n["arrears"]) == (3, 2, 0, 1)
    assert [(k["kind"], k["elected"], k["co_opted"], k["total"]) for k in d.seats_by_kind] == [
        ("branch_meeting", 1, 0, 1),
        ("central_committee", 15, 0, 15),
        ("control_commission", 1, 0, 1),
        ("regional_committee", 8, 0, 8),
        ("secretariat", 5, 0, 5),
    ]


def check_sindh_and_below(story):  # type: ignore[no-untyped-def]
    cast = story.cast
    d = dashboard(cast.sindh, today=story.today, months=12)
    assert by_month(d, "members") == {
        "2026-01": 17,
        "2026-02": 17,
        "2026-03": 18,
        "2026-04": 17,
        "2026-05": 18,
        "2026-06": 18,
        "2026-07": 18,
    }
    assert by_month(d, "applied") == {"2026-02": 2}
    assert by_month(d, "waiting") == {"2026-02": 2, "2026-03": 1, "2026-04": 1}
    assert by_month(d, "transfers_in") == {} and by_month(d, "transfers_out") == {}
    assert (d.now["quiet"], d.now["branches"], d.now["waiting"]) == (1, 2, 0)
    children = {c["unit"].name: c for c in d.children}
    assert set(children) == {"Karachi", "Hyderabad"}
    assert (
        children["Karachi"]["members"],
        children["Karachi"]["admitted"],
        children["Karachi"]["resigned"],
        children["Karachi"]["quiet"],
    ) == (11, 2, 1, 0)
    assert (children["Hyderabad"]["members"], children["Hyderabad"]["quiet"]) == (7, 1)
    branch = dashboard(cast.karachi, today=story.today, months=12)
    assert by_month(branch, "members") == {
        "2026-01": 11,
        "2026-02": 11,
        "2026-03": 12,
        "2026-04": 11,
        "2026-05": 11,
        "2026-06": 11,
        "2026-07": 11,
    }
    assert (
        by_month(branch, "transfers_out") == {"2026-05": 1}
        and by_month(branch, "transfers_in") == {}
    )
    assert by_month(branch, "meetings") == {"2026-06": 1}
    assert by_month(branch, "quiet_branches") == {"2026-03": 1, "2026-04": 1, "2026-05": 1}
    hyderabad_area = Unit.objects.get(name="Hyderabad", level="area")
    area = dashboard(hyderabad_area, today=story.today, months=12)
    assert [
        (c["unit"].name, c["members"], c["branches"], c["quiet"], c["arrears"])
        for c in area.children
    ] == [("Hyderabad City", 7, 1, 1, 0)]
    assert (area.now["quiet"], area.now["branches"]) == (1, 1)
    hyderabad = dashboard(cast.hyderabad, today=story.today, months=12)
    assert (
        by_month(hyderabad, "members")["2026-04"] == 6
        and by_month(hyderabad, "members")["2026-05"] == 7
    )
    assert by_month(hyderabad, "transfers_in") == {"2026-05": 1}


def test_figures_counted_live(story):  # type: ignore[no-untyped-def]
    check_whole_organization(dashboard(Unit.objects.get(parent=None), today=story.today, months=12))
    check_sindh_and_below(story)


def test_figures_from_the_stored_table_are_the_same(story):  # type: ignore[no-untyped-def]
    assert rebuild() > 0
    check_whole_organization(dashboard(Unit.objects.get(parent=None), today=story.today, months=12))
    check_sindh_and_below(story)


def test_table_built_mid_story_plus_later_facts_counted_live(story, at):  # type: ignore[no-untyped-def]
    # Rebuilt in April: the April resignation, the May transfer and admission and the meetings of
    # May and June come after it and are counted live on top of the table.
    from charter.dashboards.models import Build

    clock.set_frozen(dt.datetime(2026, 7, 15, 9, tzinfo=dt.UTC))
    rebuild()
    build = Build.objects.get()
    # Pretend the table was built earlier by rebuilding at the earlier marks: the marks are ids, so
    # the same rows later count live. (Rebuilding again later must give the same page.)
    check_whole_organization(dashboard(Unit.objects.get(parent=None), today=story.today, months=12))
    at("2026-07-16T09:00:00")
    resign_membership(story.asad, by=story.asad, letter="I resign.")
    d = dashboard(Unit.objects.get(parent=None), today=dt.date(2026, 7, 16), months=12)
    assert Build.objects.get().status_change_id == build.status_change_id  # the table did not move
    assert by_month(d, "members")["2026-07"] == 33 and by_month(d, "resigned") == {
        "2026-04": 1,
        "2026-07": 1,
    }
    rebuild()
    again = dashboard(Unit.objects.get(parent=None), today=dt.date(2026, 7, 16), months=12)
    assert again.monthly == d.monthly


@pytest.mark.parametrize(
    "stored", ["", "before", "after"], ids=["live", "table-then-facts", "table"]
)
def test_arrears_small_branches_and_terms_expired_without_election(story, at, stored):  # type: ignore[no-untyped-def]
    cast = story.cast
    # Five of Hyderabad City's seven members resign: it falls below the minimum of three (2.1).
    if stored == "before":
        rebuild()  # the resignations below are counted live on top of the table
    at("2026-08-03T09:00:00")
    hyderabad_people = [
        m
        for m in cast.hyderabad.members.filter(status="member").order_by("pk")
        if m.pk not in (cast.rashid.pk, cast.tariq.pk)
    ]
    for m in hyderabad_people:
        resign_membership(m, by=m, letter="I resign.")
    at(
        "2027-06-10T09:00:00"
    )  # dues paid to December 2026: everyone is behind; more than 3 months for all
    if stored == "after":
        rebuild()
    d = dashboard(Unit.objects.get(parent=None), today=dt.date(2027, 6, 10), months=12)
    # 34 members, 5 resigned: 29, every one of them more than 3 months behind.
    assert len(hyderabad_people) == 5 and d.now["members"] == 29
    assert d.now["arrears"] == 29
    assert d.now["small"] == 1 and by_month(d, "small_branches")["2027-06"] == 1
    # Branch states of the months between a build and this month are the build's (decision 0011).
    assert by_month(d, "small_branches").get("2026-08") == (None if stored == "before" else 1)
    # The Regional Committee's 7 seats and its Secretary, and Karachi Central's Branch Secretary,
    # ran out in January 2027 with no election (seats of resigned members ended early: not counted).
    ended_early = sum(1 for m in hyderabad_people if m.mandates.exists())
    assert ended_early == 2
    assert d.now["terms_expired"] == 9 - ended_early
    assert by_month(d, "terms_expired") == {"2027-01": 9 - ended_early}
    sindh = dashboard(cast.sindh, today=dt.date(2027, 6, 10), months=12)
    assert sindh.now["terms_expired"] == 9 - ended_early and sindh.now["small"] == 1
    assert {c["unit"].name: c["arrears"] for c in sindh.children} == {"Hyderabad": 2, "Karachi": 11}
