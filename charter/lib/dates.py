"""Dates in a notice or message, in the language active when it is written (``notices.outbox``
renders each notice in its reader's language): "15 September 2026", "15 سيپٽمبر 2026" (decision 0020)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _


def day(value: dt.date | str) -> str:
    """A day, in the active language's DATE_FORMAT; accepts an ISO string (YYYY-MM-DD)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return formats.date_format(value, "DATE_FORMAT")


def moment(value: dt.datetime) -> str:
    """A moment in UTC, the organization's clock: "15 September 2026, 10:00 UTC"."""
    return formats.date_format(value.astimezone(dt.UTC), "DATETIME_FORMAT") + " UTC"


def utc_day(value: dt.datetime) -> dt.date:
    """The day a moment falls on by the organization's clock (UTC)."""
    return value.astimezone(dt.UTC).date()


def in_words(params: Mapping[str, Any]) -> dict[str, Any]:
    """A message's parameters with every day and moment in the active language (a refusal's dates)."""

    def said(v: Any) -> Any:
        if isinstance(v, dt.datetime):  # first: a datetime is a date too
            return moment(v)
        return day(v) if isinstance(v, dt.date) else v

    return {k: said(v) for k, v in params.items()}


def breach_message(breach: Any) -> str:
    """A refusal's breach (``rulebook.judge.Breach``: template, params, message) in the active
    language, its days as the reader says them; the untranslated sentence if the translation does
    not take the parameters."""
    template, params = breach.template, in_words(breach.params or {})
    try:
        return _(template) % params if params else _(template)
    except (KeyError, ValueError, TypeError):
        return str(breach.message)
