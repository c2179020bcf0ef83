"""Disciplinary cases: the charge, its delivery, the reply, hearings, recusals, the measure decided,
interim suspensions, appeals and referrals, and the deadlines the rules set on each of them.

Everything here is the *file* of a case, open only to those ``permissions.py`` names. The public
record carries the steps (ids, kinds, dates), never these texts.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.members.models import Member
from charter.org.models import Body


class Case(models.Model):
    class State(models.TextChoices):
        FRAMED = "framed", _("charge framed")
        DELIVERED = "delivered", _("charge delivered")
        REPLIED = "replied", _("reply received")
        DECIDED = "decided", _("measure decided")
        APPEALED = "appealed", _("appeal pending")
        REFERRED = "referred", _("referral pending")
        CONFIRMED = "confirmed", _("measure confirmed on appeal")
        REDUCED = "reduced", _("measure reduced on appeal")
        ANNULLED = "annulled", _("measure annulled on appeal")

    recorded_by: ClassVar[tuple[str, ...]] = ("frame_charge",)

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cases")
    framed_by = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    framed_by_office = models.CharField(max_length=60, blank=True, default="")  # framed by an officer alone
    deciding_body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grounds = models.JSONField(default=list)
    facts = models.TextField()
    evidence = models.TextField(blank=True, default="")
    state = models.CharField(max_length=12, choices=State.choices, default=State.FRAMED)
    opened_on = models.DateField()
    charge_delivered_on = models.DateField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    hearing_offered = models.BooleanField(default=False)
    closed_on = models.DateField(null=True, blank=True)
    bringers = models.ManyToManyField(Member, related_name="charges_brought", blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(state__in=["framed", "delivered", "replied", "decided", "appealed", "referred", "confirmed", "reduced", "annulled"]), name="case_state_valid")]

    def __str__(self) -> str:
        return f"case {self.pk}"

    @property
    def open(self) -> bool:
        """Open: charged and not yet decided (a charge can be replied to, heard, decided)."""
        return self.state in (self.State.FRAMED, self.State.DELIVERED, self.State.REPLIED)


class Reply(models.Model):
    """The member's written reply to the charge (with any evidence they rely on)."""

    recorded_by: ClassVar[tuple[str, ...]] = ("reply_to_charge",)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="replies")
    text = models.TextField()
    evidence = models.TextField(blank=True, default="")
    received_on = models.DateField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["received_on", "id"]


class Stage(models.TextChoices):
    CHARGE = "charge", _("the charge")
    APPEAL = "appeal", _("the appeal")
    REFERRAL = "referral", _("the referral")


class Hearing(models.Model):
    """A hearing before the deciding body (or the appeal body), at one of its meetings."""

    recorded_by: ClassVar[tuple[str, ...]] = ("schedule_hearing", "schedule_appeal_hearing")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hearings")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.PROTECT, related_name="+")
    scheduled_on = models.DateField()
    companion = models.CharField(max_length=200, blank=True, default="")
    companion_named_on = models.DateField(null=True, blank=True)
    minutes = models.TextField(blank=True, default="")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(stage__in=["charge", "appeal", "referral"]), name="hearing_stage_valid")]


class Recusal(models.Model):
    """A member of a deciding or appeal body who stands aside from a case (a personal interest)."""

    recorded_by: ClassVar[tuple[str, ...]] = ("record_recusal",)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="recusals")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "member", "body"], name="recuse_once_per_body")]


