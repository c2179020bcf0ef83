"""Money: the dues bands a body sets, each member's band, bank statements imported and reviewed,
collections and fund appeals with their pledges and receipted contributions.

Dues payments themselves stay in ``members.DuesPayment`` (they move ``dues_paid_until``); the
accounts (``queries.py``) add them up beside the contributions.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from charter.members.models import DuesPayment, Member
from charter.org.models import Unit


class DuesBand(models.Model):
    """One band of income with its monthly dues, as set by a decision (``set_dues_bands``). A new
    decision replaces the whole set: the old bands get ``until``."""

    recorded_by: ClassVar[tuple[str, ...]] = ("set_dues_bands",)

    name = models.CharField(_("band"), max_length=80)
    income_from = models.DecimalField(_("monthly income from"), max_digits=12, decimal_places=2)
    income_to = models.DecimalField(
        _("monthly income up to"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    monthly = models.DecimalField(_("monthly dues"), max_digits=12, decimal_places=2)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["income_from", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly__gt=0), name="band_dues_positive"),
            models.CheckConstraint(
                condition=Q(income_to__isnull=True) | Q(income_to__gt=models.F("income_from")),
                name="band_income_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BandAssignment(models.Model):
    """A member placed in a band from a day on; the latest one is the member's band."""

    recorded_by: ClassVar[tuple[str, ...]] = ("assign_dues_band",)

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="bands")
    band = models.ForeignKey(DuesBand, on_delete=models.PROTECT, related_name="assignments")
    since = models.DateField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["since", "id"]


class StatementImport(models.Model):
    """A bank statement a treasurer imported: its rows, each matched, for review, or settled."""

    recorded_by: ClassVar[tuple[str, ...]] = ("import_bank_statement",)

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField()
    filename = models.CharField(max_length=200, blank=True, default="")
    sha256 = models.CharField(max_length=64)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-imported_at", "-id"]


class StatementRow(models.Model):
    class State(models.TextChoices):
        MATCHED = "matched", _("matched")
        REVIEW = "review", _("to review")
        ASSIGNED = "assigned", _("assigned")
        DISCARDED = "discarded", _("discarded")

    class Why(models.TextChoices):
        NONE = "", ""
        UNMATCHED = "unmatched", _("no membership number found")
        AMBIGUOUS = "ambiguous", _("more than one member named")
        OUTSIDE = "outside", _("a member outside your unit")
        NO_BAND = "no_band", _("the member has no dues band")
        SHORT = "short", _("less than a month's dues")
        NOT_A_CREDIT = "debit", _("not a payment in")

    recorded_by: ClassVar[tuple[str, ...]] = ("import_bank_statement",)

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField()
    booked_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    text = models.CharField(max_length=300, blank=True, default="")
    state = models.CharField(max_length=12, choices=State.choices)
    why = models.CharField(max_length=12, choices=Why.choices, blank=True, default="")
    candidates = models.JSONField(default=list, blank=True)  # member ids named in the text
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payment = models.OneToOneField(
        DuesPayment, null=True, blank=True, on_delete=models.SET_NULL, related_name="statement_row"
    )
    settled_entry_index = models.BigIntegerField(null=True, blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["statement", "line"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["matched", "review", "assigned", "discarded"]),
                name="statement_row_state_valid",
            ),
            models.UniqueConstraint(fields=["statement", "line"], name="statement_row_once"),
        ]


class Fund(models.Model):
    """A collection (taken at a meeting or an event) or a fund appeal (a fighting fund, with pledges)."""

    class Kind(models.TextChoices):
        COLLECTION = "collection", _("collection")
        APPEAL = "appeal", _("fund appeal")

    recorded_by: ClassVar[tuple[str, ...]] = ("open_fund",)

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="funds")
    title = models.CharField(_("title"), max_length=200)
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    opened_on = models.DateField()
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    conference = models.ForeignKey(
        "conferences.Conference",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
        verbose_name=_("conference"),
    )
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["collection", "appeal"]), name="fund_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gt=0), name="fund_target_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Pledge(models.Model):
    recorded_by: ClassVar[tuple[str, ...]] = ("pledge_to_fund",)

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="pledges")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="pledges")
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    pledged_on = models.DateField()
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["pledged_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="pledge_positive")]


class Contribution(models.Model):
    """Money received into a fund, with its receipt. ``unit`` is the payer's unit (the member's
    branch), or the unit where it was collected."""

    class Method(models.TextChoices):
        CASH = "cash", _("cash")
        TRANSFER = "transfer", _("bank transfer")

    recorded_by: ClassVar[tuple[str, ...]] = ("receive_contribution",)

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="contributions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="contributions"
    )
    payer = models.CharField(_("received from"), max_length=200, blank=True, default="")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    received_on = models.DateField()
    received_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    receipt_number = models.CharField(max_length=32, unique=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_positive"),
            models.CheckConstraint(
                condition=Q(method__in=["cash", "transfer"]), name="contribution_method_valid"
            ),
        ]
