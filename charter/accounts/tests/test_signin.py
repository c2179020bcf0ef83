"""Sign-in through the page: passwords judged by Django's validators; guessing bounded per
(username, address) and per address with a finite cool-off, so nobody can lock another person out;
X-Forwarded-For believed only from a trusted proxy; sessions that end and expire; events logged."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory

from charter.accounts import security
from charter.accounts.models import SignInFailure, User
from charter.members.models import Member

pytestmark = pytest.mark.django_db

GOOD = "a-long-test-password-1"


@pytest.fixture
def alice(cast, at):  # type: ignore[no-untyped-def]
    at("2026-11-01T10:00:00")
    user = User.objects.create_user("alice", password=GOOD)
    Member.objects.filter(pk=cast.alice.pk).update(user=user)
    return user


def attempt(client: Client, username: str, password: str, ip: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def signed_in(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and "_auth_user_id" in response.client.session


@pytest.mark.parametrize("weak", ["password", "12345678", "short", "alice-baloch"])
def test_weak_passwords_are_refused_by_the_validators(weak):
    user = User(username="alice-baloch", first_name="Alice", last_name="Baloch")
    with pytest.raises(ValidationError):
        validate_password(weak, user)
    validate_password("tractor-lantern-monsoon-47", user)  # a good one passes


def test_guessing_locks_only_that_username_from_that_address_until_the_cool_off(alice, at):
    limit = settings.SIGNIN_FAILURES_PER_SOURCE
    attacker = Client()
    for _ in range(limit):
        assert attempt(attacker, "alice", "wrong", "198.51.100.7").status_code == 200
    locked = attempt(attacker, "alice", GOOD, "198.51.100.7")  # even the right password: locked
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.content.decode()
    assert "_auth_user_id" not in attacker.session
    # Alice herself, from her own address, signs in at once: the attacker cannot keep her out.
    assert signed_in(attempt(Client(), "alice", GOOD, "203.0.113.20"))
    # Another username from the attacker's address is not locked either (the looser per-address limit).
    User.objects.create_user("bilal", password=GOOD)
    assert signed_in(attempt(Client(), "bilal", GOOD, "198.51.100.7"))
    # The cool-off is finite: after it, the right password from that address works again.
    at(
        dt.datetime(2026, 11, 1, 10, 0, tzinfo=dt.UTC)
        + dt.timedelta(seconds=settings.SIGNIN_COOLOFF_SECONDS + 1)
    )
    assert signed_in(attempt(Client(), "alice", GOOD, "198.51.100.7"))


def test_many_usernames_from_one_address_lock_the_address_but_not_a_known_browser(alice, settings):
    settings.SIGNIN_FAILURES_PER_IP = 8
    known = Client()
    assert signed_in(attempt(known, "alice", GOOD, "192.0.2.50"))  # Alice's browser, seen before
    known.post("/accounts/logout/")
    spray = Client()
    for i in range(8):
        attempt(spray, f"member{i}", "wrong", "192.0.2.50")
    assert (
        attempt(Client(), "alice", GOOD, "192.0.2.50").status_code == 429
    )  # a new browser there: locked
    # Alice's own browser behind the same address (an office, a carrier's NAT) still gets in.
    assert signed_in(attempt(known, "alice", GOOD, "192.0.2.50"))


def test_a_forged_forwarded_for_from_an_untrusted_hop_changes_nothing(alice, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    limit = settings.SIGNIN_FAILURES_PER_SOURCE
    attacker = Client()
    for i in range(limit):  # a new "client address" in the header each time, straight to the server
        attempt(attacker, "alice", "wrong", "198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert set(SignInFailure.objects.values_list("ip", flat=True)) == {"198.51.100.7"}
    assert (
        attempt(
            attacker, "alice", GOOD, "198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99"
        ).status_code
        == 429
    )
    # Through the trusted proxy, the header's last untrusted hop is the client, whatever it prepends.
    via_proxy = Client()
    for i in range(limit):
        attempt(
            via_proxy,
            "alice",
            "wrong",
            "10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.66",
        )
    assert (
        attempt(
            via_proxy, "alice", GOOD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.200, 203.0.113.66"
        ).status_code
        == 429
    )
    assert signed_in(
        attempt(Client(), "alice", GOOD, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.67")
    )


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("198.51.100.7", "1.2.3.4", "198.51.100.7"),  # not a proxy: the header is ignored
        ("10.0.0.1", "1.2.3.4", "1.2.3.4"),
        (
            "10.0.0.1",
            "6.6.6.6, 1.2.3.4",
            "1.2.3.4",
        ),  # the client's own claim is left of the real hop
        ("10.0.0.1", "1.2.3.4, 10.0.0.2", "1.2.3.4"),  # two trusted proxies in a row
        ("10.0.0.1", "not-an-address", "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
    ],
)
def test_client_address(settings, remote, forwarded, client):
    settings.TRUSTED_PROXIES = ["10.0.0.1", "10.0.0.2/32"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert security.client_ip(request) == client


def test_sign_out_ends_the_session_and_sessions_expire(alice):
    browser = Client()
    assert signed_in(attempt(browser, "alice", GOOD, "203.0.113.20"))
    cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert browser.get("/me/").status_code == 200
    assert (
        browser.get("/accounts/logout/").status_code == 405
    )  # only a POST (with its CSRF token) signs out
    browser.post("/accounts/logout/")
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie  # the old cookie is worth nothing now
    assert thief.get("/me/").status_code == 302
    assert 0 < settings.SESSION_COOKIE_AGE <= 24 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_sign_in_events_are_logged_with_who_when_and_where(alice, caplog):
    caplog.set_level(logging.INFO, logger="charter.security")
    attempt(Client(), "alice", "wrong", "198.51.100.7")
    attempt(Client(), "alice", GOOD, "203.0.113.20")
    lines = [r.getMessage() for r in caplog.records if r.name == "charter.security"]
    failed = next(line for line in lines if line.startswith('event="sign_in.failed"'))
    assert (
        'ip="198.51.100.7"' in failed
        and 'user="alice"' in failed
        and "at=20" in failed
        and failed.split("at=")[1].split()[0].endswith("Z")
    )
    assert any(
        line.startswith('event="sign_in.succeeded"') and 'ip="203.0.113.20"' in line
        for line in lines
    )


def test_lockouts_are_logged(alice, caplog, settings):
    settings.SIGNIN_FAILURES_PER_SOURCE = 2
    caplog.set_level(logging.INFO, logger="charter.security")
    c = Client()
    for _ in range(3):
        attempt(c, "alice", "wrong", "198.51.100.7")
    events = [r.getMessage().split()[0] for r in caplog.records if r.name == "charter.security"]
    assert 'event="sign_in.locked"' in events and 'event="sign_in.refused_locked"' in events
    assert (
        events.count('event="sign_in.failed"') == 2
    )  # while paused, the password is not even checked


def test_a_username_cannot_forge_a_log_line(alice, caplog):
    caplog.set_level(logging.INFO, logger="charter.security")
    forged = 'x"\nevent="sign_in.succeeded" user="root\r\x1b[2J\u2028'
    attempt(Client(), forged, "wrong", "198.51.100.7")
    [line] = [r.getMessage() for r in caplog.records if r.name == "charter.security"]
    assert "\n" not in line and "\r" not in line and "\x1b" not in line and "\u2028" not in line
    fields = re.findall(r'(?:^| )(\w+)=("(?:[^"\\]|\\.)*"|\S+)', line)
    keys = [k for k, _v in fields]
    assert keys == [
        "event",
        "at",
        "ip",
        "user",
        "method",
        "path",
        "source",
    ]  # one of each, none forged
    assert dict(fields)["event"] == '"sign_in.failed"'
    assert 'user="x\\"\\nevent=\\"sign_in.succeeded\\" user=\\"root\\r\\x1b[2J\\u2028"' in line


def test_escape_keeps_ordinary_text():
    assert security.escape("Zainab Abbasi — سنڌي") == '"Zainab Abbasi — سنڌي"'


def test_acts_refusals_and_refused_requests_are_logged(cast, at, caplog):
    """Acts done through the web (here: signing an initiative), acts the rules refuse (closing a
    poll of a body one is not on: a 404 for the page; through the API, the rulebook's refusal) and
    refused requests, each with who and from where."""
    from charter.initiatives.actions import start_initiative
    from charter.testing.web import login_as

    at("2026-11-01T10:00:00")
    initiative = start_initiative(
        by=cast.alice, kind="investigation", title="Investigate", text="How?"
    )
    caplog.set_level(logging.INFO, logger="charter.security")
    browser = login_as(Client(REMOTE_ADDR="203.0.113.5"), cast.bilal)
    browser.post(f"/initiatives/{initiative.pk}/sign/")
    browser.get(f"/cases/{10**6}/")  # not found: not a security refusal
    charge = {
        "body_id": cast.bodies["cc"].pk,
        "grounds": ["breach_of_document"],
        "facts": "x",
    }  # the CC, which Bilal is not on
    browser.post(f"/api/members/{cast.alice.pk}/charges", charge, content_type="application/json")
    lines = [r.getMessage() for r in caplog.records if r.name == "charter.security"]
    user = f'user="user{cast.bilal.pk}"'
    assert any(
        line.startswith('event="act.done"')
        and 'act="sign_initiative"' in line
        and user in line
        and 'ip="203.0.113.5"' in line
        for line in lines
    ), lines
    assert any(
        line.startswith('event="act.refused"') and 'act="frame_charge"' in line and user in line
        for line in lines
    ), lines
    assert any(
        line.startswith('event="request.refused"')
        and 'status="403"' in line
        and '/charges"' in line
        for line in lines
    ), lines


def test_administrators_requests_are_logged(cast, caplog):
    from charter.testing.web import login_user

    caplog.set_level(logging.INFO, logger="charter.security")
    admin = login_user(
        Client(REMOTE_ADDR="192.0.2.8"), User.objects.create_superuser("root", password=GOOD)
    )
    assert admin.get(f"/admin/members/member/{cast.alice.pk}/change/").status_code == 200
    admin.post(
        f"/admin/members/member/{cast.alice.pk}/change/", {"name": "Changed"}
    )  # read-only: refused
    lines = [r.getMessage() for r in caplog.records if r.name == "charter.security"]
    assert any(
        line.startswith('event="admin.request"')
        and 'user="root"' in line
        and 'ip="192.0.2.8"' in line
        and 'method="GET"' in line
        for line in lines
    ), lines
    assert any(
        line.startswith('event="request.refused"')
        and 'user="root"' in line
        and 'method="POST"' in line
        for line in lines
    ), lines
