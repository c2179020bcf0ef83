"""The progress row as running code writes it: advancing at a bounded rate, ending done or failed
with a readable message; and the worker's round that runs queued operations."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import task

from charter.lib.errors import InvalidInput
from charter.progress import background
from charter.progress.models import Operation
from charter.progress.track import Tracker, running, terminal

pytestmark = pytest.mark.django_db


def _op() -> Operation:
    return background.record("test_kind")


def _updates(ctx: CaptureQueriesContext) -> int:
    return sum(
        1
        for q in ctx.captured_queries
        if q["sql"].startswith("UPDATE") and "progress_operation" in q["sql"]
    )


def test_the_row_advances_and_ends_done(settings):
    settings.PROGRESS_INTERVAL = 0  # every advance is written
    op = _op()
    seen = []
    tracker = Tracker(op)
    tracker.start(total=5, step=Operation.Step.CHECKING)
    for _i in range(5):
        tracker.advance()
        seen.append(Operation.objects.get(pk=op.pk).done)
    assert seen == [1, 2, 3, 4, 5]
    tracker.finish(result={"rows": 5})
    op.refresh_from_db()
    assert (op.state, op.done, op.total, op.result) == ("done", 5, 5, {"rows": 5})
    assert op.started_at is not None and op.finished_at is not None and op.percent == 100


def test_writes_are_bounded_in_rate():
    op = _op()
    tracker = Tracker(op, interval=3600)
    with CaptureQueriesContext(connection) as ctx:
        tracker.start(total=10_000)
        for _i in range(10_000):
            tracker.advance()
        tracker.finish()
    assert _updates(ctx) == 2  # started and finished: not one per item
    op.refresh_from_db()
    assert (op.state, op.done) == ("done", 10_000)


def test_a_step_change_is_written_at_once():
    op = _op()
    tracker = Tracker(op, interval=3600)
    tracker.start()
    tracker.begin_step(Operation.Step.WRITING, total=3)
    op.refresh_from_db()
    assert (op.state, op.step, op.total, op.done) == ("running", "writing", 3, 0)


def test_an_error_for_people_ends_it_failed_with_its_message():
    op = _op()
    with running(op) as tracker:
        tracker.advance(2)
        raise InvalidInput("Line 4: the amount is not a number.")
    op.refresh_from_db()
    assert (
        op.state == "failed"
        and op.error == "Line 4: the amount is not a number."
        and op.finished_at is not None
    )


def test_an_unexpected_error_ends_it_failed_with_a_plain_sentence(caplog):
    op = _op()
    with running(op):
        raise ZeroDivisionError("division by zero")
    op.refresh_from_db()
    assert op.state == "failed" and "failed unexpectedly" in op.error and "division" not in op.error
    assert "division by zero" in caplog.text  # the details go to the log


def test_the_error_is_written_in_the_starters_language():
    op = background.record("test_kind")
    Operation.objects.filter(pk=op.pk).update(language="ur")
    op.refresh_from_db()
    with running(op):
        raise RuntimeError("boom")
    op.refresh_from_db()
    from django.utils import translation

    with translation.override("ur"):
        expected = translation.gettext(
            "The operation failed unexpectedly; nothing it was doing was kept. The error was logged for the administrators."
        )
    assert op.error == expected


def test_the_terminal_helper_draws_a_bar_without_a_row():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    bar = terminal("importing", total=3, stream=out)
    bar.advance(3)
    bar.finish()
    assert "3/3" in out.getvalue()


@task(queue_name=background.QUEUE)
def _count_to(operation_pk: int, n: int) -> None:
    op = background.load(operation_pk)
    if op is None:
        return
    with running(op) as tracker:
        tracker.begin_step(Operation.Step.COUNTING, total=n)
        for _i in range(n):
            tracker.advance()
        if n == 13:
            raise InvalidInput("Thirteen is not counted here.")
        tracker.finish(result={"counted": n})


def test_a_started_operation_waits_for_the_worker_then_runs_once():
    op = background.start("test_kind", by=None, subject_id=None, task=_count_to, args=(7,))
    assert Operation.objects.get(pk=op.pk).state == "queued"
    assert background.run_queued(queues=(background.QUEUE,)) == 1
    op.refresh_from_db()
    assert (op.state, op.done, op.total, op.result) == ("done", 7, 7, {"counted": 7})
    assert background.run_queued(queues=(background.QUEUE,)) == 0  # nothing left


def test_a_failing_operation_run_by_the_worker_ends_failed():
    op = background.start("test_kind", by=None, subject_id=None, task=_count_to, args=(13,))
    background.run_queued(queues=(background.QUEUE,))
    op.refresh_from_db()
    assert op.state == "failed" and op.error == "Thirteen is not counted here." and op.done == 13


def test_charter_worker_once_runs_the_queued_operations(cast):
    from charter.cli import main
    from charter.progress.track import echo_to

    op = background.start("test_kind", by=None, subject_id=None, task=_count_to, args=(3,))
    try:
        assert main(["worker", "--once"]) == 0
    finally:
        echo_to(None)
    op.refresh_from_db()
    assert (op.state, op.done) == ("done", 3)


def test_the_fragment_groups_its_figures_as_the_reader_does():
    from django.template.loader import render_to_string
    from django.utils import translation

    from charter.progress.views import context

    op = _op()
    Operation.objects.filter(pk=op.pk).update(state="running", step="writing", total=150_000, done=61_234)
    op.refresh_from_db()
    with translation.override("en"):
        page = render_to_string("progress/operation.html", context(op))
    assert "61,234 of 1,50,000 (40%)" in page  # lakhs, as Pakistan groups them
    op.state, op.done = "done", 150_000
    with translation.override("ur"):
        page = render_to_string("progress/operation.html", context(op))
    assert "1,50,000" in page and "150000" not in page


def test_a_beacon_left_by_another_operation_with_the_same_id_is_not_read(db, settings):
    """A database made again (or a test's rolled-back row) gives an id out again; the figures an
    earlier operation of that id left behind are not this one's."""
    import datetime as dt

    from charter.progress import beacon
    from charter.progress.views import context

    earlier = Operation(pk=41, kind="import_members", created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    beacon.write(earlier, done=5, total=10, step="writing", at=dt.datetime(2026, 1, 1, 0, 1, tzinfo=dt.UTC))
    assert beacon.read(earlier)["done"] == 5
    now = Operation(pk=41, kind="import_members", state="queued", created_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    assert beacon.read(now) is None
    assert context(now)["op"].state == "queued"  # the page says it waits, not "writing 5 of 10"
