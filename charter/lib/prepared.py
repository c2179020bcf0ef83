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
from django.db.models.query import get_related_populators

MARK = -7_340_991_235_803  # stands for the varying value while the query is built; no id takes it
MARKS = (MARK, MARK - 1, MARK - 2)  # for a query with more than one: the first, second, third value
LIMIT = 512  # kept queries per cache; all are forgotten when it is full


class Compiled:
    def __init__(self, queryset: Any) -> None:
        self.using = queryset.db
        # The compiler is kept: after as_sql it knows the columns, their converters (SQLite's
        # booleans and dates) and, for a model query, how to make the instances from a row.
        self.compiler = queryset.query.get_compiler(using=self.using)
        sql, params = self.compiler.as_sql()
        self.sql, self.params = sql, tuple(params)
        self.names = [alias or col.target.column for col, _sql, alias in self.compiler.select[: self.compiler.col_count]]
        self.slots = [(i, MARKS.index(p)) for i, p in enumerate(self.params) if isinstance(p, int) and p in MARKS]
        if not self.slots:
            raise ValueError("the query does not use the marked value")

    def _run(self, *values: Any) -> Any:
        params = list(self.params)
        for i, which in self.slots:
            params[i] = values[which]
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return self.compiler.results_iter([fetched])

    def rows(self, *values: Any) -> list[dict[str, Any]]:
        """The rows of a ``values()`` query, as dicts."""
        return [dict(zip(self.names, row, strict=True)) for row in self._run(*values)]

    def objects(self, *values: Any) -> list[Any]:
        """The instances of a model query, with its ``select_related`` and annotations, made as the
        ORM makes them (``django.db.models.query.ModelIterable``)."""
        select, info, annotations = self.compiler.select, self.compiler.klass_info, self.compiler.annotation_col_map
        first, last = info["select_fields"][0], info["select_fields"][-1] + 1
        init_list = [f[0].target.attname for f in select[first:last]]
        related = get_related_populators(info, select, self.using)  # type: ignore[call-arg]  # the stubs follow a later Django
        out = []
        for row in self._run(*values):
            obj = info["model"].from_db(self.using, init_list, row[first:last])
            for populator in related:
                populator.populate(row, obj)
            for name, pos in (annotations or {}).items():
                setattr(obj, name, row[pos])
            out.append(obj)
        return out


def insert(obj: Any) -> None:
    """Insert ``obj`` (a model instance whose primary key is set, or made by its default) in one
    statement, without the ORM's save; the primary key is not read back. The statement is made once
    per model and database."""
    model = type(obj)
    connection = connections[obj._state.db or "default"]
    made = _inserts.get((model, connection.alias))
    if made is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.has_default()]
        quote = connection.ops.quote_name
        sql = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES ({', '.join(['%s'] * len(fields))})"
        made = _inserts[(model, connection.alias)] = (sql, fields)
    sql, fields = made
    with connection.cursor() as cursor:
        cursor.execute(sql, [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields])
    obj._state.adding, obj._state.db = False, connection.alias


_inserts: dict[tuple[type, str], tuple[str, list[Any]]] = {}


class Cache:
    """Compiled queries by key; ``build(MARK)`` (``build(MARKS)`` for ``multi``) makes the queryset for
    a key the first time."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, Compiled] = {}

    def get(self, key: Hashable, build: Callable[[Any], Any], *, multi: bool = False) -> Compiled:
        found = self._kept.get(key)
        if found is None:
            if len(self._kept) >= LIMIT:
                self._kept.clear()
            found = self._kept[key] = Compiled(build(MARKS if multi else MARK))
        return found
