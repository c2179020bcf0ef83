"""Scenario 6 of SCENARIOS.md in Chromium: the dashboard tells the story of a region gone quiet.

Built through actions on the documented cast (charter/testing/cast.py), founded with one more
region, Balochistan, its Quetta area and two branches, Quetta City and Sariab Road, still empty:
2026-01-20  five people apply to Karachi Central; the Sindh Regional Committee admits them (01-28)
2026-02-20  the five move there (three to Quetta City, two to Sariab Road); no branch of the
            region ever meets, and none of the five pays dues
2026-05-29  the worker's dues rounds remind them twice (1.4), and on 2026-07-28 they lapse
2026-07-01  Karachi Central holds its branch meeting (Sindh still meets)
2026-08-10  today
"""

from __future__ import annotations

import re

from charter.members.actions import admit_member, apply_for_membership, transfer_member
from charter.members.models import Member
from charter.money.tasks import check_dues
from charter.org.models import Unit
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.cast import build
from charter.testing.meetings import hold
from charter.tests.browser.conftest import check_accessibility, no_horizontal_scroll, shoot

try:
    from playwright.sync_api import expect
except (
    ImportError
):  # the tests are then skipped with the reason (conftest.py), or fail under CI=true
    expect = None

NAMES = ["Gul Bugti", "Hani Marri", "Jamal Mengal", "Kulsoom Rind", "Lal Bakhsh Zehri"]


def quiet_region(at):  # type: ignore[no-untyped-def]
    cast = build(more_units={"Balochistan": {"Quetta": ["Quetta City", "Sariab Road"]}})
    rc = cast.bodies["rc"]
    rc_present = list(
        Member.objects.filter(mandates__body=rc, mandates__ended_on__isnull=True).distinct()
    )
    at("2026-01-20T10:00:00")
    people = [apply_for_membership(name=n, branch=cast.karachi) for n in NAMES]
    meeting = hold(rc, by=cast.rashid, present=rc_present, notice_days=8)
    for person in people:
        admit_member(
            person,
            decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(7, 0, 0)),
        )
    region = Unit.objects.get(name="Balochistan")
    city, sariab = Unit.objects.get(name="Quetta City"), Unit.objects.get(name="Sariab Road")
    at("2026-02-20T10:00:00")
    for i, person in enumerate(people):
        transfer_member(person, to_branch=city if i < 3 else sariab, by=person)
    for day in ("2026-05-29", "2026-06-28"):
        at(f"{day}T08:00:00")
        check_dues()
    at("2026-06-20T10:00:00")
    branch = cast.body("branch_meeting", cast.karachi)
    hold(branch, by=cast.bilal, present=[cast.bilal, cast.alice, cast.farhan, cast.saima])  # 07-05
    at("2026-07-28T08:00:00")
    check_dues()
    at("2026-08-10T10:00:00")
    return cast, region


def test_scenario_6_a_cc_member_follows_the_quiet_region_down_to_the_people_behind_a_figure(
    page, site, signed_in, db, at
):
    cast, region = quiet_region(at)
    assert Member.objects.filter(name__in=NAMES, status="lapsed").count() == 5
    signed_in(page, cast.zainab)  # a Central Committee member
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator("h1")).to_have_text("Dashboard: WDA")
    below = page.locator("table.figures").first
    expect(below).to_contain_text("Balochistan")
    check_accessibility(page)
    # From the organization down to the region, by its name in the table of units below.
    below.get_by_role("link", name="Balochistan").click()
    expect(page.locator("h1")).to_have_text("Dashboard: Balochistan")
    main = page.locator("main")
    expect(main).to_contain_text("of 2 branches held no meeting in the last 60 days")
    quiet_card = page.locator(".card", has_text="held no meeting in the last 60 days")
    expect(quiet_card.locator(".big")).to_have_text("2")
    quetta = page.locator("table.figures").first.get_by_role("row", name=re.compile("Quetta"))
    expect(quetta.locator("td").nth(4)).to_have_text("5")  # Lapses
    expect(page.locator("svg").first).to_be_visible()  # the charts over time
    check_accessibility(page)
    shoot(page, "dashboard-region-desktop")
    # Behind the figure: which branches have not met.
    quiet_card.get_by_role("link", name="2").click()
    expect(page.locator("h1")).to_contain_text("Branches with no meeting")
    table = page.locator("table.figures")
    expect(table).to_contain_text("Quetta City")
    expect(table).to_contain_text("Sariab Road")
    check_accessibility(page)
    page.go_back()
    # Behind July's lapses: the five people, by name.
    july = page.locator("table.monthly").get_by_role("row", name=re.compile("^July 2026"))
    july.get_by_role("link", name="5").first.click()
    expect(page.locator("h1")).to_contain_text("Lapses · July 2026")
    for name in NAMES:
        expect(page.locator("table.figures")).to_contain_text(name)
    check_accessibility(page)
    assert region.pk


def test_scenario_6_a_branch_secretary_sees_only_their_branch_on_a_phone(
    phone, site, signed_in, db, at
):
    cast, region = quiet_region(at)
    signed_in(phone, cast.bilal)  # Secretary of Karachi Central
    phone.goto(site("/dashboard/"))
    expect(phone.locator("main")).to_contain_text("Organization-wide figures, without names.")
    # No names at the top, no way into the region: only their own branch is offered.
    expect(phone.locator("main a[href*='/figures/']")).to_have_count(0)
    mine = phone.locator("main p", has_text="Your units:")
    expect(mine.get_by_role("link")).to_have_count(1)
    no_horizontal_scroll(phone)
    check_accessibility(phone)
    response = phone.goto(site(f"/dashboard/{region.pk}/"))
    assert response is not None and response.status == 404
    phone.goto(site("/dashboard/"))
    phone.locator("main p", has_text="Your units:").get_by_role(
        "link", name="Karachi Central"
    ).click()
    expect(phone.locator("h1")).to_have_text("Dashboard: Karachi Central")
    expect(phone.locator(".card", has_text="held no meeting").locator(".big")).to_have_text("0")
    phone.locator(".card", has_text="members").first.get_by_role("link").click()
    expect(phone.locator("table.figures")).to_contain_text("Alice Baloch")
    expect(phone.locator("table.figures")).not_to_contain_text("Gul Bugti")  # moved away
    no_horizontal_scroll(phone)
    check_accessibility(phone)
    phone.go_back()
    no_horizontal_scroll(phone)
    shoot(phone, "dashboard-branch-phone")
