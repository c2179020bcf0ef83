from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.meetings.models import Meeting
from charter.money.models import Contribution, DuesBand, Fund


class MemberNumberField(forms.CharField):
    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("label", _("Membership number"))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)


class PaymentForm(forms.Form):
    number = MemberNumberField()
    months = forms.IntegerField(label=_("Months paid"), min_value=1, max_value=120)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12, decimal_places=2)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=100,
        required=False,
        help_text=_(
            "A receipt book number, a bank reference… Kept with the payment, not on the public record."
        ),
    )


class BandForm(forms.Form):
    number = MemberNumberField()
    band = forms.ModelChoiceField(label=_("Dues band"), queryset=DuesBand.objects.none())

    def __init__(self, *args, bands=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["band"].queryset = bands if bands is not None else DuesBand.objects.none()


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement (CSV)"),
        help_text=_(
            "The first line names the columns: a date, an amount and the payment's text. Payments that name a membership number (e.g. WDA-000123) are matched."
        ),
    )


class AssignForm(forms.Form):
    number = MemberNumberField()
    months = forms.IntegerField(
        label=_("Months"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Leave empty to count them from the member's band."),
    )


class FundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Fund.Kind.choices)
    unit = forms.ModelChoiceField(label=_("For"), queryset=None, empty_label=None)  # type: ignore[arg-type]
    title = forms.CharField(label=_("Title"), max_length=200)
    target = forms.DecimalField(
        label=_("Target"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    closes_on = forms.DateField(
        label=_("Closes on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, units=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PledgeForm(forms.Form):
    amount = forms.DecimalField(label=_("I pledge"), min_value=0, max_digits=12, decimal_places=2)


class ContributionForm(forms.Form):
    number = MemberNumberField(
        required=False, help_text=_("A member's number, or leave empty and give a name.")
    )
    payer = forms.CharField(label=_("Received from (name)"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=Contribution.Method.choices)


class BandsDecisionForm(forms.Form):
    """The decision that sets the dues bands, taken by a body at one of its meetings: the meeting,
    the vote and the reasons; the bands themselves are the rows of ``BandRowFormSet``."""

    meeting = forms.ModelChoiceField(label=_("At the meeting"), queryset=Meeting.objects.none())
    votes_yes = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=1_000_000)
    votes_no = forms.IntegerField(label=_("Votes against"), min_value=0, max_value=1_000_000)
    votes_abstain = forms.IntegerField(
        label=_("Abstentions"), min_value=0, max_value=1_000_000, initial=0, required=False
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args, meetings=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = (
            meetings if meetings is not None else Meeting.objects.none()
        )  # type: ignore[attr-defined]
        self.fields["meeting"].label_from_instance = lambda m: m.choice_label(body=True)  # type: ignore[attr-defined]


class BandRowForm(forms.Form):
    name = forms.CharField(label=_("Band"), max_length=80, required=False)
    income_from = forms.DecimalField(
        label=_("Monthly income from"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    income_to = forms.DecimalField(
        label=_("Monthly income up to"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty for the highest band."),
    )
    monthly = forms.DecimalField(
        label=_("Monthly dues"), min_value=0, max_digits=12, decimal_places=2, required=False
    )

    def band(self) -> dict | None:  # type: ignore[type-arg]
        """The row as the action reads a band, or None when left empty."""
        d = self.cleaned_data
        if not any(
            d.get(k) not in (None, "") for k in ("name", "income_from", "income_to", "monthly")
        ):
            return None
        return {
            "name": d.get("name") or "",
            "income_from": d.get("income_from") if d.get("income_from") is not None else "0",
            "income_to": d.get("income_to"),
            "monthly": d.get("monthly") if d.get("monthly") is not None else "",
        }


BandRowFormSet = forms.formset_factory(
    BandRowForm, extra=0, max_num=12, validate_max=True, absolute_max=12
)
