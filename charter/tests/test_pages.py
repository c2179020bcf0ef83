"""Pages and API as a person and a client use them: sign in, home, units, bodies, meetings, the
record, the rules; the refusal a member reads; bad input answered with a 4xx that says where."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from charter.accounts.models import User
from charter.members.models import Member
from charter.record.models import Entry
from charter.testing.web import login_user

pytestmark = pytest.mark.django_db


def login_as(client: Client, member: Member, username: str) -> User:
    user = User.objects.create_user(username, password="a-long-test-password-1")
    Member.objects.filter(pk=member.pk).update(user=user)
    login_user(client, user)
    return user


def test_sign_in_page_and_bad_password(client, cast):
    assert client.get("/accounts/login/").status_code == 200
    User.objects.create_user("alice", password="a-long-test-password-1")
    r = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert r.status_code == 200 and "errorlist" in r.content.decode()
    r = client.post("/accounts/login/", {"username": "alice", "password": "a-long-test-password-1"})
    assert r.status_code == 302


def test_every_page_renders_for_a_member(client, cast, at):
    at("2026-11-01T10:00:00")
    login_as(client, cast.alice, "alice")
    urls = ["/", "/me/", "/units/", f"/units/{cast.sindh.pk}/", f"/units/{cast.karachi.pk}/", f"/bodies/{cast.bodies['rc'].pk}/",
            "/record/", "/record/?outcome=refused", "/record/0/", "/rules/", "/api/me", "/api/openapi.json", "/api/docs",
            f"/api/units/{cast.sindh.pk}", f"/api/bodies/{cast.bodies['cc'].pk}", "/api/record/head", "/api/record/entries?limit=3", "/api/rules", "/record/log.jsonl"]
    for url in urls:
        r = client.get(url, follow=True)
        assert r.status_code == 200, url


def test_member_home_shows_standing_seats_and_own_record(client, cast, at):
    at("2026-11-01T10:00:00")
    login_as(client, cast.saima, "saima")
    page = client.get("/me/").content.decode()
    assert "Regional Committee, Sindh" in page and "Good standing" in page and cast.saima.number in page


def test_a_member_cannot_see_another_members_page(client, cast, at):
    at("2026-11-01T10:00:00")
    login_as(client, cast.alice, "alice")
    assert client.get(f"/members/{cast.farhan.pk}/").status_code == 404
    assert client.get(f"/api/members/{cast.farhan.pk}").status_code == 404


def test_refused_expulsion_page_cites_the_articles_and_changes_nothing(client, cast, at):
    """Scenario 1 in the browser: the Regional Secretary tries, and reads the refusal."""
    at("2026-11-01T10:00:00")
    login_as(client, cast.rashid, "rashid")
    form = client.get(f"/members/{cast.farhan.pk}/measure/")
    assert form.status_code == 200
    before = Entry.objects.count()
    r = client.post(f"/members/{cast.farhan.pk}/measure/", {"measure": "expulsion", "body": cast.bodies["secretariat"].pk, "other_ground": "Inactivity", "reasons": "inactive"})
    assert r.status_code == 403
    page = r.content.decode()
    for article in ("3.3", "3.5", "1.4", "7.1", "7.4"):
        assert f"Article {article}" in page
    assert "Nothing has changed" in page
    assert Entry.objects.count() == before + 1
    assert Member.objects.get(pk=cast.farhan.pk).status == "member"
    entry_page = client.get(f"/record/{before}/").content.decode()
    assert "Refused" in entry_page and "3.5" in entry_page


def test_api_refusal_is_403_with_breaches(client, cast, at):
    at("2026-11-01T10:00:00")
    login_as(client, cast.rashid, "rashid")
    r = client.post(f"/api/members/{cast.farhan.pk}/measures", {"measure": "expulsion", "body_id": cast.bodies["secretariat"].pk, "grounds": ["inactivity"]}, content_type="application/json")
    assert r.status_code == 403
    body = r.json()
    assert {"3.3", "3.5", "1.4", "7.1", "7.4"} <= set(body["articles"]) and body["record_entry"] is not None


@pytest.mark.parametrize("payload, where", [
    ({"measure": "banish", "body_id": 1}, "body.payload.measure"),
    ({"measure": "warning"}, "body.payload.body_id"),
    ({"measure": "suspension", "body_id": 1, "days": -3}, "body.payload.days"),
    ({"measure": "warning", "body_id": "x"}, "body.payload.body_id"),
])
def test_api_bad_input_names_the_field_and_changes_nothing(client, cast, at, payload, where):
    at("2026-11-01T10:00:00")
    login_as(client, cast.rashid, "rashid")
    before = Entry.objects.count()
    r = client.post(f"/api/members/{cast.farhan.pk}/measures", payload, content_type="application/json")
    assert r.status_code == 422
    assert where in [e["where"] for e in r.json()["errors"]]
    assert Entry.objects.count() == before


def test_api_malformed_json_is_a_4xx(client, cast, at):
    at("2026-11-01T10:00:00")
    login_as(client, cast.rashid, "rashid")
    r = client.post(f"/api/members/{cast.farhan.pk}/measures", "{not json", content_type="application/json")
    assert 400 <= r.status_code < 500


def test_api_rulebook_check_reports_lines(client, cast):
    r = client.post("/api/rules/check", {"text": "format: charter-rulebook/1\nlevels: [\n"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["problems"][0]["line"] == 3


def test_meeting_page_hides_attendance_from_non_members_of_the_body(client, cast, at):
    from charter.testing.meetings import hold

    at("2026-11-01T10:00:00")
    rc = cast.bodies["rc"]
    seated = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    meeting = hold(rc, by=cast.rashid, present=seated, notice_days=8)
    login_as(client, cast.sara, "sara")
    page = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "quorate" in page and cast.saima.name not in page
    client.logout()
    login_as(client, cast.saima, "saima")
    assert cast.rashid.name in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_admin_is_read_only_for_domain_data(client, cast):
    admin = User.objects.create_superuser("root", password="a-long-test-password-1")
    login_user(client, admin)
    assert client.get("/admin/members/member/").status_code == 200
    assert client.get("/admin/members/member/add/").status_code == 403
    r = client.post(f"/admin/members/member/{cast.alice.pk}/change/", {"name": "Changed"})
    assert r.status_code == 403
    assert Member.objects.get(pk=cast.alice.pk).name == "Alice Baloch"


def test_public_log_download_is_the_hashed_bytes(client, cast):
    lines = b"".join(client.get("/record/log.jsonl").streaming_content).decode().splitlines()
    first = json.loads(lines[0])
    assert first["index"] == 0 and first["entry"]["act"] == "install_rulebook"
    assert len(lines) == Entry.objects.count()
    page = b"".join(client.get("/record/log.jsonl", {"start": 2, "limit": 3}).streaming_content).decode().splitlines()
    assert [json.loads(line)["index"] for line in page] == [2, 3, 4]


def test_officer_records_attendance_and_a_decision_from_the_meeting_page(client, cast, at):
    import datetime as dt

    from charter.lib import clock
    from charter.meetings.actions import convene_meeting
    from charter.meetings.models import Motion

    at("2026-11-01T10:00:00")
    rc = cast.bodies["rc"]
    meeting = convene_meeting(rc, by=cast.rashid, title="November", starts_at=clock.now() + dt.timedelta(days=8), agenda="1. Schools")
    at("2026-11-09T11:00:00")
    login_as(client, cast.rashid, "rashid")
    seated = Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True)
    r = client.post(f"/meetings/{meeting.pk}/attendance/", {"present": [str(m.pk) for m in seated]})
    assert r.status_code == 302
    r = client.post(f"/meetings/{meeting.pk}/motion/", {"text": "Hold monthly regional schools", "votes_yes": 5, "votes_no": 1, "votes_abstain": 1})
    assert r.status_code == 302
    assert Motion.objects.get(meeting=meeting).outcome == "carried"
    r = client.post(f"/meetings/{meeting.pk}/motion/", {"text": "Close the office", "votes_yes": 2, "votes_no": 4, "votes_abstain": 1}, follow=True)
    assert "was lost" in r.content.decode()
    r = client.post(f"/meetings/{meeting.pk}/motion/", {"text": "", "votes_yes": -1, "votes_no": 0})
    assert r.status_code == 200 and "errorlist" in r.content.decode()


def test_a_bodys_page_names_its_offices_as_the_rules_do(client, cast):
    login_as(client, cast.sara, "sara")
    page = client.get(f"/bodies/{cast.body('branch_meeting', cast.karachi).pk}/").content.decode()
    assert "Branch Secretary" in page and "branch_secretary" not in page
