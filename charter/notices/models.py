"""The outbox: one row per notice per channel, written in the act's transaction, delivered by a worker.

A notice is due when it is queued and its ``next_attempt_at`` has come. The worker claims due rows
(moving ``next_attempt_at`` a lease ahead, so no other worker takes them), sends each through its
channel's transport and records the outcome: sent (with the transport's receipt and the time), or
queued again after a backoff, or failed for good after ``tasks.MAX_ATTEMPTS`` attempts. Inbox
notices are delivered by being written: they are sent from the start and wait to be read."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    class Channel(models.TextChoices):
        INBOX = "inbox", _("inbox")
        EMAIL = "email", _("email")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    # A notice names the entry of the act it tells of, whichever act that is; none must stay (erasing
    # a person deletes theirs). ``record reconcile`` checks only that the entry is there.
    recorded_by: ClassVar[tuple[str, ...]] = ()
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = ("*",)
    # Indexed by (member, channel) below, which serves lookups by member alone too.
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="notices", db_index=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    language = models.CharField(max_length=8, default="en")
    entry_index = models.BigIntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200)  # unique: "{key}:{member}:{channel}", see outbox.queue
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField()  # queued: due from then on (a claimed row's lease runs to then)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # the delivery receipt: when, and ``receipt``
    receipt = models.CharField(max_length=200, blank=True, default="")  # the transport's id for it
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "channel"]),
            # The worker's queue: only queued rows, in the order they fall due (a sent row leaves it).
            models.Index(fields=["next_attempt_at", "id"], condition=Q(state="queued"), name="notice_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="notice_dedupe_key_unique"),
            models.CheckConstraint(condition=Q(channel__in=["inbox", "email", "sms"]), name="notice_channel_valid"),
            models.CheckConstraint(condition=Q(state__in=["queued", "sent", "failed"]), name="notice_state_valid"),
            models.CheckConstraint(condition=~Q(state="sent") | Q(sent_at__isnull=False), name="notice_sent_has_time"),
        ]
