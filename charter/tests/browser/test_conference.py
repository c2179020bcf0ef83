"""Scenario 5 of SCENARIOS.md in Chromium: a national conference's floor as the people in the hall
use it. The hall screen and the delegates' phones follow the conference's stream of server-sent
events, so these pages are served by uvicorn (``live_site``), as ``charter serve`` serves them; the
screens change without a reload. The conference is built through the conferences' own acts (the
floor's test set-up): the Central Committee convenes it, the cast registers, two sessions."""

from __future__ import annotations

import re

from charter.conferences.models import CheckIn
from charter.floor.models import Question, SpeakRequest
from charter.floor.tests.conftest import conference_setup
from charter.tests.browser.conftest import (
    DESKTOP,
    PHONE,
    check_accessibility,
    no_horizontal_scroll,
    open_page,
    shoot,
    sign_in,
)

try:
    from playwright.sync_api import expect
except (
    ImportError
):  # the tests are then skipped with the reason (conftest.py), or fail under CI=true
    expect = None


def test_scenario_5_a_delegate_asks_to_speak_and_questions_from_a_phone_the_hall_follows_live(
    browser, live_site, cast
):
    conf = conference_setup(cast)  # the clock now stands at the opening, 2026-03-07 09:00
    pk = conf.conference.pk
    opened: dict[tuple[int, int], object] = {}

    def person(member, viewport):  # type: ignore[no-untyped-def]
        """A page of the member's browser at this size, signed in once (a second factor's code
        is good once: the organizer's screens share one sign-in, as tabs of one browser do)."""
        key = (member.pk, viewport["width"])
        if key in opened:
            return opened[key].new_page()
        context, page = open_page(browser, viewport)
        opened[key] = context
        sign_in(page, live_site, member)
        return page

    try:
        # The projector: an organizer opens the hall screen; nothing is being discussed yet.
        hall = person(conf.chair, DESKTOP)
        hall.goto(live_site(f"/conferences/{pk}/floor/hall/"))
        screen = hall.locator(".floor-live")
        expect(screen.locator("[data-floor=item]")).to_have_text("No item is being discussed.")
        hall.evaluate("() => { window.notReloaded = true; }")  # gone if the page reloads

        # The chair (the same organizer, on a laptop) puts the first item on the screen.
        chair = person(conf.chair, DESKTOP)
        chair.goto(live_site(f"/conferences/{pk}/floor/chair/"))
        chair.get_by_label("Item on the hall screen").select_option(str(conf.item.pk))
        chair.get_by_role("button", name="Show").click()
        expect(screen.locator("[data-floor=item]")).to_have_text("1. Lead-off and discussion")
        expect(screen.locator("[data-floor=lead-off]")).to_have_text("Rashid Soomro")

        # Alice, a delegate, on her phone: her page of the conference, reached from her sign-in.
        phone = person(conf.alice.member, PHONE)
        phone.goto(live_site(f"/conferences/{pk}/floor/phone/"))
        expect(phone.locator("h1")).to_have_text("National Conference")
        expect(phone.locator(".floor-live [data-floor=item]")).to_have_text(
            "1. Lead-off and discussion"
        )
        no_horizontal_scroll(phone)
        check_accessibility(phone)
        phone.get_by_role("button", name="Ask to speak").click()
        expect(phone.get_by_text("You are on the list of speakers.")).to_be_visible()
        expect(screen.locator("[data-floor=speakers]")).to_contain_text("Alice Baloch")
        shoot(phone, "conference-phone")

        # She sends a written question, typed on the phone's keyboard.
        phone.get_by_label("Your question").fill(
            "How do we reach the branches cut off by the riots?"
        )
        phone.get_by_role("button", name="Send", exact=True).click()
        expect(phone.get_by_role("status").or_(phone.locator(".messages"))).to_contain_text(
            "Your question was sent to the moderators."
        )
        expect(screen.locator("[data-floor=questions]")).to_have_text("1")
        expect(screen.locator("[data-floor=accepted]")).to_have_text("0")

        # The moderator (an organizer) accepts it from the console; the hall counts it at once.
        chair.reload()
        queue = chair.locator(".floor-queue")
        expect(queue).to_contain_text("How do we reach the branches cut off by the riots?")
        queue.get_by_role("button", name="Accept").click()
        expect(screen.locator("[data-floor=accepted]")).to_have_text("1")
        assert Question.objects.get().state == Question.State.ACCEPTED

        # The chair orders the list, calls the next speaker and starts the timer.
        chair.get_by_role("button", name="Order the list").click()
        chair.get_by_role("button", name="Call the next speaker").click()
        expect(screen.locator("[data-floor=speaker]")).to_have_text("Alice Baloch")
        expect(screen.locator("[data-floor=timer]")).to_have_text("called to the microphone")
        chair.get_by_role("button", name=re.compile(r"Start the timer")).click()
        expect(screen.locator("[data-floor=timer]")).to_have_text(re.compile(r"^[0-3]:[0-5]\d$"))
        expect(phone.get_by_text("You have the floor.")).to_be_visible()  # her phone, live too
        assert SpeakRequest.objects.get().state == SpeakRequest.State.SPEAKING
        assert hall.evaluate("() => window.notReloaded === true"), "the hall screen reloaded"
        check_accessibility(hall)
        check_accessibility(chair)
        shoot(hall, "hall-desktop")
        shoot(chair, "chair-desktop")

        # At the door, an organizer checks Bilal in by typing the code on his badge, then Enter.
        door = person(cast.zainab, PHONE)
        door.goto(live_site(f"/conferences/{pk}/check-in/"))
        code = door.get_by_label("Badge code")
        expect(code).to_be_focused()
        door.keyboard.type(conf.bilal.code.lower())
        door.keyboard.press("Enter")
        expect(door.get_by_role("status")).to_contain_text("Checked in: Bilal Memon")
        door.get_by_label("Badge code").fill("NOT-A-CODE")
        door.get_by_label("Badge code").press("Enter")
        expect(door.locator(".errorlist")).to_be_visible()  # said next to the field
        no_horizontal_scroll(door)
        check_accessibility(door)
        shoot(door, "checkin-phone")
        assert CheckIn.objects.filter(participant=conf.bilal).count() == 1

        # The report counts them: one present on the first day, one question in the session.
        report = person(conf.chair, DESKTOP)
        report.goto(live_site(f"/conferences/{pk}/report/"))
        main = report.locator("main")
        expect(main).to_contain_text("7 registered, 5 with vote")
        expect(main).to_contain_text("Present on Saturday 7 March 2026: 1")
        expect(main.locator(".session").first).to_contain_text("Written questions: 1")
        check_accessibility(report)
        shoot(report, "report-desktop")
        report.set_viewport_size(PHONE)
        no_horizontal_scroll(report)
        check_accessibility(report)
        shoot(report, "report-phone")
    finally:
        for context in opened.values():
            context.close()
