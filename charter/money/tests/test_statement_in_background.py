"""A bank statement imported by the worker: the import page answers at once and follows it to the
review page, or to the reason it was not imported; who may follow it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from charter.money.actions import assign_dues_band
from charter.money.models import StatementImport
from charter.progress.background import QUEUE, run_queued
from charter.progress.models import Operation
from charter.testing.web import login_as


@pytest.fixture
def banded(cast, bands, newcomer, at):  # type: ignore[no-untyped-def]
    """The newcomer of Karachi Central, in the Middle band (as in test_pages)."""
    at("2026-06-10T10:00:00")
    assign_dues_band(newcomer, band=bands["Middle"], by=cast.bilal)
    return newcomer


def _upload(client: Client, unit_pk: int, data: bytes, name: str = "june.csv"):  # type: ignore[no-untyped-def]
    return client.post(f"/money/units/{unit_pk}/import/", {"file": SimpleUploadedFile(name, data)})


def test_the_import_page_follows_the_statement_to_its_review(cast, banded, client):
    login_as(client, cast.bilal)
    rows = "".join(f"2026-06-{d:02d},PAYER {d},100\n" for d in range(1, 29))
    started = _upload(
        client,
        cast.karachi.pk,
        f"Date,Text,Amount\n2026-06-01,DUES {banded.number},600\n{rows}".encode(),
    )
    op = Operation.objects.get(kind="import_bank_statement", subject_id=cast.karachi.pk)
    assert started["Location"] == f"/money/units/{cast.karachi.pk}/import/?operation={op.pk}"
    page = client.get(started["Location"]).content.decode()
    assert "Importing a bank statement" in page and f'hx-get="/operations/{op.pk}/"' in page
    run_queued(queues=(QUEUE,))
    op.refresh_from_db()
    imp = StatementImport.objects.get()
    assert (op.state, op.done, op.total, op.result) == (
        "done",
        29,
        29,
        {"statement": imp.pk, "rows": 29},
    )
    fragment = client.get(f"/operations/{op.pk}/").content.decode()
    assert f'href="/money/statements/{imp.pk}/"' in fragment and "29 items." in fragment


def test_the_same_statement_twice_ends_with_the_reason(cast, banded, client):
    login_as(client, cast.bilal)
    data = f"Date,Text,Amount\n2026-06-01,DUES {banded.number},600\n".encode()
    _upload(client, cast.karachi.pk, data)
    _upload(client, cast.karachi.pk, data)
    run_queued(queues=(QUEUE,))
    first, second = Operation.objects.order_by("pk")
    assert first.state == "done" and second.state == "failed"
    assert second.error.startswith("This statement was already imported on")
    assert StatementImport.objects.count() == 1
    fragment = client.get(f"/operations/{second.pk}/").content.decode()
    assert 'role="alert"' in fragment and "already imported" in fragment


def test_an_unreadable_file_is_said_at_once_and_starts_nothing(cast, banded, client):
    login_as(client, cast.bilal)
    bad = _upload(client, cast.karachi.pk, b"Date,Text,Amount\n2026-06-31,DUES,1\n")
    assert bad.status_code == 400 and "line 2, column Date" in bad.content.decode()
    assert not Operation.objects.exists()


def test_the_auditors_follow_it_and_a_plain_member_does_not(cast, banded, client):
    login_as(client, cast.bilal)
    _upload(
        client, cast.karachi.pk, f"Date,Text,Amount\n2026-06-01,DUES {banded.number},600\n".encode()
    )
    op = Operation.objects.get()
    assert (
        login_as(Client(), cast.imran).get(f"/operations/{op.pk}/").status_code == 200
    )  # the Control Commission audits
    assert login_as(Client(), cast.alice).get(f"/operations/{op.pk}/").status_code == 404


def test_the_page_follows_the_act_line_by_line_before_it_commits(cast, banded, client, settings, monkeypatch):
    """The act is one transaction: until it commits, another connection reads the row as it was
    (queued). The page reads the beacon meanwhile: the lines checked, then the writes."""
    import copy

    from django.template.loader import render_to_string

    from charter.progress import beacon
    from charter.progress.views import context

    settings.PROGRESS_INTERVAL = 0
    login_as(client, cast.bilal)
    rows = "".join(f"2026-06-{d:02d},PAYER {d},100\n" for d in range(1, 29))
    _upload(client, cast.karachi.pk, f"Date,Text,Amount\n2026-06-01,DUES {banded.number},600\n{rows}".encode())
    committed = Operation.objects.get(kind="import_bank_statement")  # as others see it until the commit
    seen: list[tuple[str, str, int, int | None]] = []
    pages: list[str] = []
    write = beacon.write

    def spy(op, **figures):  # type: ignore[no-untyped-def]
        write(op, **figures)
        shown = context(copy.copy(committed))
        op = shown["op"]
        seen.append((op.state, op.step, op.done, op.total))
        if op.step == "writing" and 0 < op.done < (op.total or 0):
            pages.append(render_to_string("progress/operation.html", shown))

    monkeypatch.setattr(beacon, "write", spy)
    run_queued(queues=(QUEUE,))
    assert ("running", "checking", 29, 29) in seen  # every line of the file checked
    assert ("running", "writing", 1, 30) in seen  # the one payment, then the 29 lines' rows
    assert seen[-1] == ("running", "writing", 30, 30)
    assert pages and 'max="30"' in pages[0] and "writing" in pages[0]
    op = Operation.objects.get(pk=committed.pk)
    assert op.state == "done" and beacon.read(op) is None  # the beacon goes when it ends
