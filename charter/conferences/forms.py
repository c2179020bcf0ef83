from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.conferences.models import Participant

ATTRIBUTE_LABELS = {
    "sector": _("Sector or workplace"),
    "organization": _("Organization"),
    "gender": _("Gender"),
    "region": _("Region"),
}


class AttributesForm(forms.Form):
    """The conference's own questions; the region of a member comes from their branch."""

    def __init__(
        self,
        *args: Any,
        attributes: list[dict[str, str]],
        skip: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for a in attributes:
            key = str(a.get("key", ""))
            if key and key not in skip:
                self.fields[key] = forms.CharField(
                    label=ATTRIBUTE_LABELS.get(key, a.get("label") or key),
                    max_length=100,
                    required=False,
                )


class ObserverForm(AttributesForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[
            (Participant.Category.OBSERVER, _("observer")),
            (Participant.Category.GUEST, _("guest")),
        ],
    )

    field_order = ["name", "category"]


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class CommissionDecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    votes_yes = forms.IntegerField(label=_("For"), min_value=0)
    votes_no = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    votes_abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, initial=0)


class SessionForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.TimeField(
        label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    commission = forms.ModelChoiceField(
        label=_("Commission (for a parallel session)"), queryset=None, required=False
    )

    def __init__(self, *args: Any, commissions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commission"].queryset = commissions  # type: ignore[attr-defined]


class ItemForm(forms.Form):
    session = forms.ModelChoiceField(label=_("Session"), queryset=None)
    title = forms.CharField(label=_("Item"), max_length=200)
    lead_off_name = forms.CharField(label=_("Who leads off"), max_length=200, required=False)
    minutes = forms.IntegerField(label=_("Time (minutes)"), min_value=0, max_value=600, initial=0)
    speaking_seconds = forms.IntegerField(
        label=_("Speaking time from the floor (seconds)"), min_value=10, max_value=3600, initial=180
    )

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]


class CommissionForm(forms.Form):
    name = forms.CharField(label=_("Commission"), max_length=200)
    chair_code = forms.CharField(label=_("Badge code of its chair"), max_length=32, required=False)
    member_codes = forms.CharField(
        label=_("Badge codes of its members"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Separated by spaces, commas or new lines."),
    )
