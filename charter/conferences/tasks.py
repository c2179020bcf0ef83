"""The conference report's PDF, made by the background worker with a progress bar on the report
page (decision 0018). Reads only: no act of the organization is made."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from charter.conferences import documents, queries
from charter.conferences.models import Conference
from charter.conferences.permissions import get_conference_for
from charter.progress import background, kinds
from charter.progress.models import Operation
from charter.progress.track import running

KIND = "conference_report"


@task(queue_name=background.QUEUE)
def make_report_pdf(operation_pk: int, conference_pk: int) -> None:
    op = background.load(operation_pk)
    if op is None:
        return
    with running(op, label="report") as tracker:
        conference = Conference.objects.select_related("body").get(pk=conference_pk)
        report = queries.report(conference)
        tracker.begin_step(Operation.Step.RENDERING, total=documents.report_parts(report))
        pdf = documents.report_pdf(report, tick=tracker.advance)
        tracker.finish(
            output=pdf,
            output_name=f"conference-{conference.pk}-report.pdf",
            output_type="application/pdf",
        )


def _may_see(user: Any, op: Operation) -> bool:
    """Whoever may read the conference's report (conferences.permissions)."""
    try:
        get_conference_for(user, op.subject_id or 0)
    except Http404:
        return False
    return True


kinds.register(
    KIND, label=_("The conference report as PDF"), may_see=_may_see
)  # the fragment offers the file
