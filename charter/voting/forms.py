from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.lib.errors import InvalidInput
from charter.voting import content
from charter.voting.models import Poll


class PollForm(forms.Form):
    title = forms.CharField(label=_("Question"), max_length=300)
    method = forms.ChoiceField(label=_("How the vote is counted"), choices=Poll.Method.choices)
    mode = forms.ChoiceField(label=_("How members vote"), choices=Poll.Mode.choices, initial=Poll.Mode.SECRET)
    options = forms.CharField(label=_("Candidates or choices, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 5}), help_text=_("Leave empty for a vote for, against or abstaining."))
    seats = forms.IntegerField(label=_("Seats to fill"), min_value=1, max_value=1000, initial=1)
    max_choices = forms.IntegerField(label=_("Most choices on one ballot (approval, block vote)"), min_value=1, max_value=200, required=False)
    meeting = forms.TypedChoiceField(label=_("Taken at the meeting"), coerce=int, required=False, empty_value=None)
    seat_body = forms.TypedChoiceField(label=_("An election to"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, meetings: Any = (), seat_bodies: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting_field: Any = self.fields["meeting"]
        meeting_field.choices = [("", _("not at a meeting"))] + [(m.pk, m.choice_label()) for m in meetings]
        seat_field: Any = self.fields["seat_body"]
        seat_field.choices = [("", _("not an election"))] + [(b.pk, b.name) for b in seat_bodies]

    def option_lines(self) -> list[str]:
        return [ln.strip() for ln in self.cleaned_data.get("options", "").splitlines() if ln.strip()]


class BallotForm(forms.Form):
    """A ballot: radio buttons, checkboxes, or a number box beside each candidate. ``vote`` in
    ``cleaned_data`` is what ``cast_vote`` takes."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args: Any, poll: Poll, options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.poll = poll
        self.options = options
        if poll.yes_no:
            self.fields["vote"] = forms.ChoiceField(label=_("Your vote"), widget=forms.RadioSelect, choices=[("yes", _("For")), ("no", _("Against")), ("abstain", _("Abstain"))])
        elif poll.choose:
            self.fields["choices"] = forms.TypedMultipleChoiceField(label=_("Your choices"), coerce=int, widget=forms.CheckboxSelectMultiple, choices=[(o.number, o.label) for o in options])
        else:
            for o in options:
                self.fields[f"rank_{o.number}"] = forms.CharField(
                    label=o.label, required=False, max_length=3,
                    widget=forms.NumberInput(attrs={"min": 1, "max": len(options), "inputmode": "numeric", "class": "rank"}),
                )

    def rank_fields(self) -> list[Any]:
        return [self[f"rank_{o.number}"] for o in self.options]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.poll.yes_no:
            data["vote"] = data.get("vote")
        elif self.poll.choose:
            data["vote"] = data.get("choices") or []
        else:
            try:
                data["vote"] = content.ranking_from_marks({o.number: data.get(f"rank_{o.number}", "") for o in self.options}, len(self.options))
            except InvalidInput as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


class TotalsForm(forms.Form):
    yes = forms.IntegerField(label=_("For"), min_value=0, initial=0)
    no = forms.IntegerField(label=_("Against"), min_value=0, initial=0)
    abstain = forms.IntegerField(label=_("Abstaining"), min_value=0, initial=0)


class BatchForm(forms.Form):
    lines = forms.CharField(
        label=_("Papers, one line per group of identical papers"), widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("Number of papers, a colon, then the option numbers as marked (in order of preference on a ranked ballot): \"12: 3 1 2\". \"4:\" alone is four blank or spoilt papers."),
    )
