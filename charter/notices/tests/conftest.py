"""Fixtures for the notices: the local SMTP server and SMS gateway, the outbox folder, a letter in
three languages, and a way to run the worker as the clock moves on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from charter.lib import clock
from charter.notices import tasks
from charter.notices.tests.servers import SmsGateway, SmtpSink

# A letter whose words depend on the language active when it is rendered (the bundled rulebooks'
# strings have no catalogue yet, so gettext alone would give English in every language).
LETTER = {
    "en": ("The branch meets on Friday", "You are called to the branch meeting on Friday at 18:00."),
    "ur": ("برانچ کا اجلاس جمعہ کو ہے", "آپ کو جمعہ شام چھ بجے برانچ کے اجلاس میں بلایا جاتا ہے۔"),
    "sd": ("شاخ جي گڏجاڻي جمعي تي آهي", "توهان کي جمعي شام ڇهين وڳي شاخ جي گڏجاڻي ۾ سڏيو وڃي ٿو."),
}


def letter() -> tuple[str, str]:
    return LETTER[translation.get_language()]


@pytest.fixture
def outbox_dir(settings, tmp_path):
    settings.NOTICE_OUTBOX_DIR = tmp_path
    return tmp_path


@pytest.fixture
def smtp(settings):
    sink = SmtpSink()
    sink.start()
    settings.NOTICE_EMAIL_TRANSPORT = "smtp"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "notices@wda.example.org"
    yield sink
    sink.stop()


@pytest.fixture
def gateway(settings):
    gw = SmsGateway()
    gw.start()
    settings.NOTICE_SMS_TRANSPORT = "http"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN, settings.SMS_GATEWAY_TIMEOUT = gw.url, gw.token, 5
    yield gw
    gw.stop()


@pytest.fixture
def rounds():
    """rounds(n, every=…): n rounds of the worker, the clock moving on by ``every`` before each."""

    def run(n: int = 1, every: dt.timedelta = dt.timedelta(0)) -> int:
        sent = 0
        for _ in range(n):
            if every:
                clock.set_frozen(clock.now() + every)
            sent += tasks.deliver_due()
        return sent

    return run
