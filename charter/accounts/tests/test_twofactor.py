"""Two-factor sign-in for everyone who can decide, chair or administer; a code accepted once, even
when twenty requests carry it at the same moment (PostgreSQL, each thread its own connection)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from charter.accounts import twofactor
from charter.accounts.models import User
from charter.members.models import Member

GOOD = "a-long-test-password-1"


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return str(
        totp(
            device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
        )
    ).zfill(device.digits)


def user_for(member: Member | None, username: str, **extra: bool) -> User:
    user = User.objects.create_user(username, password=GOOD, **extra)
    if member is not None:
        Member.objects.filter(pk=member.pk).update(user=user)
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_who_needs_a_second_factor_follows_seats_offices_and_staff(cast, at):
    at("2026-11-01T10:00:00")
    assert not twofactor.needs_two_factor(user_for(cast.alice, "alice"))  # an ordinary member
    assert not twofactor.needs_two_factor(
        user_for(cast.tariq, "tariq")
    )  # a former CC member: no current seat
    assert not twofactor.needs_two_factor(user_for(None, "nadia"))  # no membership
    assert twofactor.needs_two_factor(user_for(cast.bilal, "bilal"))  # branch secretary: an office
    assert twofactor.needs_two_factor(user_for(cast.zainab, "zainab"))  # a CC seat: the CC decides
    assert twofactor.needs_two_factor(user_for(cast.imran, "imran"))  # Control Commission
    assert twofactor.needs_two_factor(user_for(None, "ops", is_staff=True))  # administers


@pytest.mark.django_db
def test_every_deciding_body_of_the_rulebook_counts(cast):
    from charter.rulebook.spec import bundled

    for name in ("wda-2011", "ftu-2019"):
        kinds = twofactor.deciding_kinds(bundled(name))
        # Both rulebooks let every body decide its own motions (decide_motion: body: self).
        assert kinds is None, name


@pytest.mark.django_db
def test_an_officer_is_led_to_enrol_then_verified_and_a_code_works_once(cast, at, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = (
        0  # a wrong code delays the next try by seconds; not in a test
    )
    at("2026-11-01T10:00:00")
    user_for(cast.zainab, "zainab")
    browser = Client()
    r = browser.post("/accounts/login/", {"username": "zainab", "password": GOOD, "next": "/me/"})
    assert r.status_code == 302 and r["Location"].startswith("/accounts/two-factor/?next=")
    # Until the code is entered, no page and no API operation is open to this session.
    assert browser.get("/me/")["Location"].startswith("/accounts/two-factor/")
    api = browser.get("/api/me")
    assert api.status_code == 403 and "Two-factor" in api.json()["detail"]
    page = browser.get(r["Location"])
    assert (
        page.status_code == 200
        and b"<svg" in page.content
        and b"<script" not in page.content.split(b"<main")[1]
    )
    device = TOTPDevice.objects.get(user__username="zainab")
    assert not device.confirmed
    wrong = browser.post(
        "/accounts/two-factor/",
        {"code": "000000" if code_of(device) != "000000" else "111111", "next": "/me/"},
    )
    assert wrong.status_code == 400 and "errorlist" in wrong.content.decode()
    code = code_of(device)
    ok = browser.post("/accounts/two-factor/", {"code": code, "next": "/me/"})
    assert ok.status_code == 302 and ok["Location"] == "/me/"
    assert browser.get("/me/").status_code == 200 and browser.get("/api/me").status_code == 200
    # Next sign-in (another browser): asked for a code; the one already used is refused.
    other = Client()
    r = other.post("/accounts/login/", {"username": "zainab", "password": GOOD})
    assert r["Location"].startswith("/accounts/two-factor/verify/")
    again = other.post("/accounts/two-factor/verify/", {"code": code})
    assert again.status_code == 400 and other.get("/me/").status_code == 302


@pytest.mark.django_db
def test_an_ordinary_member_goes_straight_in(cast, at):
    at("2026-11-01T10:00:00")
    user_for(cast.alice, "alice")
    browser = Client()
    r = browser.post("/accounts/login/", {"username": "alice", "password": GOOD})
    assert r["Location"] == "/me/" and browser.get("/me/").status_code == 200


@pytest.mark.django_db
def test_the_admin_site_signs_in_through_the_bounded_page_and_a_second_factor(cast):
    r = Client().get("/admin/login/?next=/admin/")
    assert r.status_code == 302 and r["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    user_for(None, "ops", is_staff=True)
    browser = Client()
    browser.post("/accounts/login/", {"username": "ops", "password": GOOD, "next": "/admin/"})
    assert browser.get("/admin/")["Location"].startswith("/accounts/two-factor/")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_code_submitted_twenty_times_at_once_is_accepted_once():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL (DATABASE_URL=postgres://...)")
    user = User.objects.create_user("chair", password=GOOD)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    code = code_of(device)
    start = threading.Barrier(20)
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            start.wait()
            accepted = twofactor.verify_once(device.pk, code) is not None
            with lock:
                results.append(accepted)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 20
    assert results.count(True) == 1
    device.refresh_from_db()
    from charter.accounts.models import UsedStep

    assert UsedStep.objects.filter(device_id=device.pk).count() == 1


@pytest.mark.django_db
def test_a_used_code_is_refused_even_through_the_verify_function(cast):
    user = User.objects.create_user("chair", password=GOOD)
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    code = code_of(device)
    assert twofactor.verify_once(device.pk, code) is not None
    assert twofactor.verify_once(device.pk, code) is None
    assert (
        twofactor.verify_once(device.pk, "12ab56") is None
        and twofactor.verify_once(device.pk, "9" * 40) is None
    )
