"""Meetings of bodies: notice and agenda, attendance, quorum, motions with their votes, minutes."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.lib import dates
from charter.members.models import Member
from charter.org.models import Body


class Meeting(models.Model):
    class State(models.TextChoices):
        CALLED = "called", _("called")
        HELD = "held", _("held")
        CANCELLED = "cancelled", _("cancelled")

    recorded_by: ClassVar[tuple[str, ...]] = ("convene_meeting",)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(_("title"), max_length=200)
    called_at = models.DateTimeField()
    starts_at = models.DateTimeField()
    urgent = models.BooleanField(default=False)
    urgency_reason = models.TextField(blank=True, default="")
    agenda = models.TextField(_("agenda"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.CALLED)
    # Fixed when attendance is recorded: the roster on the day, what quorum counts against, who came.
    roster_size = models.PositiveIntegerField(default=0)
    quorum_base = models.PositiveIntegerField(default=0)
    present_count = models.PositiveIntegerField(default=0)
    quorum_needed = models.PositiveIntegerField(default=0)
    minutes = models.TextField(blank=True, default="")
    minutes_approved_at = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="approved_minutes_of")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["body", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__gte=models.F("called_at")), name="meeting_starts_after_called"),
            models.CheckConstraint(condition=Q(state__in=["called", "held", "cancelled"]), name="meeting_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.body}: {self.title} ({dates.day(dates.utc_day(self.starts_at))})"

    def choice_label(self, *, body: bool = False) -> str:
        """The meeting in a list to choose from: its day in the reader's language, (its body,) its title."""
        day = dates.day(dates.utc_day(self.starts_at))
        return f"{day} — {self.body.name}: {self.title}" if body else f"{day} — {self.title}"

    @property
    def notice_hours(self) -> float:
        return (self.starts_at - self.called_at).total_seconds() / 3600

    @property
    def quorate(self) -> bool:
        return self.state == self.State.HELD and self.present_count >= self.quorum_needed


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    voting = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attend_once")]


class Motion(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        CARRIED = "carried", _("carried")
        LOST = "lost", _("lost")
        REFUSED = "refused", _("refused by the rules")

    # Every decision taken at a meeting is minuted as a motion, whatever its outcome, and names its
    # act; decide_motion and approve_minutes are always taken at one.
    recorded_by: ClassVar[tuple[str, ...]] = ("decide_motion", "approve_minutes")
    recorded_outcomes: ClassVar[tuple[str, ...]] = ("done", "lost", "refused")
    recorded_act_field: ClassVar[str] = "act"
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="motions")
    text = models.TextField(_("text"))
    act = models.CharField(max_length=60, default="decide_motion")
    votes_yes = models.PositiveIntegerField(default=0)
    votes_no = models.PositiveIntegerField(default=0)
    votes_abstain = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    reasons = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=["pending", "carried", "lost", "refused"]), name="motion_outcome_valid"),
        ]
