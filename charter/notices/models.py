"""The outbox: one row per notice per channel, written after the act commits, delivered by a worker."""

from __future__ import annotations

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

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="notices")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=60)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    language = models.CharField(max_length=8, default="en")
    entry_index = models.BigIntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    receipt = models.CharField(max_length=200, blank=True, default="")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "channel"]), models.Index(fields=["member", "channel"])]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=["inbox", "email", "sms"]), name="notice_channel_valid"),
            models.CheckConstraint(condition=Q(state__in=["queued", "sent", "failed"]), name="notice_state_valid"),
        ]
