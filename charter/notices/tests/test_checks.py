"""`manage.py check` says when the notice transports are not set up."""

from __future__ import annotations

import pytest

from charter.notices.checks import transports_are_set_up


def ids() -> set[str]:
    return {p.id for p in transports_are_set_up()}


def test_the_default_set_up_passes(settings):
    settings.NOTICE_EMAIL_TRANSPORT = settings.NOTICE_SMS_TRANSPORT = "console"
    assert ids() == set()


@pytest.mark.parametrize(("email", "sms", "url", "tls", "ssl", "expected"), [
    ("smtp", "http", "https://sms.example.org/v1", True, False, set()),
    ("smpt", "console", "", False, False, {"notices.E001"}),
    ("console", "twilio", "", False, False, {"notices.E002"}),
    ("console", "http", "", False, False, {"notices.E003"}),
    ("smtp", "console", "", True, True, {"notices.E004"}),
])
def test_mistakes_are_named(settings, email, sms, url, tls, ssl, expected):
    settings.NOTICE_EMAIL_TRANSPORT, settings.NOTICE_SMS_TRANSPORT, settings.SMS_GATEWAY_URL = email, sms, url
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = tls, ssl
    assert ids() == expected
