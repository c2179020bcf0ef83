from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.meetings.models import Meeting
from charter.org.models import Body

TEXT = {"rows": 5}


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

    def __init__(self, *args: Any, bodies: Any = None, grounds: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies if bodies is not None else Body.objects.all()  # type: ignore[attr-defined]
        self.fields["grounds"].choices = list(grounds)  # type: ignore[attr-defined]


class ChargeForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Framed by"), queryset=Body.objects.none(), required=False, help_text=_("The body whose decision this charge is."))
    office = forms.ChoiceField(label=_("Or, alone, as"), choices=(), required=False, help_text=_("An office the rules let frame a charge alone."))
    grounds = forms.MultipleChoiceField(label=_("Grounds"), choices=(), widget=forms.CheckboxSelectMultiple, required=False)
    facts = forms.CharField(label=_("Facts relied on"), widget=forms.Textarea(attrs=TEXT), required=False)
    evidence = forms.CharField(label=_("Evidence"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deciding_body = forms.ModelChoiceField(label=_("Heard and decided by"), queryset=Body.objects.none(), required=False)
    bringers = forms.CharField(label=_("Other members bringing the charge"), required=False, help_text=_("Their membership numbers, separated by commas. They will take no part in the decision."))

    def __init__(self, *args: Any, bodies: Any, offices: list[tuple[str, str]], grounds: list[tuple[str, str]], deciders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies  # type: ignore[attr-defined]
        self.fields["office"].choices = [("", "—"), *offices]  # type: ignore[attr-defined]
        self.fields["grounds"].choices = grounds  # type: ignore[attr-defined]
        self.fields["deciding_body"].queryset = deciders  # type: ignore[attr-defined]


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), widget=forms.Textarea(attrs=TEXT), max_length=50000)
    evidence = forms.CharField(label=_("Evidence you rely on (optional)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=50000)


class CompanionForm(forms.Form):
    hearing = forms.IntegerField(widget=forms.HiddenInput)
    companion = forms.CharField(label=_("The person who will come with you"), max_length=200)


class StatementForm(forms.Form):
    statement = forms.CharField(label=_("Why, in writing"), widget=forms.Textarea(attrs=TEXT), max_length=50000)


class EmptyForm(forms.Form):
    """A step with nothing to fill in (delivering the charge)."""


class InterimForm(forms.Form):
    days = forms.IntegerField(label=_("For how many days"), min_value=1, max_value=3650, required=False)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MeetingForm(forms.Form):
    meeting: forms.ModelChoiceField = forms.ModelChoiceField(label=_("At the meeting"), queryset=Meeting.objects.none())

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]


class RecusalForm(forms.Form):
    member = forms.ChoiceField(label=_("Member who stands aside"), choices=())
    body = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = people  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    hearing = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.CharField(label=_("Minutes of the hearing"), widget=forms.Textarea(attrs=TEXT), max_length=100000)


class VoteForm(forms.Form):
    """A decision of a body at one of its meetings: the vote, who took part, the reasons."""

    meeting: forms.ModelChoiceField = forms.ModelChoiceField(label=_("At the meeting"), queryset=Meeting.objects.none())
    votes_yes = forms.IntegerField(label=_("Votes for"), min_value=0)
    votes_no = forms.IntegerField(label=_("Votes against"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, initial=0)
    taking_part = forms.MultipleChoiceField(label=_("Members who took part"), choices=(), widget=forms.CheckboxSelectMultiple, required=False,
                                            help_text=_("Leave empty for everyone present with a vote. Those who brought the charge or stand aside must not take part."))
    reasons = forms.CharField(label=_("Grounds of the decision, in writing"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, meetings: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["taking_part"].choices = people  # type: ignore[attr-defined]


class DecideForm(VoteForm):
    measure = forms.ChoiceField(label=_("Measure"), choices=[("warning", _("Written warning")), ("suspension", _("Suspension")), ("expulsion", _("Expulsion"))])
    days = forms.IntegerField(label=_("Length in days (suspension)"), required=False, min_value=1, max_value=3650)
    grounds = forms.MultipleChoiceField(label=_("Grounds"), choices=(), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, grounds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = grounds  # type: ignore[attr-defined]


class AppealDecisionForm(VoteForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=())
    measure = forms.ChoiceField(label=_("Reduced to"), choices=[("", "—"), ("warning", _("Written warning")), ("suspension", _("Suspension"))], required=False)
    days = forms.IntegerField(label=_("Length in days (suspension)"), required=False, min_value=1, max_value=3650)

    def __init__(self, *args: Any, outcomes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = outcomes  # type: ignore[attr-defined]
