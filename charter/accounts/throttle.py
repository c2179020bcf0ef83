"""Bounding password guessing without letting one person lock another out.

Failures are counted per (username, where from) and, more loosely, per address:

- SIGNIN_FAILURES_PER_SOURCE failures for one username from one address within SIGNIN_COOLOFF
  stop further tries *of that username from that address* until the cool-off has passed since the
  last failure. Someone guessing Alice's password from their own address locks only themselves.
- SIGNIN_FAILURES_PER_IP failures from one address (whatever the usernames) stop every try from
  that address, for the same finite cool-off.
- A browser that has signed in successfully as a username carries a signed device cookie for it.
  Its tries of that username are counted under the device, not the address, and neither lock above
  applies to it: an attacker sharing Alice's address (the same office, the same mobile carrier's
  NAT) cannot keep Alice out of a vote, and her own failures still lock only her device, briefly.

There is never a lock on a username alone. The address is ``security.client_ip``: X-Forwarded-For
is believed only from TRUSTED_PROXIES. Counts live in the database, so every app process behind a
proxy sees the same counts.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Max
from django.http import HttpRequest, HttpResponse

from charter.accounts.models import SignInFailure
from charter.lib import clock

DEVICE_COOKIE = "charter_device"
_SALT = "charter.accounts.device"


def _cooloff() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SIGNIN_COOLOFF_SECONDS)


@dataclass(frozen=True)
class Source:
    ip: str
    key: str  # "ip:<address>" or "device:<id>"
    device: bool


def source_for(request: HttpRequest, username: str, ip: str) -> Source:
    """Where a try of ``username`` comes from: its device, when the browser holds a valid device
    cookie for this very username, otherwise its address."""
    raw = request.COOKIES.get(DEVICE_COOKIE, "")
    if raw:
        try:
            data = signing.loads(raw, salt=_SALT, max_age=settings.SIGNIN_DEVICE_COOKIE_AGE)
        except signing.BadSignature:
            data = None
        if (
            isinstance(data, dict)
            and data.get("u") == username.casefold()
            and isinstance(data.get("d"), str)
        ):
            return Source(ip=ip, key=f"device:{data['d'][:40]}", device=True)
    return Source(ip=ip, key=f"ip:{ip}", device=False)


def locked_until(username: str, source: Source) -> dt.datetime | None:
    """When tries of ``username`` from ``source`` may resume, or None if they may go ahead now."""
    now = clock.now()
    since = now - _cooloff()
    user = username.casefold()
    recent = SignInFailure.objects.filter(at__gt=since)
    until: dt.datetime | None = None
    pair = recent.filter(username=user, source=source.key)
    if pair.count() >= settings.SIGNIN_FAILURES_PER_SOURCE:
        until = pair.aggregate(last=Max("at"))["last"] + _cooloff()
    if not source.device:
        by_ip = recent.filter(ip=source.ip)
        if by_ip.count() >= settings.SIGNIN_FAILURES_PER_IP:
            last = by_ip.aggregate(last=Max("at"))["last"]
            until = max(until, last + _cooloff()) if until else last + _cooloff()
    return until


def record_failure(username: str, source: Source) -> None:
    now = clock.now()
    SignInFailure.objects.filter(
        at__lte=now - _cooloff()
    ).delete()  # they count for nothing any more
    SignInFailure.objects.create(
        username=username.casefold()[:150], source=source.key[:80], ip=source.ip[:45], at=now
    )


def record_success(username: str, source: Source, response: HttpResponse, *, secure: bool) -> None:
    """Forget this pair's failures and give the browser a device cookie for the username."""
    SignInFailure.objects.filter(username=username.casefold(), source=source.key).delete()
    device = source.key.split(":", 1)[1] if source.device else secrets.token_urlsafe(16)
    value = signing.dumps({"u": username.casefold(), "d": device}, salt=_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=settings.SIGNIN_DEVICE_COOKIE_AGE,
        httponly=True,
        secure=secure,
        samesite="Lax",
    )
