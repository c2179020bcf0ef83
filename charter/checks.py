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


PLACEHOLDER = "CHANGE-ME"
SECRET_SETTINGS = ("SECRET_KEY", "EMAIL_HOST_PASSWORD", "SMS_GATEWAY_TOKEN", "RECORD_SIGNING_KEY")


@checks.register(checks.Tags.security, deploy=True)
def no_placeholders(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """The example settings file (deploy/charter.env.example) marks what must be filled in."""
    out = []
    databases = [str(db.get("PASSWORD", "")) for db in settings.DATABASES.values()]
    for name, value in [*((n, str(getattr(settings, n, ""))) for n in SECRET_SETTINGS), *(("DATABASE_URL", v) for v in databases)]:
        if PLACEHOLDER in value:
            out.append(checks.Error(f"{name} still holds the example's placeholder.", hint=f"Replace {PLACEHOLDER}... in your settings file.", id="charter.E004"))
    return out


@checks.register(checks.Tags.security, deploy=True)
def record_key_is_shared(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """The record's checkpoints must be signed with one key whichever app server signs them: a key
    file made on first use is one host's own (a second server would make another)."""
    from charter.lib import checkpoint

    key = settings.RECORD_SIGNING_KEY
    if not key:
        return [checks.Warning("RECORD_SIGNING_KEY is not set: each server would sign the record with a key file of its own.", hint="Run `charter record keygen` once and set RECORD_SIGNING_KEY on every server (and keep it with your backups).", id="charter.W004")]
    if PLACEHOLDER in key:
        return []  # reported by no_placeholders
    try:
        signer = checkpoint.parse_signer(key)
    except (checkpoint.CheckpointError, ValueError, TypeError) as exc:
        return [checks.Error(f"RECORD_SIGNING_KEY is not a signing key: {exc}", hint="Run `charter record keygen`.", id="charter.E005")]
    if signer.name != settings.RECORD_ORIGIN:
        return [checks.Error(f"RECORD_SIGNING_KEY is named {signer.name!r} but RECORD_ORIGIN is {settings.RECORD_ORIGIN!r}.", hint="Set RECORD_ORIGIN first, then run `charter record keygen`.", id="charter.E006")]
    return []


@checks.register(deploy=True)
def notices_can_leave(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    out = []
    if settings.NOTICE_EMAIL_TRANSPORT == "console":
        out.append(checks.Warning("Email notices are written to files, not sent.", hint="Set NOTICE_EMAIL_TRANSPORT to a real transport.", id="charter.W001"))
    if settings.NOTICE_SMS_TRANSPORT == "console":
        out.append(checks.Warning("SMS notices are written to files, not sent.", hint="Set NOTICE_SMS_TRANSPORT to a real gateway.", id="charter.W002"))
    return out


DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "full_page_writes")


def read_durability(cursor: Any) -> dict[str, str]:
    """PostgreSQL's durability settings as the server reports them, by name (a DB-API cursor)."""
    cursor.execute("SELECT name, setting FROM pg_catalog.pg_settings WHERE name = ANY(%s)", [list(DURABILITY_SETTINGS)])
    return {name: setting for name, setting in cursor.fetchall()}


def durability_problems(values: dict[str, str]) -> list[checks.CheckMessage]:
    """An error for each setting that lets PostgreSQL acknowledge a commit it could lose in a crash
    (``off``), and for each it did not report. ``synchronous_commit`` may be ``on``, ``local``,
    ``remote_write`` or ``remote_apply``: each waits for the local WAL flush."""
    out: list[checks.CheckMessage] = []
    for name in DURABILITY_SETTINGS:
        value = values.get(name)
        if value is None:
            out.append(checks.Error(f"PostgreSQL did not report {name}.", hint="Charter needs PostgreSQL 13 or later.", id="charter.E003"))
        elif value.strip().lower() == "off":
            out.append(checks.Error(f"PostgreSQL has {name}=off: an acknowledged act could be lost in a crash.", hint=f"Set {name} = on in postgresql.conf and reload PostgreSQL.", id="charter.E002"))
    return out


@checks.register(checks.Tags.database, deploy=True)
def database_is_durable(app_configs: Any, databases: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.db import connections

    out: list[checks.CheckMessage] = []
    for alias in databases if databases is not None else ["default"]:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        try:
            with connection.cursor() as cursor:
                values = read_durability(cursor)
        except Exception as exc:  # noqa: BLE001 - a server that cannot be reached is reported, not raised
            out.append(checks.Warning(f"Could not read PostgreSQL's durability settings: {exc}", id="charter.W003"))
            continue
        out.extend(durability_problems(values))
    return out
