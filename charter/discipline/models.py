"""Disciplinary cases and the measures decided in them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.members.models import Member
from charter.org.models import Body


class Case(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="cases")
    framed_by = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    grounds = models.JSONField(default=list)
    facts = models.TextField()
    opened_on = models.DateField()
    charge_delivered_on = models.DateField(null=True, blank=True)
    replied_on = models.DateField(null=True, blank=True)
    hearing_offered = models.BooleanField(default=False)
    closed_on = models.DateField(null=True, blank=True)
    bringers = models.ManyToManyField(Member, related_name="charges_brought", blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)


class Measure(models.Model):
    class Kind(models.TextChoices):
        WARNING = "warning", _("written warning")
        SUSPENSION = "suspension", _("suspension")
        EXPULSION = "expulsion", _("expulsion")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="measures")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="measures")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    decided_by = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grounds = models.JSONField(default=list)
    reasons = models.TextField()
    decided_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(kind__in=["warning", "suspension", "expulsion"]), name="measure_kind_valid")]
