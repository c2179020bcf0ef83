"""The log's tables are analyzed each time the log doubles, so that PostgreSQL's kept plans (foreign-key
checks, the append function's statements) follow the tables' growth (charter.lib.planner)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from charter.lib import planner
from charter.record import log
from charter.record.models import Entry


@pytest.mark.parametrize(("rows", "expected"), [(0, False), (1, False), (512, False), (1023, False), (1024, True), (1025, False), (1536, False), (2048, True), (1 << 20, True), ((1 << 20) + 1, False)])
def test_a_table_has_doubled_at_each_power_of_two_from_the_first(rows, expected):
    assert planner.doubled(rows) is expected


def planned_rows(table: str) -> float:
    """What PostgreSQL believes the table holds (set by ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_postgresql_is_told_the_size_of_the_log_when_it_doubles_and_not_between(monkeypatch, django_capture_on_commit_callbacks):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite plans each statement afresh; nothing to analyze")
    monkeypatch.setattr(planner, "FIRST", 4)
    believed = []
    for n in range(1, 11):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            log.append("test_entry", "done", detail={"n": n})
        believed.append((Entry.objects.count(), planned_rows(Entry._meta.db_table)))
    # analyzed when the log reached 4 and 8 entries: believed exactly then, and unchanged until the next
    for size, rows in believed:
        if size >= 4:
            assert rows == 1 << (size.bit_length() - 1), believed
    assert {size for size, _rows in believed} >= {4, 8}
    for table in log.GROWING:  # every table the append writes was analyzed with it
        assert planned_rows(table) >= 0, table


def test_nothing_is_analyzed_outside_postgresql(db, django_capture_on_commit_callbacks):
    if connection.vendor == "postgresql":
        pytest.skip("the SQLite case")
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        planner.analyze_after_commit(["record_entry"])
    assert callbacks == []
