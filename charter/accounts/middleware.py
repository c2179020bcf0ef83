"""Pages speak the signed-in member's own language (Member.language: English, Urdu or Sindhi).

LocaleMiddleware has already chosen a language from the request (for visitors who are not signed
in); a member's own choice goes before it. The member is the one the views read anyway
(``request.user.member``), so this costs no query a page would not make.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext


class MemberLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        member = (
            getattr(user, "member", None) if user is not None and user.is_authenticated else None
        )
        language = getattr(member, "language", "") or ""
        if language not in self.languages:
            return self.get_response(request)
        request.LANGUAGE_CODE = language
        with translation.override(
            language
        ):  # for this request only: nothing after it reads in this language
            response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response


class SecurityContextMiddleware:
    """Puts the request's client address and user where ``security.event`` finds them, and logs every
    refused request (401, 403) and every request to the admin site as a security event."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from charter.accounts import security

        token = security.set_context(security.context_for(request))
        try:
            response = self.get_response(request)
            if response.status_code in (401, 403):
                security.event(
                    "request.refused", status=response.status_code, level=logging.WARNING
                )
            elif request.path.startswith("/admin/") and request.user.is_authenticated:
                security.event(
                    "admin.request", status=response.status_code
                )  # what an administrator looked at
            return response
        finally:
            security.reset_context(token)


# Paths a signed-in person who still owes a second factor may reach: signing in and out, the
# two-factor pages themselves, the language switch and static files.
_OPEN_WITHOUT_SECOND_FACTOR = ("/accounts/", "/static/", "/i18n/")


class RequireTwoFactorMiddleware:
    """Whoever can decide, chair or administer (``twofactor.needs_two_factor``) reaches nothing but
    the sign-in pages until they have entered a code: pages redirect to enrolment or verification,
    the API answers 403 with a JSON error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is None
            or not user.is_authenticated
            or user.is_verified()
            or request.path.startswith(_OPEN_WITHOUT_SECOND_FACTOR)
        ):
            return self.get_response(request)
        from charter.accounts import twofactor

        if not twofactor.needs_two_factor(user):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            detail = gettext(
                "Two-factor verification is required: sign in on the web page and enter your authenticator's code."
            )
            return JsonResponse({"detail": detail}, status=403)
        step = "accounts:verify" if twofactor.confirmed_device(user) else "accounts:enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
