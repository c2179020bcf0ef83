from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.org.models import Body


class MeasureForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=[("warning", _("Written warning")), ("suspension", _("Suspension")), ("expulsion", _("Expulsion"))])
    body = forms.ModelChoiceField(label=_("Decided by"), queryset=Body.objects.none(), help_text=_("The body whose decision this is."))
    grounds = forms.MultipleChoiceField(label=_("Grounds"), choices=(), widget=forms.CheckboxSelectMultiple, required=False)
    other_ground = forms.CharField(label=_("Other ground"), required=False, help_text=_("Any other reason given, in a word or two."))
    reasons = forms.CharField(label=_("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    meeting = forms.IntegerField(label=_("Meeting number"), required=False, min_value=1)
    votes_yes = forms.IntegerField(label=_("Votes for"), required=False, min_value=0)
    votes_no = forms.IntegerField(label=_("Votes against"), required=False, min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), required=False, min_value=0)
    days = forms.IntegerField(label=_("Length in days (suspension)"), required=False, min_value=1, max_value=3650)

    def __init__(self, *args, bodies=None, grounds=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies if bodies is not None else Body.objects.all()
        self.fields["grounds"].choices = list(grounds)
