"""Acts append without waiting for one another; the tree is built over their entries after they
commit (``record.integration``), and a place an act took and did not keep is filled once no act can
still fill it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from charter.record import checkpoints, integration, log, words
from charter.record.models import Entry, LogState

pytestmark = pytest.mark.django_db(transaction=True)  # the acts run on connections of their own
postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="an index from a sequence is PostgreSQL's")


class Rollback(Exception):
    pass


class OpenAct(threading.Thread):
    """An act on a connection of its own that appends its entry, then waits, holding its
    transaction open, until told to commit or to roll back."""

    def __init__(self, append: bool = True) -> None:
        super().__init__(daemon=True)
        self.append = append
        self.appended = threading.Event()
        self.decided = threading.Event()
        self.keep = True
        self.index: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                if self.append:
                    self.index = log.append("test_entry", "done", detail={"open": True}).index
                else:  # a transaction of something else, holding its own transaction id
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT pg_current_xact_id()")
                self.appended.set()
                assert self.decided.wait(30)
                if not self.keep:
                    raise Rollback
        except Rollback:
            pass
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc
            self.appended.set()
        finally:
            connections.close_all()

    def end(self, keep: bool) -> None:
        self.keep = keep
        self.decided.set()
        self.join(30)
        assert self.error is None, self.error


def in_thread(work: Callable[[], Any], timeout: float = 10) -> Any:
    """``work`` on a connection of its own; fails if it does not finish within ``timeout``."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - reported below
            out["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), "it waited on the other act"
    if "error" in out:
        raise out["error"]
    return out.get("value")


def append_one(n: int) -> int:
    with transaction.atomic():
        return log.append("test_entry", "done", detail={"n": n}).index


def open_act_then_another_committed(monkeypatch: Any) -> OpenAct:
    """Entry 0 committed; then an act holds entry 1 uncommitted while a second act appends entry 2
    and commits without waiting for it (it would have waited on a lock of the log)."""
    monkeypatch.setattr(integration, "WAIT", 0.2)
    append_one(0)
    first = OpenAct()
    first.start()
    assert first.appended.wait(10) and first.error is None
    second = in_thread(lambda: append_one(2))
    assert (first.index, second) == (1, 2)
    return first


def test_an_act_rolled_back_takes_its_index_back_where_one_writer_hands_them_out():
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the index is taken for good (the tests below)")
    append_one(0)
    with pytest.raises(Rollback), transaction.atomic():
        log.append("test_entry", "done")
        raise Rollback
    assert append_one(1) == 1
    assert integration.integrate() is None
    assert LogState.objects.get().size == 2 and log.verify() is None


@postgresql
def test_acts_append_side_by_side_and_the_tree_waits_for_the_one_still_open(monkeypatch):
    first = open_act_then_another_committed(monkeypatch)
    assert integration.integrate() is None
    assert LogState.objects.get().size == 1  # not past the place the open act may still fill
    first.end(keep=True)
    assert integration.integrate() is None
    assert LogState.objects.get().size == 3
    assert list(Entry.objects.order_by("index").values_list("act", flat=True)) == ["test_entry"] * 3
    assert log.verify() is None


@postgresql
def test_a_place_taken_and_not_kept_is_filled_once_no_act_can_fill_it(monkeypatch):
    first = open_act_then_another_committed(monkeypatch)
    other = OpenAct(append=False)  # a long transaction that appends nothing is not waited for
    other.start()
    assert other.appended.wait(10) and other.error is None
    first.end(keep=False)  # the act rolls back: its place stays empty
    assert not Entry.objects.filter(index=1).exists()
    checkpoints.sign_if_due()  # integrates first
    empty = Entry.objects.get(index=1)
    assert (empty.act, empty.outcome) == (integration.UNUSED, "void")
    assert "did not complete" in words.describe(empty)
    assert LogState.objects.get().size == 3 and checkpoints.latest().size == 3
    assert log.verify() is None
    assert append_one(3) == 3  # the log goes on from there
    other.end(keep=True)


def test_the_lock_integration_waits_on_is_the_one_the_append_takes():
    from importlib import import_module

    migration = import_module("charter.record.migrations.0005_append_without_the_lock")
    assert integration.APPENDING == migration.APPENDING
    assert f"pg_advisory_xact_lock_shared({integration.APPENDING})" in migration.FUNCTION


@postgresql
def test_integration_does_not_pass_a_place_beyond_the_last_index_handed_out():
    append_one(0)
    append_one(1)
    assert integration.integrate() is None
    assert integration.integrate() is None  # nothing new: nothing filled
    assert list(Entry.objects.values_list("index", flat=True).order_by("index")) == [0, 1]
