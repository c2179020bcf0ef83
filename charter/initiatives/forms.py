from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.initiatives.actions import TEXT_MAX, TITLE_MAX
from charter.meetings.models import Meeting
from charter.org.models import Body


class StartForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the members require"), choices=())
    addressed_to = forms.ModelChoiceField(
        label=_("Addressed to"), queryset=Body.objects.none(), required=False,
        help_text=_("The body this is addressed to. For a document, leave empty to address all members."),
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    text = forms.CharField(label=_("Text"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 10}),
                           help_text=_("Sent unaltered; its SHA-256 goes on the public record, so anyone can check it was not changed."))

    def __init__(self, *args, kinds=(), bodies=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds)
        self.fields["addressed_to"].queryset = bodies if bodies is not None else Body.objects.none()


class AnswerForm(forms.Form):
    """The body addressed records its decision on the initiative, taken at one of its meetings."""

    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=Meeting.objects.none())
    votes_yes = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_no = forms.IntegerField(label=_("Votes against"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, meetings=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings if meetings is not None else Meeting.objects.none()