class Measure(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("written warning")
        SUSPENSION = "suspension", _("suspension")
        EXPULSION = "expulsion", _("expulsion")

    class State(models.TextChoices):
        IN_FORCE = "in_force", _("in force")
        ENDED = "ended", _("ended")
        REPLACED = "replaced", _("replaced on appeal")
        ANNULLED = "annulled", _("annulled on appeal")

    recorded_by: ClassVar[tuple[str, ...]] = ("warn_member", "suspend_member", "expel_member")
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = ("decide_appeal", "decide_referral")  # a reduced measure
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="measures")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FORCE)
    decided_by = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grounds = models.JSONField(default=list)
    reasons = models.TextField()
    decided_on = models.DateField()
    delivered_on = models.DateField(null=True, blank=True)  # the decision in writing, to the member
    ends_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    final_on = models.DateField(null=True, blank=True)  # no appeal or referral can change it any more
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by")
    # Who took part in the decision, and the seats it suspended: ids kept as facts of the decision.
    participant_ids = models.JSONField(default=list, blank=True)
    held_mandate_ids = models.JSONField(default=list, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["warning", "suspension", "expulsion"]), name="measure_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=["in_force", "ended", "replaced", "annulled"]), name="measure_state_valid"),
            models.CheckConstraint(condition=~Q(kind="suspension") | Q(ends_on__isnull=False), name="suspension_has_end"),
        ]


class InterimSuspension(models.Model):
    class State(models.TextChoices):
        IN_FORCE = "in_force", _("in force")
        LAPSED = "lapsed", _("lapsed")
        REPLACED = "replaced", _("replaced by the decision")

    recorded_by: ClassVar[tuple[str, ...]] = ("interim_suspension",)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interim_suspensions")
    ordered_by = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    ordered_by_office = models.CharField(max_length=60, blank=True, default="")
    reasons = models.TextField()
    ordered_on = models.DateField()
    ends_on = models.DateField()  # the last day: it lapses after it unless the body the rules name decides
    state = models.CharField(max_length=10, choices=State.choices, default=State.IN_FORCE)
    ended_on = models.DateField(null=True, blank=True)
    held_mandate_ids = models.JSONField(default=list, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["in_force", "lapsed", "replaced"]), name="interim_state_valid"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("ordered_on")), name="interim_ends_after_ordered"),
        ]


class Appeal(models.Model):
    """An appeal against a measure, or its referral further (``stage``), and the decision on it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        CONFIRM = "confirm", _("confirmed")
        REDUCE = "reduce", _("reduced")
        ANNUL = "annul", _("annulled")

    recorded_by: ClassVar[tuple[str, ...]] = ("file_appeal", "refer_appeal")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appeals")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="appeals")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")  # who hears it
    statement = models.TextField()
    filed_on = models.DateField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField(blank=True, default="")
    participant_ids = models.JSONField(default=list, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["filed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=["appeal", "referral"]), name="appeal_stage_valid"),
            models.CheckConstraint(condition=Q(outcome__in=["pending", "confirm", "reduce", "annul"]), name="appeal_outcome_valid"),
            models.UniqueConstraint(fields=["measure", "stage"], name="one_appeal_per_stage"),
        ]


class Deadline(models.Model):
    """A time limit the rules set in a case, counted from a fact (delivery, filing, an order)."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("reply to the charge")
        HEARING = "hearing", _("hearing of the charge")
        DECISION = "decision", _("decision on the charge")
        INTERIM = "interim_suspension", _("decision before the interim suspension lapses")
        APPEAL = "appeal", _("appeal")
        APPEAL_HEARING = "appeal_hearing", _("hearing and decision of the appeal")
        REFERRAL = "referral", _("referral of the appeal decision")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        MET = "met", _("met")
        MISSED = "missed", _("missed")

    # Made by the act that starts the clock; none is made by every entry of its act.
    recorded_by: ClassVar[tuple[str, ...]] = ()
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = (
        "deliver_charge", "schedule_hearing", "interim_suspension", "warn_member", "suspend_member",
        "expel_member", "file_appeal", "refer_appeal", "decide_appeal", "schedule_appeal_hearing",
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")  # whose duty; none: the member's
    due_on = models.DateField()  # the last day
    article = models.CharField(max_length=40)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    opened_on = models.DateField()
    warned_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)
    missed_entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["open", "met", "missed"]), name="deadline_state_valid"),
            models.CheckConstraint(condition=Q(state="open") | Q(closed_on__isnull=False), name="deadline_closed_has_date"),
            models.UniqueConstraint(fields=["case", "kind"], condition=Q(state="open"), name="one_open_deadline_per_kind"),
        ]

    @property
    def members_duty(self) -> bool:
        return self.body_id is None
