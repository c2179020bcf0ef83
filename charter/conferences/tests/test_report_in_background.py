"""The report's PDF made by the worker: the report page starts it, shows its progress bar (polled),
then offers the file; who may follow it."""

from __future__ import annotations

from django.test import Client

from charter.accounts.models import User
from charter.conferences import documents, queries
from charter.conferences.tests.test_pages_and_report import build_small_conference
from charter.progress.background import QUEUE, run_queued
from charter.progress.models import Operation
from charter.testing.web import login_as, login_user


def test_the_report_page_makes_the_pdf_in_the_background(cast, conference, at, client, settings):
    settings.PROGRESS_INTERVAL = 0
    build_small_conference(cast, conference, at)
    login_as(client, cast.alice)
    started = client.post(f"/conferences/{conference.pk}/report.pdf/make/")
    assert started.status_code == 302
    op = Operation.objects.get(kind="conference_report", subject_id=conference.pk)
    assert started["Location"] == f"/conferences/{conference.pk}/report/?operation={op.pk}"
    assert op.state == "queued" and op.by.member == cast.alice  # the page answered before the work

    page = client.get(started["Location"]).content.decode()
    assert f'hx-get="/operations/{op.pk}/"' in page and 'hx-trigger="every 2s"' in page
    assert (
        "Waiting for the background worker" in page
        and "<script>" not in page
        and "style=" not in page
    )

    assert run_queued(queues=(QUEUE,)) == 1
    op.refresh_from_db()
    parts = documents.report_parts(queries.report(conference))
    assert (op.state, op.done, op.total) == (
        "done",
        parts,
        parts,
    ) and parts == 2 + 2 + 1  # 2 sessions, 1 commission
    fragment = client.get(f"/operations/{op.pk}/").content.decode()
    assert "hx-get" not in fragment  # ended: the page stops polling
    assert f"/operations/{op.pk}/output/" in fragment and "Done." in fragment
    pdf = client.get(f"/operations/{op.pk}/output/")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )


def test_the_fragment_shows_the_bar_while_it_runs(cast, conference, client):
    login_as(client, cast.alice)
    client.post(f"/conferences/{conference.pk}/report.pdf/make/")
    op = Operation.objects.get(kind="conference_report")
    Operation.objects.filter(pk=op.pk).update(state="running", step="rendering", done=3, total=12)
    fragment = client.get(f"/operations/{op.pk}/").content.decode()
    assert '<progress class="operation-bar" max="12" value="3"' in fragment
    assert "3 of 12" in fragment and "(25%)" in fragment and "making the document" in fragment
    assert 'hx-trigger="every 2s"' in fragment


def test_a_member_may_follow_it_and_someone_without_membership_may_not(cast, conference, client):
    login_as(client, cast.alice)
    client.post(f"/conferences/{conference.pk}/report.pdf/make/")
    op = Operation.objects.get(kind="conference_report")
    run_queued(queues=(QUEUE,))
    other = login_as(Client(), cast.bilal)  # every member reads the report
    assert other.get(f"/operations/{op.pk}/").status_code == 200
    outsider = login_user(Client(), User.objects.create_user("nadia"))
    assert outsider.get(f"/operations/{op.pk}/").status_code == 404
    assert outsider.get(f"/operations/{op.pk}/output/").status_code == 404
    assert Client().get(f"/operations/{op.pk}/").status_code == 302  # sign in first
    # Another page's operation is not shown on this report page.
    assert (
        "operation-bar"
        not in other.get(
            f"/conferences/{conference.pk}/report/?operation={op.pk + 1}"
        ).content.decode()
    )
