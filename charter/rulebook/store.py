"""Which rulebook is in force on a date: the latest installed version effective on or before it."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from charter.rulebook.models import RulebookVersion
from charter.rulebook.spec import Rulebook, load_text

_cache: dict[str, Rulebook] = {}


class NoRulebook(RuntimeError):
    pass


def rulebook_on(day: dt.date) -> Rulebook:
    # Every act asks this, some twice a request: one small statement names the version (its hash),
    # and the text (tens of kilobytes) is read and parsed only when that parse is not cached.
    table = RulebookVersion._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, sha256 FROM {table} WHERE effective_from <= %s ORDER BY effective_from DESC, id DESC LIMIT 1",
            [day.isoformat()],
        )
        row = cursor.fetchone()
        if row is None:  # before the first version took effect: the first one
            cursor.execute(f"SELECT id, sha256 FROM {table} ORDER BY effective_from, id LIMIT 1")
            row = cursor.fetchone()
    if row is None:
        raise NoRulebook("No rulebook is installed. Run: charter rules install FILE")
    rb = _cache.get(row[1])
    return rb if rb is not None else parsed(RulebookVersion.objects.get(pk=row[0]))


def parsed(version: RulebookVersion) -> Rulebook:
    rb = _cache.get(version.sha256)
    if rb is None:
        rb = load_text(version.text, f"rulebook {version.version}")
        _cache[version.sha256] = rb
    return rb
