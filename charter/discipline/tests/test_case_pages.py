"""The case page in the browser: the member sees what they are charged with, what they may do next
and until when, and who decides; officers see the next step they may take. Forms call actions."""

from __future__ import annotations

import pytest
from django.utils import translation

from charter.discipline.models import Appeal, Case, Reply
from charter.discipline.tests import story
from charter.members.models import Member
from charter.record.models import Entry
from charter.testing.web import said
from charter.tests.test_pages import login_as

pytestmark = pytest.mark.django_db


def page(client, case: Case) -> str:
    r = client.get(f"/cases/{case.pk}/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_member_sees_the_charge_the_next_step_its_deadline_and_who_decides(client, cast):
    case = story.deliver(cast, story.frame(cast))
    login_as(client, cast.tariq, "tariq")
    text = page(client, case)
    assert 'lang="sd"' in text  # in his own language (the strings are all marked for translation)
    assert said("sd", "What you are charged with") != "What you are charged with"  # the catalog has it
    assert said("sd", "What you are charged with") in text and "7.1(b)" in text and "Serious or repeated breach of this document" in text
    assert said("sd", "Reply to the charge in writing") in text and said("sd", "Until %(d)s.", d="15 سيپٽمبر 2026") in text and said("sd", "Article %(a)s.", a="7.4") in text
    assert said("sd", "the %(b)s, after hearing you (article %(a)s)", b="Central Committee", a="7.4") in text
    assert said("sd", "An appeal goes to the %(b)s (article %(a)s).", b="Control Commission", a="8.1") in text
    assert said("sd", "Deliver the charge to the member in writing") not in text and said("sd", "Decide a measure") not in text  # not his steps
    r = client.post(f"/cases/{case.pk}/reply/", {"text": "I published nothing new.", "evidence": ""})
    assert r.status_code == 302
    assert Reply.objects.get(case=case).text == "I published nothing new."
    assert "I published nothing new." in page(client, case)


def test_an_empty_reply_is_refused_by_the_rules_and_shown(client, cast):
    case = story.deliver(cast, story.frame(cast))
    login_as(client, cast.tariq, "tariq")
    r = client.post(f"/cases/{case.pk}/reply/", {"text": "   "})
    assert r.status_code in (400, 403) and not Reply.objects.exists()


def test_officers_see_the_steps_they_may_take(client, cast):
    case = story.frame(cast)
    login_as(client, cast.sara, "sara")
    text = page(client, case)
    assert "Deliver the charge to the member in writing" in text and "Decide a measure" not in text
    assert client.post(f"/cases/{case.pk}/deliver/", {}).status_code == 302
    assert Case.objects.get(pk=case.pk).charge_delivered_on is not None
    client.logout()
    login_as(client, cast.zainab, "zainab")
    text = page(client, case)
    assert "Schedule the hearing, with notice" in text and "Decide a measure" in text and "Record that a member stands aside" in text
    assert "Deliver the charge" not in text


def test_the_member_appeals_from_the_page_and_the_commission_sees_its_steps(client, cast):
    case = story.expelled(cast)
    story.moment_at("2026-09-20T10:00:00")
    login_as(client, cast.tariq, "tariq")
    text = page(client, case)
    assert said("sd", "Appeal to the %(body)s", body="Control Commission") in text and said("sd", "Until %(d)s.", d="17 آڪٽوبر 2026") in text and said("sd", "Article %(a)s.", a="8.1") in text
    assert client.post(f"/cases/{case.pk}/appeal/", {"statement": "My reply was not weighed."}).status_code == 302
    assert Appeal.objects.get(case=case).statement == "My reply was not weighed."
    client.logout()
    login_as(client, cast.imran, "imran")
    text = page(client, case)
    assert "Schedule the hearing of the appeal" in text and "Decide the appeal" in text and "Until 19 November 2026." in text


def test_the_lost_vote_is_shown_with_its_article(client, cast):
    case = story.deliver(cast, story.frame(cast))
    meeting = story.hearing_meeting(cast, case)
    story.reply(cast, case)
    held = story.attend(meeting, by=cast.zainab, present=story.cc_voters(cast))
    login_as(client, cast.zainab, "zainab")
    form = {"meeting": held.pk, "measure": "expulsion", "grounds": ["breach_of_document"], "votes_yes": 9, "votes_no": 3, "votes_abstain": 1, "reasons": "r"}
    r = client.post(f"/cases/{case.pk}/decide/", form)
    assert r.status_code == 403
    body = r.content.decode()
    assert "Article 7.3" in body and "needed 10 votes for" in body
    assert Member.objects.get(pk=cast.tariq.pk).status == "member"
    assert Entry.objects.order_by("-index").first().outcome == "lost"


def test_framing_from_the_members_page_and_the_api(client, cast, at):
    at("2026-09-01T10:00:00")
    login_as(client, cast.sara, "sara")
    assert client.get(f"/members/{cast.tariq.pk}/charge/").status_code == 200
    r = client.post(f"/members/{cast.tariq.pk}/charge/", {"body": cast.bodies["secretariat"].pk, "grounds": ["breach_of_document"], "facts": story.FACTS, "bringers": cast.cc_members[0].number})
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.framed_by == cast.bodies["secretariat"] and case.bringers.count() == 2
    r = client.post(f"/api/members/{cast.farhan.pk}/charges", {"body_id": cast.bodies["secretariat"].pk, "grounds": [], "facts": "x"}, content_type="application/json")
    assert r.status_code == 403 and set(r.json()["articles"]) == {"7.1"} and r.json()["record_entry"] is not None
    client.logout()
    login_as(client, cast.alice, "alice")  # alice may not look Tariq up at all
    assert client.get(f"/members/{cast.tariq.pk}/charge/").status_code == 404


def test_the_api_takes_every_step_of_the_case(client, cast):
    case = story.frame(cast)
    login_as(client, cast.sara, "sara")
    assert client.post(f"/api/cases/{case.pk}/delivery", {}, content_type="application/json").json()["charge_delivered_on"] == "2026-09-01"
    client.logout()
    login_as(client, cast.tariq, "tariq")
    out = client.post(f"/api/cases/{case.pk}/reply", {"text": "My reply."}, content_type="application/json").json()
    assert out["state"] == "replied" and out["replies"] == ["My reply."]
    assert {s["key"] for s in out["next_steps"]} == {"reply"}
    assert [d["state"] for d in out["deadlines"] if d["kind"] == "reply"] == ["met"]
    with translation.override("en"):
        r = client.post(f"/api/cases/{case.pk}/appeal", {"statement": "x"}, content_type="application/json")
    assert r.status_code == 403 and r.json()["articles"] == ["8.1"]  # nothing to appeal yet
