from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.conferences.models import Participant

ATTRIBUTE_LABELS = {"sector": _("Sector or workplace"), "organization": _("Organization"), "gender": _("Gender"), "region": _("Region")}


class AttributesForm(forms.Form):
    """The conference's own questions; the region of a member comes from their branch."""

    def __init__(self, *args: Any, attributes: list[dict[str, str]], skip: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for a in attributes:
            key = str(a.get("key", ""))
            if key and key not in skip:
                self.fields[key] = forms.CharField(label=ATTRIBUTE_LABELS.get(key, a.get("label") or key), max_length=100, required=False)


class ObserverForm(AttributesForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=[(Participant.Category.OBSERVER, _("observer")), (Participant.Category.GUEST, _("guest"))])

    field_order = ["name", "category"]


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Badge code"), max_length=32)


class CommissionDecisionForm(forms.Form):
    text = forms.CharField(label=_("Decision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    votes_yes = forms.IntegerField(label=_("For"), min_value=0)
    votes_no = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    votes_abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, initial=0)
