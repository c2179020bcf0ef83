"""A bank statement imported by the background worker, with a progress bar on the import page
(decision 0018). A thin hook: the act is ``actions.import_bank_statement``, which reports how far
it has gone to the operation running it."""

from __future__ import annotations

import base64
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from charter.members.models import Member
from charter.money import actions, statement
from charter.money import permissions as perms
from charter.org.models import Unit
from charter.progress import background, kinds
from charter.progress.models import Operation
from charter.progress.track import running

KIND = "import_bank_statement"


def start(*, unit: Unit, by: Member, user: Any, data: bytes, filename: str) -> Operation:
    return background.start(
        KIND,
        by=user,
        subject_id=unit.pk,
        task=import_in_background,
        args=(unit.pk, by.pk, base64.b64encode(data).decode("ascii"), filename),
    )


def where(exc: statement.StatementError) -> str:
    """The problem with its line and column, as the import page says it next to the field."""
    parts = []
    if exc.line:
        parts.append(_("line %(n)s") % {"n": exc.line})
    if exc.column:
        parts.append(_("column %(c)s") % {"c": exc.column})
    return f"{', '.join(parts)}: {exc.message}" if parts else exc.message


@task(queue_name=background.QUEUE)
def import_in_background(
    operation_pk: int, unit_pk: int, member_pk: int, data: str, filename: str
) -> None:
    op = background.load(operation_pk)
    if op is None:
        return
    with running(op, label="statement") as tracker:
        raw = base64.b64decode(data)
        # The act reads the file, checks its lines and writes them in one transaction; it reports
        # its steps (track.counted), which the page reads from the beacon until it commits.
        tracker.begin_step(Operation.Step.READING)
        try:
            imp = actions.import_bank_statement(
                unit=Unit.objects.get(pk=unit_pk),
                by=Member.objects.get(pk=member_pk),
                data=raw,
                filename=filename,
            )
        except statement.StatementError as exc:
            tracker.fail(where(exc))
            return
        rows = imp.rows.count()
        tracker.total = tracker.done = rows
        tracker.finish(result={"statement": imp.pk, "rows": rows})


def _may_see(user: Any, op: Operation) -> bool:
    """Whoever keeps or audits the unit's accounts (money.permissions), as for the statement's page."""
    try:
        perms.get_unit_for(user, op.subject_id or 0)
    except Http404:
        return False
    return True


kinds.register(
    KIND,
    label=gettext_lazy("Importing a bank statement"),
    may_see=_may_see,
    result_url=lambda op: (
        reverse("money:statement", args=[op.result["statement"]])
        if op.result.get("statement")
        else None
    ),
)
