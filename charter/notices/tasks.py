"""The worker's side of the outbox: deliver queued notices, idempotently, with retries."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from charter.lib import clock
from charter.notices.models import Notice
from charter.notices.transports import transport_for

MAX_ATTEMPTS = 8


def deliver_batch(limit: int = 500) -> int:
    """Deliver up to ``limit`` queued notices; returns how many were sent."""
    sent = 0
    ids = list(
        Notice.objects.filter(state=Notice.State.QUEUED).exclude(channel="inbox").order_by("id").values_list("id", flat=True)[:limit]
    )
    for notice_id in ids:
        with transaction.atomic():
            notice = Notice.objects.select_for_update().select_related("member").filter(id=notice_id, state=Notice.State.QUEUED).first()
            if notice is None:
                continue  # another worker took it
            try:
                receipt = transport_for(notice.channel).send(notice)
            except Exception as exc:  # noqa: BLE001 - any transport failure means: try again later
                notice.attempts += 1
                notice.last_error = str(exc)[:500]
                if notice.attempts >= MAX_ATTEMPTS:
                    notice.state = Notice.State.FAILED
                notice.save(update_fields=["attempts", "last_error", "state"])
                continue
            notice.state = Notice.State.SENT
            notice.sent_at = clock.now()
            notice.receipt = receipt
            notice.attempts += 1
            notice.save(update_fields=["state", "sent_at", "receipt", "attempts"])
            sent += 1
    return sent


@task()
def deliver_queued() -> int:
    total = 0
    while True:
        n = deliver_batch()
        total += n
        if n == 0:
            return total
