"""Conferences and congresses: who registered (with or without vote), the programme of days,
sessions and items, and the commissions that meet in parallel."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.members.models import Member
from charter.org.models import Body


class Conference(models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("conference")
        CONGRESS = "congress", _("congress")

    class State(models.TextChoices):
        CONVENED = "convened", _("convened")
        OPEN = "open", _("in session")
        CLOSED = "closed", _("closed")

    recorded_by: ClassVar[tuple[str, ...]] = ("convene_conference", "convene_congress")
    # A congress is a meeting of the congress body; a conference belongs to the body that convened it.
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    venue = models.CharField(_("venue"), max_length=200, blank=True, default="")
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    registration_closes_on = models.DateField(_("registration closes"), null=True, blank=True)
    # The attributes asked at registration and reported on: [{"key": "sector", "label": "Sector or workplace"}, …]
    attributes = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CONVENED)
    entry_index = models.BigIntegerField(null=True, blank=True)
    # Named by the decision that convened it: they register observers, set the programme, check people in.
    organizers = models.ManyToManyField(Member, blank=True, related_name="+")
    meeting_id_ref = models.BigIntegerField(null=True, blank=True)  # the meeting that convened it

    class Meta:
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="conference_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    class Category(models.TextChoices):
        DELEGATE = "delegate", _("delegate")
        MEMBER = "member", _("member")
        OBSERVER = "observer", _("observer")
        GUEST = "guest", _("guest")

    class Credentials(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        DISPUTED = "disputed", _("disputed")
        REJECTED = "rejected", _("rejected")

    recorded_by: ClassVar[tuple[str, ...]] = ("register_for_conference", "register_observer")
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = ("elect_delegate",)
    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="participants"
    )
    # Members register as themselves; observers and guests may be people outside the register.
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    has_vote = models.BooleanField(default=False)
    # Answers to the conference's attributes: {"sector": "steel", "gender": "woman", "region": "North"}.
    attributes = models.JSONField(default=dict, blank=True)
    # The code on the badge (QR and typed at check-in).
    code = models.CharField(max_length=16, unique=True)
    registered_at = models.DateTimeField()
    entry_index = models.BigIntegerField(null=True, blank=True)
    credentials = models.CharField(
        max_length=10, choices=Credentials.choices, default=Credentials.ACCEPTED
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "member"],
                condition=Q(member__isnull=False),
                name="participant_once_per_conference",
            ),
            models.CheckConstraint(
                condition=~Q(category__in=["observer", "guest"]) | Q(has_vote=False),
                name="participant_observers_without_vote",
            ),
            models.CheckConstraint(
                condition=Q(credentials__in=["accepted", "disputed", "rejected"]),
                name="participant_credentials_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Commission(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="commissions")
    name = models.CharField(_("name"), max_length=200)
    chair = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(Participant, blank=True, related_name="commissions")
    # Where its decisions go as recommendations (the rulebook names the body, e.g. the CC).
    recommends_to = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="sessions")
    # A commission's session runs in parallel with others; a plenary session has none.
    commission = models.ForeignKey(
        Commission, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions"
    )
    day = models.DateField(_("day"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    ends_at = models.TimeField(_("ends at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["day", "starts_at", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Item(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("to come")
        CURRENT = "current", _("now")
        DONE = "done", _("done")

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=200)
    # Who leads off: a participant, or a name (a guest speaker not registered).
    lead_off = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_off_name = models.CharField(_("lead-off"), max_length=200, blank=True, default="")
    minutes = models.PositiveSmallIntegerField(_("time (minutes)"), default=0)
    # The time each speaker from the floor has on this item.
    speaking_seconds = models.PositiveSmallIntegerField(_("speaking time (seconds)"), default=180)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)

    class Meta:
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], name="item_number_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return self.title


class DelegateAllocation(models.Model):
    """How many delegates a unit elects to a congress: the rulebook's rule applied to its members
    in good standing on the day the congress was convened."""

    recorded_by: ClassVar[tuple[str, ...]] = ("convene_congress",)
    conference = models.ForeignKey(Conference, on_delete=models.PROTECT, related_name="allocations")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    members_in_good_standing = models.PositiveIntegerField()
    delegates = models.PositiveIntegerField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["conference", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "unit"], name="allocation_once_per_unit"),
        ]


class CheckIn(models.Model):
    """A participant present on a day: once per participant per day, however often scanned."""

    recorded_by: ClassVar[tuple[str, ...]] = ("check_in_participant",)
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="check_ins")
    day = models.DateField(_("day"))
    checked_in_at = models.DateTimeField()
    by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["day", "checked_in_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "day"], name="check_in_once_per_day"),
        ]


class CredentialDispute(models.Model):
    """A participant with a vote disputes another's credentials, in writing, with grounds. The
    credentials are then in question until the body the rules name decides; the vote is kept
    meanwhile (a delegate is seated until a decision unseats them)."""

    recorded_by: ClassVar[tuple[str, ...]] = ("dispute_credentials",)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="credential_disputes"
    )
    raised_by = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("grounds"))
    raised_at = models.DateTimeField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]


class CredentialDecision(models.Model):
    """A dispute over a participant's credentials, decided by the body the rules name."""

    recorded_by: ClassVar[tuple[str, ...]] = ("decide_credentials",)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="credential_decisions"
    )
    accepted = models.BooleanField()
    decided_at = models.DateTimeField()
    meeting_id_ref = models.BigIntegerField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]


class CommissionDecision(models.Model):
    """A numbered decision of a commission: a recommendation to the body the rules name."""

    recorded_by: ClassVar[tuple[str, ...]] = ("decide_in_commission",)
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("decision"))
    votes_yes = models.PositiveIntegerField(default=0)
    votes_no = models.PositiveIntegerField(default=0)
    votes_abstain = models.PositiveIntegerField(default=0)
    recommends_to = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["commission", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["commission", "number"], name="commission_decision_number_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commission} {self.number}"
