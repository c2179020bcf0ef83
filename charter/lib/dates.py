"""Dates in a notice or message, in the language active when it is written (``notices.outbox``
renders each notice in its reader's language): "15 September 2026", "15 سيپٽمبر 2026" (decision 0020)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import formats


def day(value: dt.date | str) -> str:
    """A day, in the active language's DATE_FORMAT; accepts an ISO string (YYYY-MM-DD)."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return formats.date_format(value, "DATE_FORMAT")


def moment(value: dt.datetime) -> str:
    """A moment in UTC, the organization's clock: "15 September 2026, 10:00 UTC"."""
    return formats.date_format(value.astimezone(dt.UTC), "DATETIME_FORMAT") + " UTC"


def in_words(params: Mapping[str, Any]) -> dict[str, Any]:
    """A message's parameters with every day in the active language (a refusal's dates)."""
    return {k: day(v) if isinstance(v, dt.date) and not isinstance(v, dt.datetime) else moment(v) if isinstance(v, dt.datetime) else v for k, v in params.items()}
