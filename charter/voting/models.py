"""Polls: one kernel for every vote a body takes (motions and elections; named, secret or on paper).

Secret ballots are kept apart from who voted (docs/decisions/0006-poll-kernel.md):

* :class:`Participation` says *who* voted (voter, poll, idempotency key, time) and nothing of how;
* :class:`Ballot` says *what* was voted (poll, tracker, weight, vote) and nothing of who or when:
  its primary key is a random UUID, it has no time, and no column refers to a participation.

The roll call of a named poll is a third table, :class:`NamedVote`, written only for named polls.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body


class Poll(models.Model):
    class Method(models.TextChoices):
        YES_NO = "yes_no", _("for, against or abstain")
        APPROVAL = "approval", _("approval: choose any number")
        BLOCK = "block", _("block vote: choose up to the number of seats")
        IRV = "irv", _("instant-runoff (ranked, one seat)")
        SCOTTISH_STV = "scottish-stv", _("single transferable vote, Scottish rules (ranked)")
        MEEK_STV = "meek-stv", _("single transferable vote, Meek (ranked)")
        SCHULZE = "schulze", _("Schulze (ranked)")

    class Mode(models.TextChoices):
        NAMED = "named", _("named vote (roll call)")
        SECRET = "secret", _("secret ballot")
        PAPER = "paper", _("paper ballots or show of hands, entered by tellers")

    class State(models.TextChoices):
        CREATED = "created", _("not yet open")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        PUBLISHED = "published", _("results published")

    RANKED: ClassVar[tuple[str, ...]] = ("irv", "scottish-stv", "meek-stv", "schulze")
    CHOOSE: ClassVar[tuple[str, ...]] = ("approval", "block")

    recorded_by: ClassVar[tuple[str, ...]] = ("create_poll",)
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="polls")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="polls")
    # An election to this body's seats: the rules then fix the method and require a secret ballot.
    seat_body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("question"), max_length=300)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    mode = models.CharField(_("how members vote"), max_length=10, choices=Mode.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CREATED)
    seats = models.PositiveSmallIntegerField(default=1)
    max_choices = models.PositiveSmallIntegerField(default=0)  # choose methods only; 0 otherwise
    created_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set at creation by an app whose poll is not taken among the body's members (a conference's
    # resolution: "conference:<id>"); that app's providers give its voters and runners (rules.py).
    taken_by = models.CharField(max_length=40, blank=True, default="")
    # Fixed at opening: who may vote, by head and by weight.
    electorate = models.PositiveIntegerField(default=0)
    electorate_weight = models.PositiveBigIntegerField(default=0)
    # Fixed at closing: the committed ballot list.
    voters = models.PositiveIntegerField(default=0)
    ballots = models.PositiveIntegerField(default=0)
    ballots_weight = models.PositiveBigIntegerField(default=0)
    ballots_sha256 = models.CharField(max_length=64, blank=True, default="")
    # Fixed at publication: the count of exactly the committed ballots.
    result = models.JSONField(null=True, blank=True)
    result_sha256 = models.CharField(max_length=64, blank=True, default="")
    entry_index = models.BigIntegerField(null=True, blank=True)  # create_poll's entry
    close_entry = models.BigIntegerField(null=True, blank=True)  # the entry that commits the ballots
    publish_entry = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["created", "open", "closed", "published"]), name="poll_state_valid"),
            models.CheckConstraint(condition=Q(mode__in=["named", "secret", "paper"]), name="poll_mode_valid"),
            models.CheckConstraint(condition=Q(method__in=["yes_no", "approval", "block", "irv", "scottish-stv", "meek-stv", "schulze"]), name="poll_method_valid"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="poll_has_a_seat"),
            models.CheckConstraint(condition=Q(state__in=["created", "open"]) | ~Q(ballots_sha256=""), name="poll_closed_has_commitment"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def ranked(self) -> bool:
        return self.method in self.RANKED

    @property
    def choose(self) -> bool:
        return self.method in self.CHOOSE

    @property
    def yes_no(self) -> bool:
        return self.method == self.Method.YES_NO


class PollOption(models.Model):
    """A candidate or choice, numbered from 1 as on the ballot paper."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options", db_index=False)  # the unique (poll, number) index serves
    number = models.PositiveSmallIntegerField()
    label = models.CharField(_("label"), max_length=200)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["poll", "number"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "number"], name="option_number_once"),
            models.UniqueConstraint(fields=["poll", "label"], name="option_label_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class Participation(models.Model):
    """Who voted: one row per voter per poll, enforced by the database. Says nothing of how."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="participations", db_index=False)  # (poll, voter) serves
    voter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=100)
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "voter"], name="one_vote_per_voter")]


class Ballot(models.Model):
    """What was voted. A random key, no time, nothing that points at a participation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="ballot_rows", db_index=False)  # (poll, tracker) serves
    tracker = models.CharField(max_length=40)
    weight = models.PositiveBigIntegerField(default=1)
    vote = models.JSONField()
    batch = models.ForeignKey("PaperBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="ballot_rows")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "tracker"], name="tracker_once_per_poll"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="ballot_weight_positive"),
        ]


class NamedVote(models.Model):
    """The roll call of a named poll: who voted what, open to the members of the body."""

    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="roll_call", db_index=False)
    voter = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    vote = models.JSONField()
    weight = models.PositiveBigIntegerField(default=1)

    class Meta:
        ordering = ["poll", "voter__name"]
        constraints = [models.UniqueConstraint(fields=["poll", "voter"], name="named_vote_once")]


class PaperBatch(models.Model):
    """Ballot papers (or show-of-hands totals) counted in the room and typed in by a teller."""

    recorded_by: ClassVar[tuple[str, ...]] = ("enter_paper_batch",)
    poll = models.ForeignKey(Poll, on_delete=models.PROTECT, related_name="batches", db_index=False)
    number = models.PositiveIntegerField()
    entered_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()
    lines = models.PositiveIntegerField()
    papers = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["poll", "number"]
        constraints = [models.UniqueConstraint(fields=["poll", "number"], name="batch_number_once")]
