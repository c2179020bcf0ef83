"""The stories of SCENARIOS.md walked through the pages in Chromium, as the people in them would:
typing, choosing, pressing Enter; the rules' answer read off the page. Data before the story starts
is built through actions (the cast, the stories of the apps' own tests)."""

from __future__ import annotations

import re

from charter.discipline.models import Measure, Reply
from charter.discipline.tests import story
from charter.initiatives.actions import sign_initiative, start_initiative
from charter.initiatives.models import Initiative, Obligation
from charter.members.models import Member
from charter.record.models import Entry
from charter.tests.browser.conftest import check_accessibility, shoot
from charter.voting.actions import cast_vote, close_poll, publish_poll
from charter.voting.models import Ballot
from charter.voting.tests.conftest import committee, new_poll

try:
    from playwright.sync_api import expect
except (
    ImportError
):  # the tests are then skipped with the reason (conftest.py), or fail under CI=true
    expect = None


def test_scenario_1_the_regional_secretary_tries_to_expel_and_reads_the_refusal(
    page, site, signed_in, cast, at
):
    """Signing in, then the attempt 'by text message': refused, with the articles, on the record."""
    at("2026-11-01T10:00:00")
    entries = Entry.objects.count()
    signed_in(page, cast.rashid)
    page.goto(site(f"/members/{cast.farhan.pk}/measure/"))
    page.select_option("#id_measure", "expulsion")
    page.select_option("#id_body", str(cast.bodies["secretariat"].pk))
    page.fill("#id_other_ground", "inactivity")
    page.fill("#id_reasons", "inactivity")
    page.get_by_role("button", name="Record the decision").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("the rules do not allow it")
    for article in ("3.5", "3.3", "1.4", "7.1", "7.4"):
        expect(refusal).to_contain_text(f"Article {article}")
    expect(refusal).to_contain_text("Nothing has changed.")
    # In plain sentences a member understands: who holds what power, and what did not happen.
    expect(refusal).to_contain_text(
        "The Regional Secretary carries out the decisions of the Regional Committee"
    )
    expect(refusal).to_contain_text(
        "The member was given no period of 14 days to reply in writing."
    )
    check_accessibility(page)
    shoot(page, "refusal-desktop")
    # The attempt is on the record, and the link goes to it.
    page.get_by_role("link", name=re.compile(r"Record entry \d+")).click()
    expect(page.locator("main")).to_contain_text("refused")
    assert (
        Entry.objects.count() == entries + 1
        and Entry.objects.order_by("-index")[0].outcome == "refused"
    )
    assert (
        not Measure.objects.exists()
        and Member.objects.get(pk=cast.farhan.pk).status == cast.farhan.status
    )


