"""A large delivery of notices is followed by a progress row across the worker's sweeps, ended
when the queue is empty; the administrators follow it on the Long operations page."""

from __future__ import annotations

import pytest
from django.test import Client

from charter.accounts.models import User
from charter.members.models import Member
from charter.notices import outbox, tasks
from charter.notices.models import Notice
from charter.progress.models import Operation
from charter.testing.web import login_as, login_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def console_outbox(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.NOTICE_EMAIL_TRANSPORT = "console"
    settings.NOTICE_SMS_TRANSPORT = "console"
    settings.NOTICE_OUTBOX_DIR = tmp_path
    settings.PROGRESS_INTERVAL = 0


def _queue_to_everyone(cast, key: str) -> int:  # type: ignore[no-untyped-def]
    Member.objects.update(email="someone@example.org")
    return outbox.queue(
        Member.objects.all(),
        kind="announcement",
        render=lambda: ("Subject", "Body"),
        key=key,
        channels=("email",),
    )


def test_a_large_delivery_advances_across_sweeps_and_ends_done(cast, console_outbox, monkeypatch):
    monkeypatch.setattr(tasks, "BULK", 5)
    written = _queue_to_everyone(cast, "bulk-1")
    due = Notice.objects.filter(channel="email", state="queued").count()
    assert written >= due > 10
    tasks.deliver_due(limit=4, seconds=-1)  # one batch per sweep
    op = Operation.objects.get(kind=tasks.BULK_KIND)
    assert (op.state, op.total, op.done, op.step) == ("running", due, 4, "sending")
    tasks.deliver_due(limit=4, seconds=-1)
    op.refresh_from_db()
    assert (op.state, op.done) == ("running", 8)  # the same row, carried on
    tasks.deliver_due(limit=due)
    op.refresh_from_db()
    assert (op.state, op.done, op.total, op.result) == ("done", due, due, {"sent": due})
    assert not Notice.objects.filter(channel="email", state="queued").exists()
    tasks.deliver_due()
    assert Operation.objects.filter(kind=tasks.BULK_KIND).count() == 1  # nothing due: no new row


def test_a_small_delivery_has_no_row(cast, console_outbox):
    _queue_to_everyone(cast, "small")
    tasks.deliver_due()
    assert not Operation.objects.exists()  # fewer than BULK (1000) notices


def test_the_administrators_follow_it_and_members_do_not(cast, console_outbox, monkeypatch):
    monkeypatch.setattr(tasks, "BULK", 5)
    _queue_to_everyone(cast, "bulk-2")
    tasks.deliver_due(limit=4, seconds=-1)
    op = Operation.objects.get(kind=tasks.BULK_KIND)
    staff = login_user(Client(), User.objects.create_superuser("ops", password=None))
    page = staff.get("/operations/").content.decode()
    assert "Sending a large batch of notices" in page and f'hx-get="/operations/{op.pk}/"' in page
    member = login_as(Client(), cast.alice)
    assert member.get(f"/operations/{op.pk}/").status_code == 404
    assert "Sending a large batch" not in member.get("/operations/").content.decode()
