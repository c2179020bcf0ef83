"""Initiatives in the browser and through the API: the list, the page with its count, threshold,
deadline and obligation; signing and withdrawing by POST; the document page with its hash and
delivery receipts; bad input answered with a 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from charter.accounts.models import User
from charter.initiatives.actions import sign_initiative, start_initiative
from charter.initiatives.fulfilment import check_initiative_deadlines
from charter.initiatives.models import Initiative, Signature
from charter.lib import clock
from charter.members.models import Member
from charter.notices import tasks
from charter.record.models import Entry
from charter.testing.web import login_user

pytestmark = pytest.mark.django_db


def login_as(client: Client, member: Member) -> Client:
    user = User.objects.create_user(f"user{member.pk}", password="a-long-test-password-1")
    Member.objects.filter(pk=member.pk).update(user=user)
    login_user(client, user)
    return client


def investigation(cast) -> Initiative:  # type: ignore[no-untyped-def]
    return start_initiative(by=cast.alice, kind="investigation", title="Investigate the expulsions", text="How were they decided?")


def test_pages_render_for_a_member(client, hundreds):
    cast = hundreds
    login_as(client, cast.alice)
    ini = investigation(cast)
    doc = start_initiative(by=cast.bilal, kind="circulate_document", title="A letter", text="Dear members.")
    for url in ["/initiatives/", "/initiatives/start/", f"/initiatives/{ini.pk}/", f"/initiatives/{ini.pk}/count/", f"/initiatives/{doc.pk}/",
                "/api/initiatives", f"/api/initiatives/{ini.pk}"]:
        assert client.get(url).status_code == 200, url
    page = client.get(f"/initiatives/{ini.pk}/").content.decode()
    assert "Investigate the expulsions" in page and "of 28 signatures needed" in page and 'hx-get="/initiatives/' in page
    assert "one tenth of the members in good standing" in page and "Article 9.2" in page and ini.text_sha256 in page


def test_pages_need_a_membership(client, hundreds):
    ini = investigation(hundreds)
    assert client.get("/initiatives/").status_code == 302  # sign in first
    login_user(client, User.objects.create_user("nadia", password="a-long-test-password-1"))  # not a member
    assert client.get(f"/initiatives/{ini.pk}/").status_code == 404
    assert client.get("/api/initiatives").status_code == 404


def test_sign_and_withdraw_by_post_and_see_the_count_rise(client, hundreds):
    cast = hundreds
    ini = investigation(cast)
    login_as(client, cast.signers[0])
    assert client.get(f"/initiatives/{ini.pk}/sign/").status_code == 405  # only a POST signs
    r = client.post(f"/initiatives/{ini.pk}/sign/")
    assert r.status_code == 302
    assert "You have signed this." in client.get(f"/initiatives/{ini.pk}/").content.decode()
    assert '<div class="big">1</div>' in client.get(f"/initiatives/{ini.pk}/count/").content.decode()
    again = client.post(f"/initiatives/{ini.pk}/sign/")
    assert again.status_code == 403 and "each member counts once" in again.content.decode()
    assert client.post(f"/initiatives/{ini.pk}/withdraw/").status_code == 302
    assert not Signature.objects.filter(initiative=ini, withdrawn_at__isnull=True).exists()


def test_a_member_in_arrears_reads_why_their_signature_does_not_count(client, hundreds):
    cast = hundreds
    ini = investigation(cast)
    login_as(client, cast.behind[0])
    r = client.post(f"/initiatives/{ini.pk}/sign/")
    assert r.status_code == 403 and "Article 1.3" in r.content.decode() and "Nothing has changed" in r.content.decode()


def test_the_page_shows_the_threshold_reached_the_deadline_and_that_it_was_missed(client, hundreds):
    cast = hundreds
    ini = investigation(cast)
    for member in cast.signers[:28]:
        sign_initiative(ini, by=member)
    login_as(client, cast.alice)
    page = client.get(f"/initiatives/{ini.pk}/").content.decode()
    assert "The threshold was reached on 1 November 2026: 28 signatures, 28 needed." in page and "Deadline: 1 December 2026." in page
    assert "Withdraw my signature" not in page
    clock.set_frozen(clock.now().replace(month=12, day=5))
    check_initiative_deadlines()
    page = client.get(f"/initiatives/{ini.pk}/").content.decode()
    assert "Deadline missed" in page and "recorded on 5 December 2026" in page
    assert "deadline missed" in client.get("/initiatives/").content.decode()


def test_start_an_initiative_from_the_form(client, hundreds):
    cast = hundreds
    login_as(client, cast.alice)
    rc = cast.bodies["rc"]
    r = client.post("/initiatives/start/", {"kind": "agenda_item", "addressed_to": rc.pk, "title": "Branch meetings", "text": "Put the branch meetings on your agenda.\r\nPlease."})
    assert r.status_code == 302
    ini = Initiative.objects.get(title="Branch meetings")
    assert r["Location"] == f"/initiatives/{ini.pk}/" and ini.addressed_to == rc and ini.needed == 50 and ini.text.endswith("agenda.\nPlease.")
    bad = client.post("/initiatives/start/", {"kind": "overthrow", "title": "x", "text": "y"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    nobody = client.post("/initiatives/start/", {"kind": "agenda_item", "title": "To whom?", "text": "No body named."})
    assert nobody.status_code == 403 and "Say which body" in nobody.content.decode()


def test_the_document_page_shows_text_hash_cosigners_and_delivery(client, hundreds, settings, tmp_path):
    settings.NOTICE_OUTBOX_DIR = tmp_path
    cast = hundreds
    doc = start_initiative(by=cast.alice, kind="circulate_document", title="A letter", text="Dear members,\nread 7.4.", addressed_to=cast.body("regional_aggregate", cast.sindh))
    for member in cast.signers[:20]:
        sign_initiative(doc, by=member)
    while tasks.deliver_batch():
        pass
    login_as(client, cast.alice)
    page = client.get(f"/initiatives/{doc.pk}/").content.decode()
    assert "Dear members,\nread 7.4." in page and doc.text_sha256 in page and "Fulfilled in time" in page
    assert "Delivery receipts" in page and "Your copy" in page and "notices delivered" in page
    api = client.get(f"/api/initiatives/{doc.pk}").json()
    assert api["state"] == "fulfilled" and api["signatures"] == 20 and api["delivery"]["sent"] == api["delivery"]["total"] > 0


def test_api_sign_is_idempotent_and_withdraw_after_the_threshold_is_refused(client, hundreds):
    cast = hundreds
    ini = investigation(cast)
    login_as(client, cast.signers[0])
    first = client.post(f"/api/initiatives/{ini.pk}/signature")
    assert first.status_code == 201 and first.json()["signatures"] == 1 and first.json()["signed"] is True
    again = client.post(f"/api/initiatives/{ini.pk}/signature")
    assert again.status_code == 200 and again.json()["signatures"] == 1
    assert Entry.objects.filter(act="sign_initiative").count() == 1
    assert client.delete(f"/api/initiatives/{ini.pk}/signature").json()["signed"] is False
    assert client.post(f"/api/initiatives/{ini.pk}/signature").status_code == 201  # may sign again
    for member in cast.signers[1:28]:
        sign_initiative(ini, by=member)
    refused = client.delete(f"/api/initiatives/{ini.pk}/signature")
    assert refused.status_code == 403 and refused.json()["articles"] == ["9.2"] and refused.json()["breaches"][0]["code"] == "threshold_reached"
    listed = client.get("/api/initiatives").json()
    assert [i["id"] for i in listed] == [ini.pk] and listed[0]["obligation"]["due_on"] == "2026-12-01" and "text" not in listed[0]


def test_api_bad_input_is_4xx(client, hundreds):
    cast = hundreds
    login_as(client, cast.alice)
    ini = investigation(cast)
    assert client.post("/api/initiatives/999999/signature").status_code == 404
    assert client.post("/api/initiatives", data={"kind": "investigation"}, content_type="application/json").status_code == 422
    assert client.post("/api/initiatives", data={"kind": "investigation", "title": "", "text": "x"}, content_type="application/json").status_code == 422
    unknown = client.post("/api/initiatives", data={"kind": "revolution", "title": "t", "text": "x"}, content_type="application/json")
    assert unknown.status_code == 403 and unknown.json()["breaches"][0]["code"] == "unknown_initiative"
    assert client.post("/api/initiatives", data={"kind": "investigation", "title": "t", "text": "x", "addressed_to": 999999}, content_type="application/json").status_code == 404
    wrong = client.post("/api/initiatives", data={"kind": "investigation", "title": "t", "text": "x", "addressed_to": cast.bodies["cc"].pk}, content_type="application/json")
    assert wrong.status_code == 403 and wrong.json()["breaches"][0]["code"] == "wrong_addressee"
    blank = client.post("/api/initiatives", data={"kind": "investigation", "title": "t", "text": "   "}, content_type="application/json")
    assert blank.status_code == 400
    stop = client.post(f"/api/initiatives/{ini.pk}/stop", data={"office": "regional_secretary"}, content_type="application/json")
    assert stop.status_code == 403 and stop.json()["record_entry"] is not None
    anonymous = Client()
    assert anonymous.get("/api/initiatives").status_code == 401
    assert anonymous.post(f"/api/initiatives/{ini.pk}/signature").status_code == 401


def test_the_list_page_does_not_grow_its_queries_with_initiatives(client, hundreds, django_assert_max_num_queries):
    cast = hundreds
    login_as(client, cast.alice)
    for n in range(12):
        start_initiative(by=cast.alice, kind="investigation", title=f"Question {n}", text="Why?")
    with django_assert_max_num_queries(12):
        assert client.get("/initiatives/").status_code == 200


def test_the_commission_records_its_decision_from_the_page(client, hundreds):
    from charter.testing.meetings import hold

    cast = hundreds
    ini = investigation(cast)
    for member in cast.signers[:28]:
        sign_initiative(ini, by=member)
    login_as(client, cast.imran)
    page = client.get(f"/initiatives/{ini.pk}/").content.decode()
    assert "Record the decision of the Control Commission" in page and "Call a meeting" in page
    sitting = hold(cast.bodies["commission"], by=cast.imran, present=[cast.imran], notice_days=15)
    assert f'<option value="{sitting.pk}">' in client.get(f"/initiatives/{ini.pk}/").content.decode()
    assert client.post(f"/initiatives/{ini.pk}/answer/", {"meeting": sitting.pk, "votes_yes": "x"}).status_code == 400
    r = client.post(f"/initiatives/{ini.pk}/answer/", {"meeting": sitting.pk, "votes_yes": 1, "votes_no": 0, "reasons": "Asked under 9.2"})
    assert r.status_code == 302
    assert "Fulfilled in time" in client.get(f"/initiatives/{ini.pk}/").content.decode()
    other = Client()
    login_as(other, cast.alice)
    assert other.post(f"/initiatives/{ini.pk}/answer/", {"meeting": sitting.pk, "votes_yes": 1, "votes_no": 0}).status_code == 403


def test_the_api_list_does_not_grow_its_queries_with_initiatives(client, hundreds, django_assert_max_num_queries):
    cast = hundreds
    login_as(client, cast.alice)
    for n in range(12):
        ini = start_initiative(by=cast.alice, kind="investigation", title=f"Question {n}", text="Why?")
        sign_initiative(ini, by=cast.alice)
    with django_assert_max_num_queries(8):
        listed = client.get("/api/initiatives").json()
    assert len(listed) == 12 and all(i["signed"] for i in listed)
