from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ConveneForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at (UTC)"), help_text=_("YYYY-MM-DD HH:MM"))
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}))
    urgent = forms.BooleanField(label=_("Urgent meeting"), required=False)
    urgency_reason = forms.CharField(label=_("Reason for urgency"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MotionForm(forms.Form):
    text = forms.CharField(label=_("Motion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    votes_yes = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_no = forms.IntegerField(label=_("Votes against"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0)
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(label=_("Present"), widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, people=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(m.pk), m.name) for m in people]
