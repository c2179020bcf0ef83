from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.members.models import Member


class OpenForm(forms.Form):
    what = forms.ChoiceField(label=_("Election of"), required=False)
    meeting = forms.TypedChoiceField(label=_("At the meeting"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, offices: list[tuple[str, str]], meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        what: Any = self.fields["what"]
        what.choices = [("", _("the seats"))] + offices
        meeting: Any = self.fields["meeting"]
        meeting.choices = [("", _("to be named later"))] + [(m.pk, m.choice_label()) for m in meetings]


class NominateForm(forms.Form):
    number = forms.CharField(label=_("Membership number of the candidate"), max_length=40)

    def clean_number(self) -> Member:
        number = self.cleaned_data["number"].strip()
        member = Member.objects.filter(number=number).first()
        if member is None:
            raise forms.ValidationError(_("No member has the number %(n)s.") % {"n": number})
        return member


class AcceptForm(forms.Form):
    statement = forms.CharField(
        label=_("Your acceptance, in writing"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: I accept the nomination and will serve if elected."),
    )


class BallotMeetingForm(forms.Form):
    meeting = forms.TypedChoiceField(label=_("The meeting at which the members vote"), coerce=int)

    def __init__(self, *args: Any, meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting: Any = self.fields["meeting"]
        meeting.choices = [(m.pk, m.choice_label()) for m in meetings]
