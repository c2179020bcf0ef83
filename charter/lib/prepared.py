"""Queries compiled once and run many times for different people (decision 0009).

Asking "may this member vote in this poll?" builds the same query for every voter but the member's
id: the roster of the body, good standing on the day, presence at the meeting. Building it through
the ORM cost more than running it. A ``Compiled`` query is a queryset's SQL and parameters, made
once with a marker where the varying value goes and run with the value put in its place. It must
only be made from querysets whose SQL depends on nothing but what its cache key names (the ORM
builds querysets lazily: the rows they read are read when the SQL runs, not when it is made).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections

MARK = -7_340_991_235_803  # stands for the varying value while the query is built; no id takes it
LIMIT = 512  # kept queries per cache; all are forgotten when it is full


class Compiled:
    def __init__(self, queryset: Any) -> None:
        sql, params = queryset.query.sql_with_params()
        self.sql, self.params, self.using = sql, tuple(params), queryset.db
        self.slots = [i for i, p in enumerate(self.params) if isinstance(p, int) and p == MARK]
        if not self.slots:
            raise ValueError("the query does not use the marked value")

    def rows(self, value: Any) -> list[dict[str, Any]]:
        params = list(self.params)
        for i in self.slots:
            params[i] = value
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            names = [c[0] for c in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class Cache:
    """Compiled queries by key; ``build(MARK)`` makes the queryset for a key the first time."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, Compiled] = {}

    def get(self, key: Hashable, build: Callable[[int], Any]) -> Compiled:
        found = self._kept.get(key)
        if found is None:
            if len(self._kept) >= LIMIT:
                self._kept.clear()
            found = self._kept[key] = Compiled(build(MARK))
        return found
