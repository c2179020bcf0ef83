"""The floor of a conference: the hall's current item and speaker, the list of speakers per item,
written questions per session, and resolutions with their amendments (decision 0015).

Requests to speak and questions are procedural rows, not entries on the public record; resolutions,
amendments and the decisions on them are recorded (``recorded_by``).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.conferences.models import Conference, Item, Participant, Session
from charter.members.models import Member
from charter.voting.models import Poll


class Hall(models.Model):
    """What the hall screen shows: the current item and who has the floor. ``version`` grows with
    every change on the floor, so a screen that reconnects knows whether it missed anything."""

    conference = models.OneToOneField(Conference, on_delete=models.PROTECT, related_name="hall")
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    speaker = models.ForeignKey(
        "SpeakRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    poll = models.ForeignKey(
        Poll, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)


class SpeakRequest(models.Model):
    """A participant's request to speak on an item; a point of order goes to the top of the list."""

    class Kind(models.TextChoices):
        SPEECH = "speech", _("to speak")
        POINT_OF_ORDER = "order", _("point of order")

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("called")
        SPEAKING = "speaking", _("speaking")
        DONE = "done", _("spoke")
        WITHDRAWN = "withdrawn", _("withdrawn")

    ACTIVE: ClassVar[tuple[str, ...]] = ("waiting", "called", "speaking")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SPEECH)
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    position = models.PositiveIntegerField(
        default=0
    )  # the chair's order (points of order go first whatever it says)
    requested_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)  # when the speaking time runs out
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["item", "position", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "participant"],
                condition=Q(state__in=["waiting", "called", "speaking"]),
                name="one_open_request_per_item",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["waiting", "called", "speaking", "done", "withdrawn"]),
                name="speak_request_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["speech", "order"]), name="speak_request_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(started_at__isnull=True) | Q(deadline__isnull=False),
                name="speak_timer_has_deadline",
            ),
        ]


class Question(models.Model):
    """A written question sent from a phone to the session's queue, moderated before the lead-off sees it."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("waiting for the moderators")
        ACCEPTED = "accepted", _("accepted")
        MERGED = "merged", _("merged into another")
        REJECTED = "rejected", _("rejected")

    MAX_TEXT: ClassVar[int] = 1000
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="+")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"))
    key = models.CharField(
        max_length=100
    )  # the phone's idempotency key: a resent question is kept once
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged"
    )
    submitted_at = models.DateTimeField()
    moderated_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "key"], name="question_once_per_key"),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "accepted", "merged", "rejected"]),
                name="question_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="merged") | Q(merged_into__isnull=False),
                name="merged_question_names_target",
            ),
        ]


class Resolution(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        VOTING = "voting", _("being voted on")
        ADOPTED = "adopted", _("adopted")
        LOST = "lost", _("not adopted")

    recorded_by: ClassVar[tuple[str, ...]] = ("submit_resolution",)
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    submitted_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    poll = models.ForeignKey(
        Poll, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    final_text = models.TextField(
        blank=True, default=""
    )  # the text with the adopted amendments, fixed when adopted
    entry_index = models.BigIntegerField(null=True, blank=True)
    decision_entry = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["conference", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "number"], name="resolution_number_once"),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "voting", "adopted", "lost"]),
                name="resolution_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """A participant with a vote supports a resolution (once)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="supports")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    supported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resolution", "participant"], name="support_once")
        ]


class Amendment(models.Model):
    """Replace a passage of the resolution's text by another (an empty replacement deletes it)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        VOTING = "voting", _("being voted on")
        ADOPTED = "adopted", _("adopted")
        LOST = "lost", _("not adopted")

    recorded_by: ClassVar[tuple[str, ...]] = ("submit_amendment",)
    resolution = models.ForeignKey(Resolution, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField()
    replaces = models.TextField(_("passage to replace"))
    by_text = models.TextField(_("replace with"), blank=True, default="")
    submitted_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    poll = models.ForeignKey(
        Poll, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entry_index = models.BigIntegerField(null=True, blank=True)
    decision_entry = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["resolution", "number"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "number"], name="amendment_number_once"),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "voting", "adopted", "lost"]),
                name="amendment_state_valid",
            ),
        ]
