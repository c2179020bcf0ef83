"""Pages speak the signed-in member's own language (Member.language: English, Urdu or Sindhi).

LocaleMiddleware has already chosen a language from the request (for visitors who are not signed
in); a member's own choice goes before it. The member is the one the views read anyway
(``request.user.member``), so this costs no query a page would not make.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class MemberLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        member = getattr(user, "member", None) if user is not None and user.is_authenticated else None
        language = getattr(member, "language", "") or ""
        if language not in self.languages:
            return self.get_response(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):  # for this request only: nothing after it reads in this language
            response = self.get_response(request)
        response.headers["Content-Language"] = language
        return response
