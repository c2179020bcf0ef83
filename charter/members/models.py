"""People and their membership: status with its dated history, branch with its transfers, dues."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.org.models import Unit


class Status(models.TextChoices):
    APPLICANT = "applicant", _("applicant")
    MEMBER = "member", _("member")
    LAPSED = "lapsed", _("lapsed")
    SUSPENDED = "suspended", _("suspended")
    EXPELLED = "expelled", _("expelled")
    RESIGNED = "resigned", _("resigned")
    REFUSED = "refused", _("refused")


def subtract_months(day: dt.date, months: int) -> dt.date:
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class MemberQuerySet(models.QuerySet["Member"]):
    def current(self) -> MemberQuerySet:
        """Members on the register now: members and suspended members."""
        return self.filter(status__in=[Status.MEMBER, Status.SUSPENDED])

    def in_good_standing(self, on: dt.date, max_arrears_months: int) -> MemberQuerySet:
        cutoff = subtract_months(on, max_arrears_months + 1)
        return self.filter(status=Status.MEMBER, dues_paid_until__gt=cutoff)

    def within(self, unit: Unit) -> MemberQuerySet:
        return self.filter(branch__path__startswith=unit.path)


class Member(models.Model):
    number = models.CharField(_("membership number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=32, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    language = models.CharField(_("language"), max_length=8, default="en")
    branch = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.APPLICANT)
    status_since = models.DateField()
    applied_on = models.DateField()
    joined_on = models.DateField(null=True, blank=True)
    dues_paid_until = models.DateField(null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="member")

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["branch", "status", "dues_paid_until"]),
            models.Index(fields=["status", "dues_paid_until"]),
            # Arrears per branch in one range of one index (the dashboard's figure of dues in arrears).
            models.Index(fields=["status", "dues_paid_until", "branch"], name="member_arrears_by_branch"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=[s.value for s in Status]), name="member_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class StatusChange(models.Model):
    # Acts whose entries made these rows (``charter record reconcile`` checks both ways).
    recorded_by: ClassVar[tuple[str, ...]] = (
        "enrol_founder", "apply_for_membership", "admit_member", "refuse_admission", "lapse_member",
        "reinstate_member", "resign_membership", "suspend_member", "expel_member", "import_members",
    )
    # Discipline changes a status only in some cases (an interim suspension replaced by a warning…).
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = (
        "warn_member", "interim_suspension", "lapse_interim_suspension", "end_suspension", "decide_appeal", "decide_referral",
    )

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_history")
    on = models.DateField()
    status_from = models.CharField(max_length=20, blank=True, default="")
    status_to = models.CharField(max_length=20, choices=Status.choices)
    reason = models.CharField(max_length=300, blank=True, default="")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["on", "id"]

    def get_status_from_display(self) -> str:
        """The status before, in the reader's language ("" for none), as ``get_status_to_display``."""
        return str(Status(self.status_from).label) if self.status_from in Status.values else self.status_from


class Transfer(models.Model):
    recorded_by: ClassVar[tuple[str, ...]] = ("transfer_member",)
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = ("merge_units",)  # a merger moves the members it finds

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers")
    on = models.DateField()
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.CheckConstraint(condition=~Q(from_unit=models.F("to_unit")), name="transfer_changes_unit")]


class DuesPayment(models.Model):
    # A payment recorded by hand, or found in an imported bank statement (matched there, or
    # assigned by the treasurer on review); the import's entry makes the matched rows.
    recorded_by: ClassVar[tuple[str, ...]] = ("record_dues_payment", "assign_statement_row")
    recorded_sometimes_by: ClassVar[tuple[str, ...]] = ("import_bank_statement",)

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField()
    months = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    reference = models.CharField(max_length=100, blank=True, default="")
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(months__gte=1), name="payment_covers_a_month")]
