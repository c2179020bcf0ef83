"""Starting a long operation from a page: its row and its task, in one transaction, so the page
answers at once and the worker does the work; and the worker's round that runs queued tasks.

A task (``django_tasks``, the database backend) takes the operation's id first; it runs its work
inside ``track.running(op)``. ``charter worker`` (and the worker thread of ``charter serve``) runs
the queued tasks each round with :func:`run_queued`; tests call it too, as the worker would.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils import translation

from charter.lib import clock
from charter.progress.models import Operation

log = logging.getLogger("charter.progress")


def start(
    kind: str,
    *,
    by: Any,
    subject_id: int | None,
    task: Any,
    args: tuple[Any, ...] = (),
    total: int | None = None,
) -> Operation:
    """Write the operation's row (queued) and enqueue ``task(op.pk, *args)`` in one transaction."""
    with transaction.atomic():
        op = Operation.objects.create(
            kind=kind,
            subject_id=subject_id,
            by=by if getattr(by, "pk", None) else None,
            language=translation.get_language() or "",
            total=total,
            created_at=clock.now(),
        )
        task.enqueue(op.pk, *args)
    return op


def record(
    kind: str, *, by: Any = None, subject_id: int | None = None, total: int | None = None
) -> Operation:
    """A row for an operation run here and now (a command, the worker's own round), not queued."""
    return Operation.objects.create(
        kind=kind,
        subject_id=subject_id,
        by=by,
        language=translation.get_language() or "",
        total=total,
        created_at=clock.now(),
    )


def load(pk: int) -> Operation | None:
    """The operation a task was given; None (logged) when it is gone or already ended (a task run twice)."""
    op = Operation.objects.filter(pk=pk).first()
    if op is None or op.ended:
        log.warning(
            "operation %s: %s; its task does nothing", pk, "gone" if op is None else "already ended"
        )
        return None
    return op


QUEUE = "operations"  # long operations' tasks; notices' kicks go on the default queue


def run_queued(*, queues: tuple[str, ...] | None = None, limit: int | None = None) -> int:
    """Run the tasks waiting in the database queue (``queues``; default every queue), one after the
    other, until none is ready; returns how many ran. The worker's round; tests call it as the
    worker would. A task that raises is marked failed by django-tasks and the round goes on."""
    from django.utils.crypto import get_random_string
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return 0  # an immediate or dummy backend keeps nothing to run
    worker_id = f"charter-{get_random_string(12)}"
    # The library's worker runs each claimed task (and records its outcome); the loop is ours, so
    # that a round ends when the queue is empty and leaves the connection as it found it.
    worker = Worker(
        queue_names=list(queues or ["*"]),
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
    if queues:
        ready = ready.filter(queue_name__in=queues)
    ran = 0
    while limit is None or ran < limit:
        with exclusive_transaction(ready.db):
            claimed = ready.get_locked()
            if claimed is not None:
                claimed.claim(worker_id)
        if claimed is None:
            return ran
        worker.run_task(claimed)
        ran += 1
    return ran
