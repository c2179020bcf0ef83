"""A member's inbox: their notices newest first, unread ones marked, how each went out by email and
SMS; reading one is a POST that works without JavaScript, and only for one's own notices."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from charter.lib import clock
from charter.notices import outbox, tasks
from charter.notices.models import Notice
from charter.notices.tests.conftest import LETTER, letter
from charter.tests.test_pages import login_as

pytestmark = pytest.mark.django_db


def tell(member, key, subject, channels=("inbox", "email", "sms")):
    outbox.queue([member], kind="test", render=lambda m: (subject, f"Body of {subject}"), key=key, channels=channels)
    return Notice.objects.get(member=member, channel="inbox", dedupe_key=f"{key}:{member.pk}:inbox")


def test_the_inbox_lists_my_notices_newest_first_with_unread_ones_marked(client, cast, at):
    login_as(client, cast.alice, "alice")
    at("2026-10-01T10:00:00")
    first = tell(cast.alice, "one", "First letter")
    at("2026-10-02T10:00:00")
    second = tell(cast.alice, "two", "Second letter")
    tell(cast.bilal, "three", "Not for Alice")
    page = client.get("/me/inbox/").content.decode()
    assert page.index("Second letter") < page.index("First letter")
    assert "Not for Alice" not in page
    assert page.count(">unread<") == 2 and "2 unread notices" in page
    assert f'action="/me/inbox/{first.pk}/read/"' in page and f'action="/me/inbox/{second.pk}/read/"' in page


def test_each_notice_shows_how_it_went_out_by_email_and_sms(client, cast, at, settings, outbox_dir):
    login_as(client, cast.alice, "alice")
    settings.NOTICE_SMS_TRANSPORT, settings.SMS_GATEWAY_URL = "http", ""  # no gateway: SMS fails
    at("2026-10-01T10:00:00")
    tell(cast.alice, "one", "Meeting called")
    tasks.deliver_due()
    sent_at = clock.now()
    page = client.get("/me/inbox/").content.decode()
    assert "Email:" in page and f"sent {sent_at.day} {sent_at:%B %Y, %H:%M}" in page
    assert "Text message:" in page and ">queued<" in page and "trying again from 1 October 2026, 10:00" in page
    for _ in range(tasks.MAX_ATTEMPTS):
        at(clock.now() + tasks.BACKOFF_CAP)
        tasks.deliver_due()
    page = client.get("/me/inbox/").content.decode()
    assert ">failed<" in page and f"after {tasks.MAX_ATTEMPTS} attempts" in page
    assert f"sent {sent_at.day} {sent_at:%B %Y, %H:%M}" in page
    tell(cast.alice, "two", "Inbox only", channels=("inbox",))
    assert "Sent to this inbox only." in client.get("/me/inbox/").content.decode()


def test_the_notice_is_shown_in_my_language(client, cast, at):
    login_as(client, cast.tariq, "tariq")
    at("2026-10-01T10:00:00")
    outbox.queue([cast.tariq], kind="test", render=lambda m: letter(), key="sd")
    page = client.get("/me/inbox/").content.decode()
    assert LETTER["sd"][0] in page and LETTER["sd"][1] in page


def test_reading_a_notice_marks_it_read(client, cast, at):
    login_as(client, cast.alice, "alice")
    at("2026-10-01T10:00:00")
    notice = tell(cast.alice, "one", "First letter")
    other = tell(cast.alice, "two", "Second letter")
    at("2026-10-01T12:00:00")
    r = client.post(f"/me/inbox/{notice.pk}/read/", {"next": "/me/inbox/?page=1"})
    assert r.status_code == 302 and r["Location"] == f"/me/inbox/?page=1#notice-{notice.pk}"
    notice.refresh_from_db()
    other.refresh_from_db()
    assert notice.read_at == clock.now() and other.read_at is None
    page = client.get("/me/inbox/").content.decode()
    assert page.count(">unread<") == 1 and "1 unread notice" in page and "Read 1 October 2026, 12:00" in page
    client.post(f"/me/inbox/{notice.pk}/read/")  # twice: still read when it was first read
    notice.refresh_from_db()
    assert notice.read_at == clock.now()


def test_mark_all_as_read(client, cast, at):
    login_as(client, cast.alice, "alice")
    at("2026-10-01T10:00:00")
    for i in range(3):
        tell(cast.alice, f"n{i}", f"Letter {i}")
    theirs = tell(cast.bilal, "b", "Bilal's letter")
    assert client.post("/me/inbox/read-all/").status_code == 302
    assert not Notice.objects.filter(member=cast.alice, channel="inbox", read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert ">unread<" not in client.get("/me/inbox/").content.decode()


def test_no_one_reads_another_members_notice(client, cast, at):
    login_as(client, cast.bilal, "bilal")
    at("2026-10-01T10:00:00")
    notice = tell(cast.alice, "one", "First letter")
    email = Notice.objects.get(member=cast.alice, channel="email", kind="test")
    assert client.post(f"/me/inbox/{notice.pk}/read/").status_code == 404
    assert client.post(f"/me/inbox/{email.pk}/read/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_reading_takes_a_post(client, cast, at):
    login_as(client, cast.alice, "alice")
    at("2026-10-01T10:00:00")
    notice = tell(cast.alice, "one", "First letter")
    assert client.get(f"/me/inbox/{notice.pk}/read/").status_code == 405
    assert client.get("/me/inbox/read-all/").status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_the_inbox_needs_sign_in_and_a_membership(client, cast):
    assert client.get("/me/inbox/").status_code == 302
    from charter.accounts.models import User

    client.force_login(User.objects.create_user("nadia", password="a-long-test-password-1"))
    assert client.get("/me/inbox/").status_code == 404


def test_home_links_to_the_inbox(client, cast):
    login_as(client, cast.alice, "alice")
    assert 'href="/me/inbox/"' in client.get("/me/").content.decode()


def test_the_inbox_takes_the_same_queries_for_many_notices(client, cast, at, django_assert_max_num_queries):
    login_as(client, cast.alice, "alice")
    at("2026-10-01T10:00:00")
    tell(cast.alice, "first", "Letter")
    client.get("/me/inbox/")
    with django_assert_max_num_queries(12) as few:
        client.get("/me/inbox/")
    for i in range(40):
        at(clock.now() + dt.timedelta(minutes=1))
        tell(cast.alice, f"n{i}", f"Letter {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/me/inbox/").content.decode()
    assert len(re.findall(r'id="notice-\d+"', page)) == 25 and "Page 1 of 2" in page
    page2 = client.get("/me/inbox/?page=2").content.decode()
    assert len(re.findall(r'id="notice-\d+"', page2)) == 16


@pytest.mark.parametrize(
    ("target", "lands"),
    [("/me/inbox/?page=2", "/me/inbox/?page=2"), ("abc", "/me/inbox/"), ("0", "/me/inbox/"), ("https://evil.example/", "/me/inbox/"),
     ("//evil.example/", "/me/inbox/"), ("/\\evil.example/", "/me/inbox/"), ("", "/me/inbox/")],
)
def test_back_from_the_inbox_goes_only_to_a_page_of_this_site(client, cast, at, target, lands):
    """A form's ``next`` that is not a path here (a bare word Django would take for a view's name
    raised a server error) sends the reader back to the inbox."""
    login_as(client, cast.alice, "alice")
    r = client.post("/me/inbox/read-all/", {"next": target})
    assert r.status_code == 302 and r["Location"] == lands
