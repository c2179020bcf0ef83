"""Units (the tree whose levels come from the rulebook), bodies attached to units, and mandates:
the seats and offices people hold on bodies, with how and until when."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.lib import clock


class UnitQuerySet(models.QuerySet["Unit"]):
    def active(self) -> UnitQuerySet:
        return self.filter(dissolved_on__isnull=True)

    def within(self, unit: Unit) -> UnitQuerySet:
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    level = models.CharField(_("level"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # "/1/4/17/": the ids from the top unit down to this one. Subtree = path startswith.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    created_on = models.DateField()
    dissolved_on = models.DateField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("created_on")), name="unit_dissolved_after_created"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.path.strip("/").split("/") if p)

    def ancestors(self) -> list[Unit]:
        ids = self.ancestor_ids
        units = {u.id: u for u in Unit.objects.filter(id__in=ids)}
        return [units[i] for i in ids if i in units]


class Body(models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="bodies")
    name = models.CharField(_("name"), max_length=200)
    # The number of seats when the rulebook lets a body fix it within a range (e.g. 5 to 9).
    seats = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "unit"], name="one_body_of_a_kind_per_unit")]

    def __str__(self) -> str:
        return self.name


class MandateQuerySet(models.QuerySet["Mandate"]):
    def current(self, on: dt.date | None = None) -> MandateQuerySet:
        """Held on ``on`` (today by default): not ended, and the term has not run out."""
        on = on or clock.today()
        return self.filter(ended_on__isnull=True, starts_on__lte=on).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))

    def seats(self) -> MandateQuerySet:
        return self.filter(office="")

    def offices(self) -> MandateQuerySet:
        return self.exclude(office="")


class Mandate(models.Model):
    """A seat on a body (office == "") or an office of a body, held by a member for a term."""

    class FilledBy(models.TextChoices):
        ELECTED = "elected", _("elected")
        CO_OPTED = "co_opted", _("co-opted")
        APPOINTED = "appointed", _("appointed")

    recorded_by: ClassVar[tuple[str, ...]] = ("seat_founder", "elect_to_seat", "co_opt_to_seat", "appoint_to_seat", "elect_officer")
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = ("elect_delegate",)  # a delegate's seat on the congress
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="mandates")
    office = models.CharField(max_length=60, blank=True, default="")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="mandates")
    filled_by = models.CharField(max_length=20, choices=FilledBy.choices)
    decided_by = models.ForeignKey(Body, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    meeting_id_ref = models.BigIntegerField(null=True, blank=True, help_text="the meeting that decided it")
    starts_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=40, blank=True, default="")
    suspended = models.BooleanField(default=False)
    entry_index = models.BigIntegerField(null=True, blank=True)  # the record entry that filled it

    objects = MandateQuerySet.as_manager()

    class Meta:
        ordering = ["body", "office", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(filled_by__in=["elected", "co_opted", "appointed"]), name="mandate_filled_by_valid"),
            models.UniqueConstraint(fields=["body", "office", "member"], condition=Q(ended_on__isnull=True), name="one_current_mandate_per_post"),
            models.UniqueConstraint(fields=["body", "office"], condition=Q(ended_on__isnull=True) & ~Q(office=""), name="one_holder_per_office"),
        ]

    def __str__(self) -> str:
        return f"{self.office or 'seat'} on {self.body}"


class Organization(models.Model):
    """One row: the organization this Charter runs, and its founding period.

    While founding is open (set-up, or migrating a register kept on paper), founders may be enrolled
    and seated; every such act is on the record. Closing the founding hands everything to the rules.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    name = models.CharField(max_length=200)
    founded_on = models.DateField()
    founding_closed_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="single_organization")]

    def __str__(self) -> str:
        return self.name
