"""Notices are written with the act and delivered by the worker, once each, surviving failures."""

from __future__ import annotations

import json

import pytest

from charter.members.actions import apply_for_membership
from charter.notices import tasks, transports
from charter.notices.models import Notice
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.NOTICE_OUTBOX_DIR = tmp_path
    return tmp_path


def admitted(cast, at):
    from charter.members.actions import admit_member
    from charter.members.models import Member

    at("2026-10-01T10:00:00")
    applicant = apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="naveed@example.org", phone="+923001234567", language="ur")
    rc = cast.bodies["rc"]
    seated = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    meeting = hold(rc, by=cast.rashid, present=seated, notice_days=8)
    admit_member(applicant, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(7, 0, 0)))
    return applicant


def test_worker_delivers_each_notice_once(cast, at, outbox_dir):
    member = admitted(cast, at)
    queued = Notice.objects.filter(member=member, state="queued")
    assert set(queued.values_list("channel", flat=True)) == {"email", "sms"}
    tasks.deliver_batch()
    tasks.deliver_batch()  # a second sweep sends nothing again
    lines = [json.loads(x) for x in (outbox_dir / "email.jsonl").read_text().splitlines()]
    mine = [x for x in lines if x["to"] == "naveed@example.org"]
    assert len(mine) == 1
    notice = Notice.objects.get(member=member, channel="sms")
    assert notice.state == "sent" and notice.receipt.startswith("console:")


def test_notice_is_in_the_members_language(cast, at, outbox_dir):
    member = admitted(cast, at)
    assert Notice.objects.get(member=member, channel="inbox", kind="admitted").language == "ur"


def test_a_transport_that_is_down_delays_and_loses_nothing(cast, at, outbox_dir, monkeypatch):
    member = admitted(cast, at)

    class Down:
        def send(self, notice):
            raise ConnectionError("gateway unreachable")

    monkeypatch.setattr(tasks, "transport_for", lambda channel: Down())
    assert tasks.deliver_batch() == 0
    sms = Notice.objects.get(member=member, channel="sms")
    assert sms.state == "queued" and sms.attempts == 1 and "unreachable" in sms.last_error
    monkeypatch.setattr(tasks, "transport_for", transports.transport_for)
    tasks.deliver_batch()
    sms.refresh_from_db()
    assert sms.state == "sent"
