"""Email over SMTP, to a real SMTP server on this machine: what arrives is the stored notice, in
the member's language, once, with the Message-ID kept as the receipt."""

from __future__ import annotations

import pytest

from charter.lib import clock
from charter.members.actions import apply_for_membership
from charter.members.models import Member
from charter.notices import outbox, tasks
from charter.notices.models import Notice
from charter.notices.tests.conftest import LETTER, letter

pytestmark = pytest.mark.django_db


@pytest.fixture
def urdu_reader(cast, at):
    at("2026-10-01T10:00:00")
    return apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="naveed@example.org", phone="+923001234567", language="ur")


def test_an_email_arrives_once_in_the_members_language(cast, urdu_reader, smtp, outbox_dir, rounds):
    people = [urdu_reader, cast.tariq, cast.alice]
    outbox.queue(Member.objects.filter(pk__in=[p.pk for p in people]), kind="meeting_called", render=letter, key="m1", channels=("inbox", "email"))
    assert rounds() == 3
    sent_at = clock.now()
    assert rounds(2, every=tasks.BACKOFF_CAP) == 0  # nothing goes twice
    assert len(smtp.mails) == 3
    by_rcpt = {m.rcpt_tos[0]: m for m in smtp.mails}
    for member, language in [(urdu_reader, "ur"), (cast.tariq, "sd"), (cast.alice, "en")]:
        mail = by_rcpt[member.email]
        notice = Notice.objects.get(member=member, channel="email", kind="meeting_called")
        subject, body = LETTER[language]
        assert mail.rcpt_tos == [member.email] and mail.message["To"] == member.email
        assert mail.mail_from == "notices@wda.example.org"
        assert mail.subject == subject == notice.subject
        assert mail.message.get_content().replace("\r\n", "\n").rstrip("\n") == body == notice.body  # SMTP lines end in CRLF
        assert mail.message["Content-Language"] == language
        assert notice.state == "sent" and notice.sent_at == sent_at and notice.attempts == 1
        assert notice.receipt == mail.message["Message-ID"]
        assert notice.receipt.endswith("@wda.example.org>") and f"-{notice.pk}-" in notice.receipt


def test_a_refused_address_fails_that_email_only(cast, smtp, outbox_dir, at, rounds):
    at("2026-10-01T10:00:00")
    smtp.refuse = {cast.bilal.email}
    outbox.queue([cast.alice, cast.bilal, cast.sara], kind="test", render=lambda m: letter(), key="r", channels=("email",))
    assert rounds() == 2
    assert sorted(m.rcpt_tos[0] for m in smtp.mails) == sorted([cast.alice.email, cast.sara.email])
    refused = Notice.objects.get(member=cast.bilal, kind="test")
    assert refused.state == "queued" and refused.attempts == 1 and "550" in refused.last_error
    smtp.refuse = set()
    assert rounds(every=tasks.backoff(1)) == 1
    assert [m.rcpt_tos[0] for m in smtp.mails].count(cast.bilal.email) == 1


def test_a_mail_server_that_is_down_delays_every_email_and_loses_none(cast, smtp, outbox_dir, at, rounds):
    at("2026-10-01T10:00:00")
    smtp.stop()
    members = list(Member.objects.order_by("pk")[:6])
    outbox.queue(members, kind="test", render=lambda m: letter(), key="down", channels=("email", "sms"))
    assert rounds() == 6  # the text messages (console) go; the emails wait
    emails = Notice.objects.filter(kind="test", channel="email")
    assert set(emails.values_list("state", flat=True)) == {"queued"}
    assert sum(emails.values_list("attempts", flat=True)) == 1  # one connection tried, not six
    assert "cannot reach the mail server" in emails.exclude(last_error="").get().last_error
    assert rounds(3, every=tasks.BACKOFF_FIRST) == 0
    smtp.start()  # the same port, back up
    assert rounds(every=tasks.BACKOFF_CAP) == 6
    assert sorted(m.rcpt_tos[0] for m in smtp.mails) == sorted(m.email for m in members)
    assert set(emails.values_list("state", flat=True)) == {"sent"}
    assert rounds(every=tasks.BACKOFF_CAP) == 0 and len(smtp.mails) == 6
