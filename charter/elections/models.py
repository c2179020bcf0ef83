"""Elections: the seats (or the office) to be filled, the candidates, who nominated them.

An election runs: nominations open → nominations closed (the eligibility check fixes who stands) →
the ballot (a poll of the kernel, secret, counted by the rules' method) → its result published →
the winners seated. Each step is an act of ``elections.actions``.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body
from charter.voting.models import Poll


class Election(models.Model):
    class State(models.TextChoices):
        NOMINATIONS = "nominations", _("nominations open")
        CLOSED = "closed", _("nominations closed")
        BALLOT = "ballot", _("ballot")
        SEATED = "seated", _("winners seated")

    recorded_by: ClassVar[tuple[str, ...]] = ("open_nominations",)
    # The body whose seats are filled; for an office, the body the office belongs to.
    seat_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="elections")
    office = models.CharField(max_length=60, blank=True, default="")
    electing_body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveSmallIntegerField()
    by_election = models.BooleanField(default=False)  # only the vacant seats, the others still held
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="elections")
    state = models.CharField(max_length=12, choices=State.choices, default=State.NOMINATIONS)
    opened_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    poll = models.OneToOneField(Poll, null=True, blank=True, on_delete=models.PROTECT, related_name="election")
    seated_at = models.DateTimeField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)  # open_nominations' entry

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["nominations", "closed", "ballot", "seated"]), name="election_state_valid"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="election_has_a_seat"),
            models.CheckConstraint(condition=Q(office="") | Q(seats=1), name="office_election_one_seat"),
            models.CheckConstraint(condition=Q(state__in=["nominations", "closed"]) | Q(poll__isnull=False), name="election_ballot_has_poll"),
        ]

    def __str__(self) -> str:
        return f"{self.office or 'seats'} of {self.seat_body}"

    @property
    def stage(self) -> str:
        """Where the election stands, including the poll's own state once there is a ballot."""
        if self.state == self.State.BALLOT and self.poll is not None and self.poll.state == Poll.State.PUBLISHED:
            return "result"
        return str(self.state)


class Candidacy(models.Model):
    """A member nominated in an election; standing once accepted in writing and found eligible."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="candidacies", db_index=False)  # (election, member) serves
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="candidacies")
    accepted_at = models.DateTimeField(null=True, blank=True)
    acceptance_sha256 = models.CharField(max_length=64, blank=True, default="")  # the written acceptance, by its hash
    acceptance = models.TextField(blank=True, default="")
    accept_entry = models.BigIntegerField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Fixed when nominations close: on the ballot or not, and why not (the articles).
    eligible = models.BooleanField(null=True)
    ineligible_articles = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["election", "member__name"]
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="one_candidacy_per_election")]

    def __str__(self) -> str:
        return f"{self.member} in {self.election}"

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None and self.withdrawn_at is None


class Nomination(models.Model):
    """One member of the electing body nominating a candidate (the first, or a seconder)."""

    recorded_by: ClassVar[tuple[str, ...]] = ("nominate_candidate",)
    candidacy = models.ForeignKey(Candidacy, on_delete=models.PROTECT, related_name="nominations", db_index=False)
    nominator = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    nominated_at = models.DateTimeField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["candidacy", "nominated_at"]
        constraints = [models.UniqueConstraint(fields=["candidacy", "nominator"], name="nominate_once")]
