"""Keeping PostgreSQL's picture of fast-growing tables up to date (decision 0003, "Plans").

PostgreSQL plans a foreign-key check, and each statement of a PL/pgSQL function, once per connection
and keeps the plan until the table's statistics change. A table that was nearly empty when it was
last analyzed gets a plan that reads it whole (cheapest for one page), and that plan is kept while
the table grows: every act then reads the whole table at its commit, and acts slow down in
proportion to the log's size. Autovacuum re-analyzes a table as it grows, but a server may run
without it. So Charter asks PostgreSQL to analyze the tables every act writes each time they double,
after the act has committed (ten times between a thousand and a million rows); the new statistics
invalidate the old plans on every connection.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction

FIRST = 1024  # below this a whole-table read costs little


def doubled(rows: int) -> bool:
    """True when ``rows`` has just reached a power of two of at least ``FIRST``."""
    return rows >= FIRST and rows & (rows - 1) == 0


def analyze_after_commit(tables: Sequence[str]) -> None:
    """Analyze ``tables`` once the current transaction commits (now, when there is none); on
    PostgreSQL only: SQLite plans every statement afresh."""
    if connection.vendor != "postgresql" or not tables:
        return

    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")

    transaction.on_commit(run)
