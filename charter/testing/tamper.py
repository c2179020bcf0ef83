"""For tests that play the database superuser who rewrites the record behind Charter's back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection


@contextlib.contextmanager
def as_superuser() -> Iterator[None]:
    """Switch off PostgreSQL's triggers for the block, as a database superuser can."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")


def rewrite(sql: str, *params: object) -> None:
    """Run one statement against the record's tables as the superuser."""
    with as_superuser(), connection.cursor() as cur:
        cur.execute(sql, params)