def test_scenario_1_a_wrong_password_is_said_next_to_the_form_and_nothing_is_lost(page, site, cast):
    from charter.tests.browser.conftest import give_sign_in

    username = give_sign_in(cast.alice)
    page.goto(site("/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", "not the password")
    page.press("#id_password", "Enter")
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value(username)


def test_scenario_2_tariq_replies_to_the_charge_in_sindhi_on_a_phone(phone, site, signed_in, cast):
    """Tariq (Sindhi) reads his case page, its deadline and article, and replies in writing."""
    case = story.deliver(cast, story.frame(cast))
    story.moment_at("2026-09-05T10:00:00")
    signed_in(phone, cast.tariq)
    phone.goto(site(f"/cases/{case.pk}/"))
    expect(phone.locator("html")).to_have_attribute("lang", "sd")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    step = phone.locator("#step-reply")
    expect(step).to_contain_text("15 سيپٽمبر 2026")  # the deadline, 14 days after delivery
    expect(step).to_contain_text("7.4")  # and its article
    expect(phone.locator("main")).to_contain_text("7.1(b)")
    check_accessibility(phone)
    shoot(phone, "case-reply-sd-phone")
    step.locator("textarea[name=text]").fill(
        "The drafts were already public; I published nothing new."
    )
    step.locator("button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("I published nothing new.")
    assert (
        Reply.objects.get(case=case).text
        == "The drafts were already public; I published nothing new."
    )


def test_scenario_3_members_see_the_count_reach_the_threshold_and_the_deadline(
    page, site, signed_in, cast, at
):
    at("2026-11-01T10:00:00")
    initiative = start_initiative(
        by=cast.alice,
        kind="investigation",
        title="Investigate the expulsions",
        text="How were they decided?",
    )
    needed = Initiative.objects.get(pk=initiative.pk).needed
    signers = [m for m in Member.objects.order_by("pk") if m.pk != cast.bilal.pk][: needed - 1]
    for member in signers:
        sign_initiative(initiative, by=member)
    signed_in(page, cast.bilal)
    page.goto(site("/initiatives/"))
    page.get_by_role("link", name="Investigate the expulsions").click()
    count = page.locator("#count")
    expect(count.locator(".big")).to_have_text(str(needed - 1))
    expect(page.locator("main")).to_contain_text("9.2")
    check_accessibility(page)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("main")).to_contain_text("You have signed this.")
    expect(page.locator("#count .big")).to_have_text(str(needed))
    # The threshold is reached: the obligation and its deadline are on the page.
    obligation = Obligation.objects.get(initiative=initiative)
    expect(page.locator("main")).to_contain_text(f"{obligation.due_on.day} {obligation.due_on:%B %Y}")
    shoot(page, "initiative-desktop")


def test_scenario_4_the_twentieth_cosigner_makes_charter_circulate_the_letter(
    phone, site, signed_in, cast, at
):
    at("2026-11-01T10:00:00")
    aggregate = cast.body("regional_aggregate", cast.sindh)
    letter = start_initiative(
        by=cast.alice,
        kind="circulate_document",
        title="On the Sindh expulsions",
        text="Comrades of Sindh,\n\nRead Article 7.4.",
        addressed_to=aggregate,
    )
    needed = Initiative.objects.get(pk=letter.pk).needed
    others = [
        m for m in Member.objects.order_by("pk") if m.pk not in (cast.alice.pk, cast.bilal.pk)
    ][: needed - 1]
    for member in others:
        sign_initiative(letter, by=member)
    signed_in(phone, cast.bilal)
    phone.goto(site(f"/initiatives/{letter.pk}/"))
    expect(phone.locator("main")).to_contain_text("Comrades of Sindh")
    expect(phone.locator("main")).to_contain_text("9.4")
    phone.get_by_role("button", name="Sign", exact=True).click()
    expect(phone.locator("#count .big")).to_have_text(str(needed))
    assert Obligation.objects.filter(initiative=letter).exists()
    shoot(phone, "letter-phone")


def test_scenario_7_a_committee_member_ranks_the_candidates_by_keyboard_and_reads_the_count(
    page, site, signed_in, cast, at
):
    at("2026-03-02T10:00:00")
    names = [f"Candidate {c}" for c in "ABCDEFGHIJKL"]
    poll = new_poll(cast, method="scottish-stv", options=names, seats=7, title="Regional Committee")
    signed_in(page, cast.saima)
    page.goto(site(f"/polls/{poll.pk}/"))
    # A mistake (the same number twice) is said on the form, and the numbers typed are kept.
    page.get_by_label("Candidate A").fill("1")
    page.get_by_label("Candidate B").fill("1")
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.locator("fieldset [role=alert]")).to_contain_text(
        "without repeating or skipping"
    )  # beside the boxes
    expect(page.get_by_label("Candidate A")).to_have_value("1")
    assert not Ballot.objects.exists()
    # Now by keyboard only: focus the first box, type, Tab to the next.
    page.get_by_label("Candidate B").fill("")
    page.get_by_label("Candidate C").focus()
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    expect(page.locator(".tracker")).to_be_visible()
    assert Ballot.objects.get(poll=poll).vote == [1, 3, 4]
    shoot(page, "ballot-tracker-desktop")
    # The others vote, the chair closes and publishes; the result page shows the count sheet.
    for i, member in enumerate(m for m in committee(cast) if m.pk != cast.saima.pk):
        cast_vote(
            poll, voter=member, vote=[(i + k) % 12 + 1 for k in range(7)], idempotency_key=f"k{i}"
        )
    close_poll(poll, by=cast.rashid)
    publish_poll(poll, by=cast.rashid)
    page.goto(site(f"/polls/{poll.pk}/results/"))
    expect(page.locator("main")).to_contain_text("Candidate A")
    expect(page.locator("table").first).to_be_visible()
    check_accessibility(page)
    shoot(page, "results-desktop")
