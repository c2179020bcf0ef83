"""Text messages through an SMS gateway's HTTP API, to a gateway running on this machine: what it
receives, how its receipts are kept, and what happens while it is down, busy or refusing."""

from __future__ import annotations

import pytest

from charter.lib import clock
from charter.members.actions import apply_for_membership
from charter.members.models import Member
from charter.notices import outbox, tasks, transports
from charter.notices.models import Notice
from charter.notices.tests.conftest import LETTER, letter
from charter.testing.web import login_user

pytestmark = pytest.mark.django_db


def test_a_text_message_reaches_the_gateway_once_in_the_members_language(cast, at, gateway, rounds):
    at("2026-10-01T10:00:00")
    ur = apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="", phone="+92 300 1234567", language="ur")
    outbox.queue([ur, cast.tariq], kind="meeting_called", render=lambda m: letter(), key="m1", channels=("inbox", "sms"))
    assert rounds() == 2
    assert rounds(2, every=tasks.BACKOFF_CAP) == 0
    assert len(gateway.requests) == 2
    for member, language in [(ur, "ur"), (cast.tariq, "sd")]:
        notice = Notice.objects.get(member=member, channel="sms")
        [request] = [r for r in gateway.requests if r.payload["to"] == member.phone]
        subject, body = LETTER[language]
        assert request.authorization == f"Bearer {gateway.token}"
        assert request.content_type.startswith("application/json")
        assert request.payload == {"to": member.phone, "text": f"{subject}\n\n{body}", "id": transports.delivery_id(notice)}
        assert (notice.subject, notice.body) == (subject, body)
        assert notice.state == "sent" and notice.receipt.startswith("gw-") and notice.attempts == 1
    assert sorted(Notice.objects.filter(channel="sms").values_list("receipt", flat=True)) == ["gw-1", "gw-2"]


def test_a_gateway_that_is_down_delays_notices_and_loses_none(cast, at, gateway, rounds):
    """Down (connection refused), then overloaded (503), then back: each notice arrives exactly once."""
    at("2026-10-01T10:00:00")
    members = list(Member.objects.exclude(phone="").order_by("pk")[:20])
    outbox.queue(members, kind="test", render=lambda m: letter(), key="down", channels=("sms",))
    notices = Notice.objects.filter(kind="test")
    gateway.stop()
    assert rounds(4, every=tasks.BACKOFF_FIRST) == 0
    gateway.mode = "503"
    gateway.start()
    assert rounds(4, every=tasks.BACKOFF_FIRST) == 0
    assert len(gateway.requests) == 4  # one probe a round while it is busy, not one try per notice
    assert set(notices.values_list("state", flat=True)) == {"queued"}
    assert sum(notices.values_list("attempts", flat=True)) == 8  # the probes, no more
    assert max(notices.values_list("attempts", flat=True)) < tasks.MAX_ATTEMPTS
    gateway.mode = "up"
    sent = 0
    for _ in range(10):  # the worker's rounds, as long as it takes
        sent += rounds(every=tasks.BACKOFF_CAP)
        if not notices.filter(state="queued").exists():
            break
    assert sent == 20
    ids = [p["id"] for p in gateway.delivered]
    assert sorted(ids) == sorted(transports.delivery_id(n) for n in notices) and len(set(ids)) == 20
    assert set(notices.values_list("state", flat=True)) == {"sent"}
    assert sorted(notices.values_list("receipt", flat=True)) == sorted(f"gw-{i}" for i in range(1, 21))
    assert rounds(every=tasks.BACKOFF_CAP) == 0 and len(gateway.delivered) == 20


def test_a_retry_after_a_lost_answer_carries_the_same_id(cast, at, gateway, rounds):
    """The gateway took the message but its answer was lost: the retry has the same id, so the
    gateway can drop the duplicate."""
    at("2026-10-01T10:00:00")
    outbox.queue([cast.alice], kind="test", render=lambda m: letter(), key="lost", channels=("sms",))
    gateway.mode = "lost"
    assert rounds() == 0
    gateway.mode = "up"
    assert rounds(every=tasks.BACKOFF_FIRST) == 1
    first, second = gateway.delivered
    assert first == second and first["id"] == transports.delivery_id(Notice.objects.get(kind="test"))


@pytest.mark.parametrize("mode", ["400", "no-id"])
def test_anything_but_a_receipt_is_tried_again(cast, at, gateway, rounds, mode):
    at("2026-10-01T10:00:00")
    outbox.queue([cast.alice], kind="test", render=lambda m: letter(), key="bad", channels=("sms",))
    gateway.mode = mode
    assert rounds() == 0
    notice = Notice.objects.get(kind="test")
    assert notice.state == "queued" and notice.attempts == 1 and notice.receipt == "" and notice.last_error
    gateway.mode = "up"
    assert rounds(every=tasks.BACKOFF_FIRST) == 1
    notice.refresh_from_db()
    assert notice.state == "sent" and notice.receipt == f"gw-{len(gateway.delivered)}"


def test_a_wrong_token_is_not_a_delivery(cast, at, gateway, settings, rounds):
    at("2026-10-01T10:00:00")
    settings.SMS_GATEWAY_TOKEN = "not-the-token"
    outbox.queue([cast.alice, cast.bilal], kind="test", render=lambda m: letter(), key="token", channels=("sms",))
    assert rounds() == 0 and gateway.delivered == []
    assert "401" in Notice.objects.exclude(last_error="").get(kind="test").last_error


def test_after_the_last_attempt_a_notice_is_failed_for_good(cast, at, gateway, rounds):
    at("2026-10-01T10:00:00")
    outbox.queue([cast.alice], kind="test", render=lambda m: letter(), key="fail", channels=("sms",))
    gateway.mode = "400"
    rounds()
    rounds(tasks.MAX_ATTEMPTS + 3, every=tasks.BACKOFF_CAP)
    notice = Notice.objects.get(kind="test")
    assert notice.state == "failed" and notice.attempts == tasks.MAX_ATTEMPTS and "400" in notice.last_error
    assert len(gateway.requests) == tasks.MAX_ATTEMPTS
    gateway.mode = "up"
    assert rounds(every=tasks.BACKOFF_CAP) == 0 and gateway.delivered == []
    assert notice.last_attempt_at is not None and notice.last_attempt_at <= clock.now()


def test_an_operator_finds_failed_notices_in_the_admin(client, cast, at, gateway, rounds):
    from charter.accounts.models import User

    at("2026-10-01T10:00:00")
    outbox.queue([cast.alice, cast.bilal], kind="test", render=lambda m: letter(), key="ops", channels=("sms",))
    gateway.mode = "400"
    rounds(tasks.MAX_ATTEMPTS + 1, every=tasks.BACKOFF_CAP)
    gateway.mode = "up"
    outbox.queue([cast.sara], kind="test", render=lambda m: letter(), key="ok", channels=("sms",))
    rounds()
    login_user(client, User.objects.create_superuser("ops", password="a-long-test-password-1"))
    page = client.get("/admin/notices/notice/", {"state__exact": "failed"}).content.decode()
    assert page.count("not a phone number") == 2 and "gw-" not in page
