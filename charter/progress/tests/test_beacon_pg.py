"""On PostgreSQL, with two real connections: while an act that reports its progress has not
committed, a page served on another connection shows the act's figures (from the beacon), not the
row's committed ones; once it ends, the row says it and the beacon is gone."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from charter.progress import beacon, track
from charter.progress.models import Operation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_another_connection_sees_the_act_going_before_it_commits(settings):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL (DATABASE_URL=postgres://...)")
    from charter.accounts.models import User

    settings.PROGRESS_INTERVAL = 0
    user = User.objects.create_user("starter", password="x")
    from charter.progress import background

    op = background.record("test_kind", by=user)
    halfway, go_on = threading.Event(), threading.Event()

    def the_act() -> None:
        try:
            with track.running(Operation.objects.get(pk=op.pk)), transaction.atomic():
                for _item in track.counted(range(10), Operation.Step.WRITING, total=10):
                    if _item == 4:
                        halfway.set()
                        go_on.wait(30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=the_act)
    worker.start()
    try:
        assert halfway.wait(30)
        row = Operation.objects.get(pk=op.pk)  # this connection: the row as committed
        assert (row.state, row.done) == ("running", 0)  # started (before the act), nothing more yet
        client = Client()
        client.force_login(user)
        fragment = client.get(f"/operations/{op.pk}/").content.decode()
        assert 'max="10" value="4"' in fragment and "writing" in fragment
    finally:
        go_on.set()
        worker.join(30)
    row = Operation.objects.get(pk=op.pk)
    assert (row.state, row.done, row.total) == ("done", 10, 10) and beacon.read(op) is None
