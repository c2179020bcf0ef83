"""Counting and publishing a poll's result in the background worker, with a progress bar on the
chair's console (decision 0018): the count of a large election takes longer than a page should wait.
The act itself is ``actions.publish_poll``, all or nothing, asking the rules as it always does."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from charter.members.models import Member
from charter.progress import background, kinds
from charter.progress.models import Operation
from charter.progress.track import running
from charter.voting import actions
from charter.voting.models import Poll
from charter.voting.permissions import get_poll_for

KIND = "publish_poll"


@task(queue_name=background.QUEUE)
def publish_in_background(operation_pk: int, poll_pk: int, member_pk: int) -> None:
    op = background.load(operation_pk)
    if op is None:
        return
    with running(op, label="count") as tracker:
        poll = Poll.objects.get(pk=poll_pk)
        # One all-or-nothing act; the ballots it reads are counted on the bar (through the beacon
        # while the act has not committed).
        tracker.begin_step(Operation.Step.COUNTING)
        poll = actions.publish_poll(poll, by=Member.objects.get(pk=member_pk))
        tracker.total = tracker.done = poll.ballots
        tracker.finish(result={"poll": poll.pk, "ballots": poll.ballots})


def _may_see(user: Any, op: Operation) -> bool:
    """Whoever may see the poll's console or, once published, its result (voting.permissions)."""
    try:
        get_poll_for(user, op.subject_id or 0, published=True)
    except Http404:
        return False
    return True


kinds.register(
    KIND,
    label=_("Counting the ballots and publishing the result"),
    may_see=_may_see,
    result_url=lambda op: reverse("voting:results", args=[op.subject_id]),
)
