from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
