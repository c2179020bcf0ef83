"""Showing a refusal to a person: the breaches in their language, with the articles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from charter.lib.dates import breach_message
from charter.rulebook.enforce import Refused
from charter.rulebook.store import rulebook_on

T = TypeVar("T")


def translated_breaches(refusal: Refused) -> list[dict[str, str]]:
    return [{"article": b.article, "code": b.code, "message": breach_message(b)} for b in refusal.breaches]


def act_name(refusal: Refused) -> str:
    try:
        return str(rulebook_on(refusal.proposal.on).act(refusal.verdict.act)["name"])
    except KeyError:
        return refusal.verdict.act


def render_refusal(request: HttpRequest, refusal: Refused) -> HttpResponse:
    return render(request, "refused.html", {
        "breaches": translated_breaches(refusal), "act_name": act_name(refusal), "entry_index": refusal.entry_index,
    }, status=403)


def attempt(request: HttpRequest, form: Any, field: str, call: Callable[[], T]) -> tuple[T | None, HttpResponse | None]:
    """Run an action for a view: the result, or the refusal page, or the input error on ``field``."""
    from charter.lib.errors import InvalidInput

    try:
        return call(), None
    except Refused as refusal:
        if refusal.outcome == "lost":
            raise
        return None, render_refusal(request, refusal)
    except InvalidInput as exc:
        form.add_error(field, str(exc))
        return None, None
