"""Where a form may send its reader back to: a page of this site, given by its path."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def local_path(request: HttpRequest, target: str, fallback: str) -> str:
    """``target`` when it is a path on this site ("/..."), else ``fallback``. Anything else a form
    or a link may carry (another site, a scheme, a bare word that ``redirect`` would take for a view's
    name) is not followed."""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):  # Django's check refuses "//host" and "/\\host"; the slash refuses what is not a path
        return target
    return fallback
