"""Members' initiatives and the documents members circulate (the rulebook's ``initiatives``).

An initiative collects signatures of members in good standing (and, where the rules allow, the
support of bodies); reaching its threshold creates its one :class:`Obligation`, with a deadline,
on the body addressed. A document to circulate is an initiative whose obligation Charter fulfils
itself the moment it is co-signed: it sends the text, unaltered, to every addressee.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.members.models import Member
from charter.org.models import Body


def _together(a: str, b: str) -> Q:
    """Both set or neither."""
    return Q(**{f"{a}__isnull": True, f"{b}__isnull": True}) | Q(**{f"{a}__isnull": False, f"{b}__isnull": False})


class Initiative(models.Model):
    class State(models.TextChoices):
        COLLECTING = "collecting", _("collecting signatures")
        OPEN = "open", _("threshold reached: obligation open")
        FULFILLED = "fulfilled", _("fulfilled")
        MISSED = "missed", _("deadline missed")

    recorded_by: ClassVar[tuple[str, ...]] = ("start_initiative",)
    kind = models.CharField(_("kind"), max_length=60)  # the initiative's key in the rulebook
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))  # never on the record: its SHA-256 is
    text_sha256 = models.CharField(max_length=64)
    addressed_to = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="initiatives")  # None: all members
    started_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="initiatives_started")
    started_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.COLLECTING)
    # Counted on ``counted_on``: signatures of members in good standing (once each), bodies'
    # support, the members in good standing and the threshold against them.
    signature_count = models.PositiveIntegerField(default=0)
    endorsement_count = models.PositiveSmallIntegerField(default=0)
    members_in_good_standing = models.PositiveIntegerField(default=0)
    needed = models.PositiveIntegerField(default=0)
    counted_on = models.DateField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["state", "started_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["collecting", "open", "fulfilled", "missed"]), name="initiative_state_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    """One member's signature. Withdrawn signatures stay (their entries name them), uncounted."""

    recorded_by: ClassVar[tuple[str, ...]] = ("sign_initiative",)
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="signatures")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="initiative_signatures")
    signed_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)
    withdrawn_entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "member"], condition=Q(withdrawn_at__isnull=True), name="sign_once"),
            models.CheckConstraint(condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("signed_at")), name="signature_withdrawn_after_signed"),
        ]


class Endorsement(models.Model):
    """A body's support, where the threshold may be reached by bodies (a body decides it at a meeting)."""

    recorded_by: ClassVar[tuple[str, ...]] = ()
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = ("decide_motion",)
    initiative = models.ForeignKey(Initiative, on_delete=models.PROTECT, related_name="endorsements")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    motion = models.ForeignKey("meetings.Motion", on_delete=models.PROTECT, related_name="+")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["initiative", "body"], name="endorse_once")]


class Obligation(models.Model):
    """What reaching the threshold created, exactly once per initiative, and how it ended."""

    recorded_by: ClassVar[tuple[str, ...]] = ("initiative_threshold_reached",)
    initiative = models.OneToOneField(Initiative, on_delete=models.PROTECT, related_name="obligation")
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    arose_at = models.DateTimeField()
    due_on = models.DateField()  # the last day, counted from the day it arose
    # The count that reached the threshold, and the threshold on that day.
    signature_count = models.PositiveIntegerField()
    endorsement_count = models.PositiveSmallIntegerField(default=0)
    members_in_good_standing = models.PositiveIntegerField()
    needed = models.PositiveIntegerField()
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    fulfilled_entry_index = models.BigIntegerField(null=True, blank=True)
    motion = models.ForeignKey("meetings.Motion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    missed_on = models.DateField(null=True, blank=True)
    missed_entry_index = models.BigIntegerField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(fulfilled_at__isnull=True) | Q(fulfilled_at__gte=models.F("arose_at")), name="obligation_fulfilled_after_it_arose"),
            models.CheckConstraint(condition=_together("fulfilled_at", "fulfilled_entry_index"), name="obligation_fulfilment_recorded"),
            models.CheckConstraint(condition=_together("missed_on", "missed_entry_index"), name="obligation_miss_recorded"),
        ]

    @property
    def on_time(self) -> bool:
        return self.fulfilled_at is not None and self.missed_on is None
