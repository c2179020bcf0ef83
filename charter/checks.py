"""System checks for what a self-hoster can get wrong."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def secret_key_changed(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        return [checks.Error("SECRET_KEY is the development default.", hint="Set the SECRET_KEY environment variable to a long random value.", id="charter.E001")]
    return []


@checks.register(deploy=True)
def notices_can_leave(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    out = []
    if settings.NOTICE_EMAIL_TRANSPORT == "console":
        out.append(checks.Warning("Email notices are written to files, not sent.", hint="Set NOTICE_EMAIL_TRANSPORT to a real transport.", id="charter.W001"))
    if settings.NOTICE_SMS_TRANSPORT == "console":
        out.append(checks.Warning("SMS notices are written to files, not sent.", hint="Set NOTICE_SMS_TRANSPORT to a real gateway.", id="charter.W002"))
    return out


@checks.register(checks.Tags.database, deploy=True)
def database_is_durable(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    out = []
    try:
        with connection.cursor() as cur:
            for name in ("fsync", "synchronous_commit", "full_page_writes"):
                cur.execute(f"SHOW {name}")
                value = cur.fetchone()[0]
                if value == "off":
                    out.append(checks.Error(f"PostgreSQL has {name}=off: an acknowledged act could be lost in a crash.", hint=f"Set {name} = on in postgresql.conf.", id="charter.E002"))
    except Exception as exc:  # noqa: BLE001
        out.append(checks.Warning(f"Could not read PostgreSQL's durability settings: {exc}", id="charter.W003"))
    return out
