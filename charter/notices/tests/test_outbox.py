"""Notices are written with the act and delivered by the worker, once each, surviving failures."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from charter.lib import clock
from charter.members.actions import apply_for_membership
from charter.members.models import Member
from charter.notices import outbox, tasks, transports
from charter.notices.models import Notice
from charter.notices.tests.conftest import LETTER, letter
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def admitted(cast, at):
    from charter.members.actions import admit_member

    at("2026-10-01T10:00:00")
    applicant = apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="naveed@example.org", phone="+923001234567", language="ur")
    rc = cast.bodies["rc"]
    seated = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    meeting = hold(rc, by=cast.rashid, present=seated, notice_days=8)
    admit_member(applicant, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(7, 0, 0)))
    return applicant


def lines(folder, channel):
    path = folder / f"{channel}.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def test_worker_delivers_each_notice_once(cast, at, outbox_dir):
    member = admitted(cast, at)
    queued = Notice.objects.filter(member=member, state="queued")
    assert set(queued.values_list("channel", flat=True)) == {"email", "sms"}
    tasks.deliver_batch()
    tasks.deliver_batch()  # a second sweep sends nothing again
    mine = [x for x in lines(outbox_dir, "email") if x["to"] == "naveed@example.org"]
    assert len(mine) == 1
    notice = Notice.objects.get(member=member, channel="sms")
    assert notice.state == "sent" and notice.receipt == f"console:{notice.pk}" and notice.sent_at == clock.now()
    assert notice.attempts == 1


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
    assert sms.next_attempt_at == clock.now() + tasks.BACKOFF_FIRST
    monkeypatch.setattr(tasks, "transport_for", transports.transport_for)
    assert tasks.deliver_batch() == 0  # not due yet: the worker honours the next attempt time
    at(clock.now() + tasks.BACKOFF_FIRST)
    assert tasks.deliver_batch() >= 2
    sms.refresh_from_db()
    assert sms.state == "sent" and sms.attempts == 2
    assert len([x for x in lines(outbox_dir, "sms") if x["id"] == sms.pk]) == 1


@pytest.mark.parametrize(("attempts", "wait"), [
    (1, dt.timedelta(seconds=30)), (2, dt.timedelta(minutes=1)), (3, dt.timedelta(minutes=2)),
    (7, dt.timedelta(minutes=32)), (8, dt.timedelta(hours=1)), (11, dt.timedelta(hours=1)), (200, dt.timedelta(hours=1)),
])
def test_backoff_doubles_up_to_an_hour(attempts, wait):
    assert tasks.backoff(attempts) == wait


def test_all_attempts_take_about_five_hours():
    total = sum((tasks.backoff(n) for n in range(1, tasks.MAX_ATTEMPTS)), dt.timedelta(0))
    assert dt.timedelta(hours=4) < total < dt.timedelta(hours=6)


def test_a_claimed_notice_is_not_taken_again_until_its_lease_runs_out(cast, at, outbox_dir):
    """A worker that claimed notices and died: no other worker sends them while the lease runs;
    after it, they go out once."""
    member = admitted(cast, at)
    claimed = tasks.claim(500)
    assert {n.channel for n in claimed if n.member_id == member.pk} == {"email", "sms"}
    assert tasks.deliver_batch() == 0 and not lines(outbox_dir, "sms")
    at(clock.now() + tasks.LEASE - dt.timedelta(seconds=1))
    assert tasks.deliver_batch() == 0
    at(clock.now() + dt.timedelta(seconds=1))
    assert tasks.deliver_batch() == len(claimed)
    assert tasks.deliver_batch() == 0
    assert len([x for x in lines(outbox_dir, "sms") if x["to"] == member.phone]) == 1


def test_one_channel_down_does_not_hold_up_the_other(cast, at, outbox_dir, settings, rounds):
    settings.NOTICE_SMS_TRANSPORT, settings.SMS_GATEWAY_URL = "http", ""  # not set up: unavailable
    members = list(Member.objects.order_by("pk")[:5])
    outbox.queue(members, kind="test", render=letter, key="t")
    assert rounds() == 5  # the emails
    sms = Notice.objects.filter(kind="test", channel="sms")
    assert sum(sms.values_list("attempts", flat=True)) == 1  # one probe, not one try per notice
    assert set(sms.values_list("state", flat=True)) == {"queued"}
    assert len(lines(outbox_dir, "email")) == 5


def test_queue_renders_in_each_members_language_and_keeps_it(cast, at):
    at("2026-10-01T10:00:00")
    ur = apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="naveed@example.org", phone="+923001234567", language="ur")
    people = [cast.alice, cast.tariq, ur]
    outbox.queue(people, kind="test", render=lambda m: letter(), key="per-member")
    outbox.queue(Member.objects.filter(pk__in=[m.pk for m in people]), kind="test", render=letter, key="per-language")
    for key in ("per-member", "per-language"):
        for member, language in [(cast.alice, "en"), (cast.tariq, "sd"), (ur, "ur")]:
            for n in Notice.objects.filter(dedupe_key__startswith=f"{key}:{member.pk}:"):
                assert (n.subject, n.body, n.language) == (*LETTER[language], language)


def test_both_ways_of_queueing_write_the_same_rows(cast, at):
    """render(member) over a list goes through Python; render() over a queryset is one INSERT … SELECT."""
    at("2026-10-01T10:00:00")
    members = Member.objects.order_by("pk")
    Member.objects.filter(pk=cast.alice.pk).update(phone="")  # no SMS for her
    n1 = outbox.queue(list(members), kind="same", render=lambda m: letter(), key="a", entry_index=7)
    n2 = outbox.queue(members, kind="same", render=letter, key="b", entry_index=7)
    fields = [f for f in outbox.COLUMNS if f != "dedupe_key"]

    def rows(key):
        qs = Notice.objects.filter(dedupe_key__startswith=f"{key}:").order_by("member_id", "channel")
        return [(*r[:-1], r[-1].split(":", 1)[1]) for r in qs.values_list(*fields, "dedupe_key")]

    assert n1 == n2 == len(rows("a")) == Member.objects.count() * 3 - 1
    assert rows("a") == rows("b")
    assert not Notice.objects.filter(member=cast.alice, channel="sms").exists()


def test_columns_are_every_field_of_a_notice():
    assert set(outbox.COLUMNS) == {f.name for f in Notice._meta.concrete_fields} - {"id"}


def test_the_same_key_is_never_queued_twice(cast, at):
    at("2026-10-01T10:00:00")
    members = Member.objects.filter(pk__in=[cast.alice.pk, cast.bilal.pk])
    first = outbox.queue(members, kind="test", render=letter, key="once")
    assert first == 6
    assert outbox.queue(members, kind="test", render=letter, key="once") == 0
    assert outbox.queue(list(members), kind="test", render=lambda m: letter(), key="once") == 0
    assert Notice.objects.filter(kind="test").count() == 6


def test_a_million_members_are_read_in_chunks(cast, at, monkeypatch):
    """The per-member path keeps memory flat: chunks of outbox.CHUNK, however many members."""
    at("2026-10-01T10:00:00")
    monkeypatch.setattr(outbox, "CHUNK", 4)
    total = Member.objects.count()
    assert outbox.queue(Member.objects.all(), kind="test", render=lambda m: letter(), key="chunks", channels=("inbox",)) == total
    assert Notice.objects.filter(kind="test", channel="inbox").count() == total
