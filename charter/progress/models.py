"""One row per long operation (an import, a count, a report, a large delivery): what it is, who
started it, how far it has gone and how it ended. Written by the running code (``track.py``) at a
bounded rate; read by the page that started it (decision 0018). Not a domain row: no act of the
organization is made or undone by it, and nothing else reads it to decide anything."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Operation(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    # What the operation is doing now: a fixed vocabulary, so that the page can say it in the
    # reader's language whatever language the worker runs in.
    class Step(models.TextChoices):
        NONE = "", ""
        READING = "reading", _("reading the file")
        CHECKING = "checking", _("checking the rows")
        WRITING = "writing", _("writing")
        COUNTING = "counting", _("counting the ballots")
        RENDERING = "rendering", _("making the document")
        SENDING = "sending", _("sending")

    kind = models.CharField(
        max_length=40
    )  # a key of progress.kinds (who may see it, where its result is)
    subject_id = models.BigIntegerField(
        null=True, blank=True
    )  # what it works on: a unit, a poll, a conference
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=8, blank=True)  # the starter's: errors are written in it
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(max_length=20, choices=Step.choices, blank=True, default="")
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(null=True, blank=True)  # None: not known (yet)
    error = models.TextField(blank=True)
    result = models.JSONField(
        default=dict, blank=True
    )  # small: the ids the result page needs, counts
    output = models.BinaryField(
        null=True, blank=True
    )  # a file it made (a PDF), downloaded from the fragment
    output_name = models.CharField(max_length=120, blank=True)
    output_type = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "subject_id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "failed"]),
                name="progress_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(done__lte=models.F("total")),
                name="progress_done_within_total",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["done", "failed"], finished_at__isnull=False)
                | Q(state__in=["queued", "running"], finished_at__isnull=True),
                name="progress_finished_when_ended",
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(error=""), name="progress_failure_says_why"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state} {self.done}/{self.total if self.total is not None else '?'})"

    @property
    def ended(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(100 * self.done / self.total))
