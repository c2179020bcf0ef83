"""Which rulebook is in force on a date: the latest installed version effective on or before it."""

from __future__ import annotations

import datetime as dt

from charter.rulebook.models import RulebookVersion
from charter.rulebook.spec import Rulebook, load_text

_cache: dict[str, Rulebook] = {}


class NoRulebook(RuntimeError):
    pass


def rulebook_on(day: dt.date) -> Rulebook:
    # Every act asks this: the text (tens of kilobytes) is read only when its parse is not cached.
    versions = RulebookVersion.objects.defer("text")
    version = versions.filter(effective_from__lte=day).order_by("-effective_from", "-id").first()
    if version is None:
        version = versions.order_by("effective_from", "id").first()
        if version is None:
            raise NoRulebook("No rulebook is installed. Run: charter rules install FILE")
    return parsed(version)


def parsed(version: RulebookVersion) -> Rulebook:
    rb = _cache.get(version.sha256)
    if rb is None:
        rb = load_text(version.text, f"rulebook {version.version}")
        _cache[version.sha256] = rb
    return rb
