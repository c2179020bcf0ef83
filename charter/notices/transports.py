"""One transport per channel. ``console`` appends to files under NOTICE_OUTBOX_DIR (the demo's)."""

from __future__ import annotations

import json
from typing import Protocol

from django.conf import settings

from charter.notices.models import Notice


class Transport(Protocol):
    def send(self, notice: Notice) -> str:
        """Deliver; return a receipt id. Raise to have the notice retried later."""


class ConsoleTransport:
    def __init__(self, channel: str) -> None:
        self.channel = channel

    def send(self, notice: Notice) -> str:
        folder = settings.NOTICE_OUTBOX_DIR
        folder.mkdir(parents=True, exist_ok=True)
        address = notice.member.email if self.channel == "email" else notice.member.phone
        line = json.dumps({"id": notice.pk, "to": address, "subject": notice.subject, "body": notice.body}, ensure_ascii=False)
        with open(folder / f"{self.channel}.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return f"console:{notice.pk}"


def transport_for(channel: str) -> Transport:
    name = settings.NOTICE_EMAIL_TRANSPORT if channel == "email" else settings.NOTICE_SMS_TRANSPORT
    if name == "console":
        return ConsoleTransport(channel)
    raise ValueError(f"unknown notice transport {name!r} for {channel}")
