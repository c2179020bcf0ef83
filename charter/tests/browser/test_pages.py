"""Every member-facing page in Chromium: on a 360-pixel phone without horizontal scrolling, with no
serious or critical axe-core finding, in Urdu and Sindhi laid out right to left, and usable with the
keyboard alone. Screenshots of the main pages (``make screenshots``) are taken here too.

A page added by another part of Charter joins the checks by adding a line to ``PAGES`` (and, if it
needs data, a step in ``world``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from charter.discipline.tests import story
from charter.initiatives.actions import sign_initiative, start_initiative
from charter.lib import clock
from charter.members.actions import apply_for_membership
from charter.members.models import Member
from charter.record.models import Entry
from charter.tests.browser.conftest import (
    DESKTOP,
    PASSWORD,
    PHONE,
    axe_findings,
    give_sign_in,
    no_horizontal_scroll,
    shoot,
    sign_in,
)
from charter.voting.actions import cast_vote, close_poll, publish_poll
from charter.voting.tests.conftest import committee, new_poll

try:
    from playwright.sync_api import expect
except (
    ImportError
):  # the tests are then skipped with the reason (conftest.py), or fail under CI=true
    expect = None


@dataclass
class World:
    cast: Any
    case: Any
    meeting: Any
    initiative: Any
    letter: Any
    poll: Any


def world(cast: Any) -> World:
    """A delivered charge against Tariq and its hearing meeting; an initiative and a letter being
    signed; a ranked vote of the Sindh Regional Committee counted and published."""
    case = story.deliver(cast, story.frame(cast))
    meeting = story.hearing_meeting(cast, case)
    story.moment_at("2026-09-05T10:00:00")
    initiative = start_initiative(
        by=cast.alice,
        kind="investigation",
        title="Investigate the expulsions",
        text="How were they decided?",
    )
    sign_initiative(initiative, by=cast.bilal)
    letter = start_initiative(
        by=cast.alice,
        kind="circulate_document",
        title="On the Sindh expulsions",
        text="Comrades of Sindh,\n\nRead Article 7.4.",
        addressed_to=cast.body("regional_aggregate", cast.sindh),
    )
    poll = new_poll(
        cast,
        method="scottish-stv",
        options=["Ann Lashari", "Ben Khoso", "Cy Magsi", "Dur Talpur"],
        seats=2,
        title="Two seats",
    )
    for i, member in enumerate(committee(cast)):
        cast_vote(
            poll, voter=member, vote=[(i + k) % 4 + 1 for k in range(3)], idempotency_key=f"w{i}"
        )
    close_poll(poll, by=cast.rashid)
    publish_poll(poll, by=cast.rashid)
    # A long operation half way (its bar on the Long operations page), and one that ended in error.
    from charter.progress.background import record
    from charter.progress.track import Tracker

    half = Tracker(record("publish_poll", subject_id=poll.pk))
    half.start(total=240, step="counting")
    half.advance(120)
    half.flush()
    Tracker(record("publish_poll", subject_id=poll.pk)).fail("The ballots no longer match the list committed when the poll closed; nothing was counted.")
    return World(cast, case, meeting, initiative, letter, poll)


def pages(w: World) -> list[tuple[str, str, Any]]:
    """(name, path, who is signed in: a member or None) for every member-facing page."""
    c = w.cast
    entry = Entry.objects.order_by("-index").first()
    return [
        ("sign-in", "/accounts/login/", None),
        ("home", "/me/", c.alice),
        ("receipts", "/me/receipts/", c.alice),
        ("inbox", "/me/inbox/", c.tariq),
        ("member", f"/members/{c.alice.pk}/", c.bilal),
        ("organization", "/units/", c.alice),
        ("unit", f"/units/{c.karachi.pk}/", c.alice),
        ("body", f"/bodies/{c.bodies['rc'].pk}/", c.saima),
        ("meeting", f"/meetings/{w.meeting.pk}/", c.zainab),
        ("convene", f"/bodies/{c.bodies['rc'].pk}/convene/", c.rashid),
        ("cases", "/cases/", c.zainab),
        ("case", f"/cases/{w.case.pk}/", c.zainab),
        ("case-own", f"/cases/{w.case.pk}/", c.tariq),
        ("charge", f"/members/{c.farhan.pk}/charge/", c.sara),
        ("measure", f"/members/{c.farhan.pk}/measure/", c.rashid),
        ("initiatives", "/initiatives/", c.alice),
        ("initiative-start", "/initiatives/start/", c.alice),
        ("initiative", f"/initiatives/{w.initiative.pk}/", c.alice),
        ("letter", f"/initiatives/{w.letter.pk}/", c.alice),
        ("polls", f"/bodies/{c.bodies['rc'].pk}/polls/", c.saima),
        ("poll-new", f"/bodies/{c.bodies['rc'].pk}/polls/new/", c.rashid),
        ("poll", f"/polls/{w.poll.pk}/", c.saima),
        ("results", f"/polls/{w.poll.pk}/results/", c.saima),
        ("elections", f"/bodies/{c.bodies['rc'].pk}/elections/", c.saima),
        ("conference-convene", "/conferences/convene/", c.sara),
        ("conferences", "/conferences/", c.alice),
        ("money", "/money/", c.alice),
        ("dues-bands", "/money/bands/", c.alice),
        ("funds", "/money/funds/", c.alice),
        ("branch-money", f"/money/units/{c.karachi.pk}/", c.bilal),
        ("statement-import", f"/money/units/{c.karachi.pk}/import/", c.bilal),
        ("record", "/record/", None),
        ("record-entry", f"/record/{entry.index}/", None),
        ("rules", "/rules/", None),
        ("rules-act", "/rules/?act=expel_member", None),
        ("help", "/help/", None),
        ("help-member", "/help/member/", None),
        ("operations", "/operations/", c.saima),
    ]


# The pages whose screenshots are kept under docs/screenshots/ (desktop and phone).
MAIN = {"home", "case-own", "initiative", "poll", "results", "rules-act", "record", "help-member"}


class Visitor:
    """One browser context per person, signed in once through the sign-in form."""

    def __init__(self, browser: Any, site: Any, viewport: dict[str, int]) -> None:
        self.browser, self.site, self.viewport = browser, site, viewport
        self.contexts: dict[Any, Any] = {}

    def page_for(self, member: Any) -> Any:
        key = member.pk if member is not None else None
        if key not in self.contexts:
            phone = self.viewport == PHONE
            context = self.browser.new_context(
                viewport=self.viewport, is_mobile=phone, has_touch=phone
            )
            context.set_default_timeout(15000)
            page = context.new_page()
            if member is not None:
                sign_in(page, self.site, member)
            self.contexts[key] = (context, page)
        return self.contexts[key][1]

    def close(self) -> None:
        for context, _page in self.contexts.values():
            context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_member_facing_page_fits_a_phone_and_has_no_serious_accessibility_finding(
    browser, site, cast, size
):
    """At 360 px, every page: no horizontal scroll, and axe-core finds nothing serious or critical.
    At 1280 px, the main pages: no axe-core finding either."""
    w = world(cast)
    visitor = Visitor(browser, site, PHONE if size == "phone" else DESKTOP)
    problems = []
    try:
        for name, path, member in pages(w):
            if size == "desktop" and name not in MAIN:
                continue  # every page is checked at phone size; at desktop size, the main ones
            page = visitor.page_for(member)
            response = page.goto(site(path))
            if response is None or response.status != 200:
                problems.append(f"{name} {path}: HTTP {response.status if response else '?'}")
                continue
            if size == "phone":
                widths = page.evaluate(
                    "() => [document.documentElement.scrollWidth, window.innerWidth]"
                )
                if widths[0] > widths[1]:
                    problems.append(
                        f"{name} {path}: {widths[0]} px wide in a {widths[1]} px window"
                    )
            for finding in axe_findings(page):
                problems.append(
                    f"{name} {path}: axe {finding['impact']} {finding['id']} ({finding['help']}) at {finding['nodes']}"
                )
            if name in MAIN:
                shoot(page, f"{name}-{size}")
    finally:
        visitor.close()
    assert not problems, "\n".join(problems)


def test_urdu_and_sindhi_pages_are_laid_out_right_to_left(browser, site, cast):
    """A member whose language is Urdu (an applicant) and Tariq (Sindhi): dir=rtl, and the header
    really mirrors: the name of the site is at the right edge, the navigation runs leftwards."""
    clock.set_frozen(clock.now())
    urdu = apply_for_membership(
        name="Nasreen Bhutto", branch=cast.karachi, email="nasreen@example.org", language="ur"
    )
    for member, lang in [(urdu, "ur"), (Member.objects.get(pk=cast.tariq.pk), "sd")]:
        for viewport, size in [(DESKTOP, "desktop"), (PHONE, "phone")]:
            visitor = Visitor(browser, site, viewport)
            try:
                page = visitor.page_for(member)
                page.goto(site("/me/"))
                html = page.locator("html")
                expect(html).to_have_attribute("lang", lang)
                expect(html).to_have_attribute("dir", "rtl")
                assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
                brand = page.locator("header.site .brand").bounding_box()
                links = page.locator("header.site nav a")
                first, last = links.first.bounding_box(), links.last.bounding_box()
                width = viewport["width"]
                assert brand["x"] + brand["width"] > width - 40, (
                    f"the site's name is not at the right edge ({brand})"
                )
                assert brand["x"] > width / 2
                assert first["x"] >= last["x"] or first["y"] < last["y"], (
                    "the navigation does not start at the right"
                )
                no_horizontal_scroll(page)
                if size == "phone":
                    assert not axe_findings(page)
                shoot(page, f"rtl-{lang}-{size}")
            finally:
                visitor.close()


def tab_to(page: Any, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key on {page.url}")


def test_the_main_forms_are_reached_and_submitted_with_the_keyboard_alone(page, site, cast):
    """Sign in, sign an initiative, reply to a charge: Tab to each field, type, Enter or Space."""
    case = story.deliver(cast, story.frame(cast))
    story.moment_at("2026-09-05T10:00:00")
    initiative = start_initiative(
        by=cast.alice,
        kind="investigation",
        title="Investigate the expulsions",
        text="How were they decided?",
    )
    # Skip link first: the first Tab lands on it, and it shows itself.
    page.goto(site("/rules/"))
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip')")
    expect(page.locator(".skip")).to_be_in_viewport()
    # The sign-in page puts the cursor in the first field.
    username = give_sign_in(cast.tariq)
    page.goto(site("/accounts/login/"))
    assert page.evaluate("() => document.activeElement.id") == "id_username"
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(site("/me/"))
    page.goto(site(f"/initiatives/{initiative.pk}/"))
    tab_to(page, f"form[action='/initiatives/{initiative.pk}/sign/'] button")
    page.keyboard.press("Space")
    expect(page.locator("#count .big")).to_have_text("1")
    page.goto(site(f"/cases/{case.pk}/"))
    tab_to(page, "#step-reply textarea[name=text]")
    page.keyboard.type("I published nothing new.")
    tab_to(page, "#step-reply button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("I published nothing new.")
