"""One transport per channel, chosen by settings:

- email: ``console`` (appends to NOTICE_OUTBOX_DIR/email.jsonl, the demo's) or ``smtp`` (Django's
  SMTP backend, configured by EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
  EMAIL_USE_TLS, EMAIL_USE_SSL, EMAIL_TIMEOUT);
- sms: ``console`` (NOTICE_OUTBOX_DIR/sms.jsonl) or ``http`` (an SMS gateway's HTTP API at
  SMS_GATEWAY_URL, with the bearer token SMS_GATEWAY_TOKEN).

``send(notice)`` delivers the stored subject and body as they are (they were rendered in the
member's language when queued) and returns the transport's receipt id. It raises to have the notice
tried again later: ``Unavailable`` when the service as a whole cannot take notices now (the worker
then leaves the channel's other notices for a later round), anything else when this notice alone
failed. Each notice carries a stable id (``delivery_id``), the same on every attempt, so a gateway or
mail server that saw an attempt whose answer was lost can tell the retry is the same message.
"""

from __future__ import annotations

import hashlib
import json
import smtplib
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings

from charter.notices.models import Notice


class Unavailable(Exception):
    """The channel's service cannot take notices now (unreachable, overloaded, misconfigured)."""


class TransportNotSetUp(ValueError):
    """The settings name no transport this channel has."""


class Refused(Exception):
    """The service refused this notice (a bad address, a message it will not take)."""


class Transport(Protocol):
    def send(self, notice: Notice) -> str:
        """Deliver; return a receipt id. Raise to have the notice retried later."""

    def close(self) -> None:
        """Let go of any connection kept open between notices."""


def delivery_id(notice: Notice) -> str:
    """The notice's id towards the outside world: the same on every attempt."""
    digest = hashlib.sha256(notice.dedupe_key.encode("utf-8")).hexdigest()[:16]
    return f"charter-notice-{notice.pk}-{digest}"


def sms_text(notice: Notice) -> str:
    """A text message has no subject line: the subject, a blank line, the body."""
    return f"{notice.subject}\n\n{notice.body}"


class ConsoleTransport:
    """Writes each notice as a JSON line to a file per channel (the demo's and the benchmark's)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.file: Any = None

    def send(self, notice: Notice) -> str:
        if self.file is None:
            folder = settings.NOTICE_OUTBOX_DIR
            folder.mkdir(parents=True, exist_ok=True)
            self.file = open(folder / f"{self.channel}.jsonl", "a", encoding="utf-8")  # noqa: SIM115 - kept for the batch
        address = notice.member.email if self.channel == "email" else notice.member.phone
        line = json.dumps({"id": notice.pk, "to": address, "subject": notice.subject, "body": notice.body}, ensure_ascii=False)
        self.file.write(line + "\n")
        self.file.flush()  # handed over before the notice is marked sent
        return f"console:{notice.pk}"

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


class SmtpTransport:
    """Email through Django's SMTP backend; one connection is kept open for a worker's batch.

    The receipt is the Message-ID, which is the notice's delivery id: a retry of a message whose
    acceptance was not heard carries the same Message-ID, so mail systems can drop the duplicate."""

    backend = "django.core.mail.backends.smtp.EmailBackend"

    def __init__(self) -> None:
        self.connection: Any = None

    def send(self, notice: Notice) -> str:
        from django.core.mail import EmailMessage, get_connection

        address = notice.member.email
        if not address:
            raise Refused("the member has no email address")
        if self.connection is None:
            connection = get_connection(self.backend, fail_silently=False)  # host, port, login, TLS from settings
            try:
                connection.open()
            except OSError as exc:  # smtplib's errors are OSErrors too
                raise Unavailable(f"cannot reach the mail server {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {exc}") from exc
            self.connection = connection
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "charter.localhost"
        message_id = f"<{delivery_id(notice)}@{domain}>"
        message = EmailMessage(
            subject=notice.subject, body=notice.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[address],
            headers={"Message-ID": message_id, "Content-Language": notice.language, "Auto-Submitted": "auto-generated"},
            connection=self.connection,
        )
        try:
            message.send()
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
            raise Refused(f"the mail server refused the message: {exc}") from exc
        except OSError as exc:  # disconnected, timed out, sender refused: the server, not this notice
            self.close()
            raise Unavailable(f"the mail server failed: {exc}") from exc
        return message_id

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None


class HttpSmsTransport:
    """A text message through an SMS gateway's HTTP API.

    POST SMS_GATEWAY_URL, ``Authorization: Bearer SMS_GATEWAY_TOKEN``, a JSON body
    ``{"to": phone, "text": subject and body, "id": delivery id}``. A 2xx answer with a JSON object
    holding ``"id"`` is the receipt; anything else raises, and the notice is tried again later."""

    def send(self, notice: Notice) -> str:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise Unavailable("SMS_GATEWAY_URL is not set")
        phone = notice.member.phone
        if not phone:
            raise Refused("the member has no phone number")
        payload = json.dumps({"to": phone, "text": sms_text(notice), "id": delivery_id(notice)}, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=payload, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        })
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
                status, raw = response.status, response.read(65536)
        except urllib.error.HTTPError as exc:
            detail = exc.read(300).decode("utf-8", "replace") if exc.fp else ""
            if exc.code >= 500 or exc.code in (401, 403, 408, 429):  # down, busy or not letting us in
                raise Unavailable(f"the SMS gateway answered {exc.code} {detail}".strip()) from exc
            raise Refused(f"the SMS gateway answered {exc.code} {detail}".strip()) from exc
        except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
            raise Unavailable(f"cannot reach the SMS gateway: {getattr(exc, 'reason', exc)}") from exc
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if not (200 <= status < 300 and isinstance(answer, dict) and answer.get("id") not in (None, "")):
            # Not the gateway's API answering (a proxy's page, a broken deployment): the channel's problem.
            raise Unavailable(f"the SMS gateway answered {status} without a message id: {raw[:200]!r}")
        return str(answer["id"])[:200]

    def close(self) -> None:
        pass


def transport_for(channel: str) -> Transport:
    name = settings.NOTICE_EMAIL_TRANSPORT if channel == "email" else settings.NOTICE_SMS_TRANSPORT
    if name == "console":
        return ConsoleTransport(channel)
    if channel == "email" and name == "smtp":
        return SmtpTransport()
    if channel == "sms" and name == "http":
        return HttpSmsTransport()
    raise TransportNotSetUp(f"unknown notice transport {name!r} for {channel}")
