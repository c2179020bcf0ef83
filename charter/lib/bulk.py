"""Writing many rows of one act fast: ids handed out up front, then the rows in batches with the
fastest means the database has (``COPY`` on PostgreSQL, ``executemany`` on SQLite, ``bulk_create``
elsewhere). Django builds no model instance and compiles no statement per row, which is where a
``bulk_create`` of 100,000 rows spends most of its time.

Only for rows an action writes in its own transaction: the caller has checked the act and gives
plain values (numbers, text, dates, amounts, lists for JSON), no expressions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

BATCH = 10_000
FAST = True  # tests switch this off to run the portable bulk_create path


def to_db(value: Any) -> Any:
    """A value as the database reads it for its column (``None`` stays NULL)."""
    if isinstance(value, dt.date | Decimal):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _converts(model: Any, columns: Sequence[str]) -> list[int]:
    """The positions of the columns whose values ``to_db`` turns into text (the others go as they are)."""
    kinds = ("DateField", "DateTimeField", "DecimalField", "JSONField")
    return [i for i, c in enumerate(columns) if _field(model, c).get_internal_type() in kinds]


def new_ids(model: Any, n: int) -> list[int]:
    """``n`` ids for new rows of ``model``, taken from its sequence (PostgreSQL: each ``nextval``
    is the session's own, whoever else inserts meanwhile). SQLite has one writer at a time and the
    action's transaction holds the write lock: the ids above every id ever handed out."""
    if n <= 0:
        return []
    table = model._meta.db_table
    qn = connection.ops.quote_name
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (seq,) = cur.fetchone()
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [seq, n])
            return [int(r[0]) for r in cur.fetchall()]
        cur.execute(f"SELECT MAX(id) FROM {qn(table)}")
        high = cur.fetchone()[0] or 0
        if connection.vendor == "sqlite":
            cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cur.fetchone()
            high = max(high, int(row[0]) if row and row[0] else 0)
    return list(range(high + 1, high + 1 + n))


def _field(model: Any, column: str) -> Any:
    return model._meta.get_field(column.removesuffix("_id") if column.endswith("_id") else column)


def insert(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples of values for ``columns``, field names as ``member_id``; dates,
    amounts and lists as Python values) into ``model``'s table."""
    fields = [_field(model, c) for c in columns]
    qn = connection.ops.quote_name
    table, cols = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            _write(model, columns, table, cols, batch)
            batch = []
    if batch:
        _write(model, columns, table, cols, batch)


def _write(
    model: Any, columns: Sequence[str], table: str, cols: str, batch: list[Sequence[Any]]
) -> None:
    vendor = connection.vendor if FAST else "orm"
    if vendor in ("postgresql", "sqlite"):
        convert = _converts(model, columns)
        if convert:
            rows = [list(row) for row in batch]
            for values in rows:
                for i in convert:
                    values[i] = to_db(values[i])
            batch = list(rows)
    if vendor == "postgresql":
        with connection.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
    elif vendor == "sqlite":
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                batch,
            )
    else:
        objects = [model(**dict(zip(columns, row, strict=True))) for row in batch]
        model.objects.bulk_create(objects, batch_size=1000)
