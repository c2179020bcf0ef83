"""Security events: who did what, when (UTC) and from where, to the logger ``charter.security``.

One line per event: ``event=sign_in.failed at=2026-11-23T21:00:00Z ip=203.0.113.9 user="alice" ...``.
Every value is quoted and escaped (newlines, control characters, quotes and backslashes), so text an
attacker chooses (a username, a path, a header) cannot forge a line or a field of the log.

The request's context (the client's address and the signed-in user) is set by
``SecurityContextMiddleware`` for the length of a request, so code far from the request (an action
refused deep in the rulebook) logs who and from where without being handed the request.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import ipaddress
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger("charter.security")


@dataclass(frozen=True)
class Context:
    ip: str
    user: str  # the username, or "" when nobody is signed in
    method: str
    path: str


_context: contextvars.ContextVar[Context | None] = contextvars.ContextVar(
    "charter_security_context", default=None
)


def escape(value: object) -> str:
    """The value as one quoted token: backslash, quote and every control character escaped."""
    out = []
    for ch in str(value):
        code = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029, 0x85):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _networks(entries: Iterable[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip()]


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy (settings.TRUSTED_PROXIES,
    addresses or networks). Only then is X-Forwarded-For read, from the right: each hop a trusted
    proxy appended is skipped, and the first address not of a trusted proxy is the client. A header
    sent by anyone else is ignored, so a client cannot choose the address it is counted under."""
    remote = (request.META.get("REMOTE_ADDR") or "").strip()
    trusted = _networks(getattr(settings, "TRUSTED_PROXIES", []))

    def is_trusted(addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in net for net in trusted)

    if not trusted or not is_trusted(remote):
        return remote or "unknown"
    hops = [
        h.strip() for h in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()
    ]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed hop: believe nothing beyond the proxy we know
        if not is_trusted(hop):
            return hop
    return hops[0] if hops else remote


def context_for(request: HttpRequest) -> Context:
    user = getattr(request, "user", None)
    name = (
        user.get_username() if user is not None and getattr(user, "is_authenticated", False) else ""
    )
    return Context(ip=client_ip(request), user=name, method=request.method or "", path=request.path)


def set_context(ctx: Context | None) -> contextvars.Token:
    return _context.set(ctx)


def reset_context(token: contextvars.Token) -> None:
    _context.reset(token)


def current() -> Context | None:
    return _context.get()


def event(
    name: str,
    *,
    request: HttpRequest | None = None,
    user: str | None = None,
    level: int = logging.INFO,
    **fields: Any,
) -> None:
    """Log one security event. ``user`` defaults to the signed-in user of the current request."""
    ctx = context_for(request) if request is not None else current()
    now = dt.datetime.now(dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ"
    )  # the wall clock, not the demo's
    parts = [f"event={escape(name)}", f"at={now}"]
    parts.append(f"ip={escape(ctx.ip if ctx else '-')}")
    parts.append(f"user={escape(user if user is not None else (ctx.user if ctx else ''))}")
    if ctx is not None:
        parts.append(f"method={escape(ctx.method)}")
        parts.append(f"path={escape(ctx.path)}")
    for key, value in fields.items():
        parts.append(f"{key}={escape(value)}")
    logger.log(level, " ".join(parts))
