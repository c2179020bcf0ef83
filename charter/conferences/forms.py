from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charter.conferences.models import Participant
from charter.members.models import Member

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


def _meeting_choices(meetings: Any) -> list[tuple[int, str]]:
    return [(m.pk, m.choice_label(body=True)) for m in meetings]


class DecisionForm(forms.Form):
    """A body's decision at one of its meetings: the meeting (its body decides), the votes, the
    reasons. The rulebook judges it when the form is sent (who sits on the body, notice, quorum,
    majority)."""

    meeting = forms.TypedChoiceField(label=_("Decided at the meeting"), coerce=int)
    votes_yes = forms.IntegerField(label=_("Votes for"), min_value=0, max_value=1_000_000)
    votes_no = forms.IntegerField(
        label=_("Votes against"), min_value=0, max_value=1_000_000, initial=0
    )
    votes_abstain = forms.IntegerField(
        label=_("Abstentions"), min_value=0, max_value=1_000_000, initial=0
    )
    reasons = forms.CharField(
        label=_("Reasons for the decision"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting: Any = self.fields["meeting"]
        meeting.choices = _meeting_choices(meetings)


class ConveneForm(DecisionForm):
    kind = forms.ChoiceField(
        label=_("Convene"),
        choices=[
            ("conference", _("a National Conference")),
            ("congress", _("the Congress")),
        ],
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    registration_closes_on = forms.DateField(
        label=_("Registration closes"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to keep registration open until the last day."),
    )
    organizers = forms.CharField(
        label=_("Organizers' membership numbers"),
        max_length=2000,
        required=False,
        help_text=_(
            "They run the door, the badges, the observers, the programme and the floor. Separated by spaces or commas; leave empty to organize it yourself."
        ),
    )

    field_order = [
        "kind",
        "title",
        "venue",
        "starts_on",
        "ends_on",
        "registration_closes_on",
        "organizers",
        "meeting",
        "votes_yes",
        "votes_no",
        "votes_abstain",
        "reasons",
    ]

    def clean_organizers(self) -> list[Member]:
        numbers = [n for n in self.cleaned_data["organizers"].replace(",", " ").split() if n]
        found = {m.number: m for m in Member.objects.filter(number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("No member has the number %(n)s.") % {"n": ", ".join(unknown)}
            )
        return [found[n] for n in dict.fromkeys(numbers)]


class CredentialsForm(DecisionForm):
    code = forms.CharField(label=_("Badge code of the participant"), max_length=32)
    accept = forms.TypedChoiceField(
        label=_("The decision"),
        coerce=lambda v: v == "accept",
        choices=[("accept", _("Accept the credentials")), ("reject", _("Reject the credentials"))],
        widget=forms.RadioSelect,
    )

    field_order = ["code", "accept", "reasons", "meeting", "votes_yes", "votes_no", "votes_abstain"]


class DisputeForm(forms.Form):
    code = forms.CharField(label=_("Badge code of the participant"), max_length=32)
    grounds = forms.CharField(
        label=_("Grounds, in writing"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Why these credentials are wrong: the body the rules name reads this when it decides."
        ),
    )


class DelegateBallotForm(forms.Form):
    meeting = forms.TypedChoiceField(label=_("The meeting at which the members vote"), coerce=int)
    candidates = forms.CharField(
        label=_("Candidates' membership numbers"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Members of the branch, separated by spaces or commas."),
    )

    def __init__(self, *args: Any, meetings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting: Any = self.fields["meeting"]
        meeting.choices = _meeting_choices(meetings)

    def clean_candidates(self) -> list[Member]:
        numbers = list(dict.fromkeys(self.cleaned_data["candidates"].replace(",", " ").split()))
        found = {m.number: m for m in Member.objects.filter(number__in=numbers)}
        unknown = [n for n in numbers if n not in found]
        if unknown:
            raise forms.ValidationError(
                _("No member has the number %(n)s.") % {"n": ", ".join(unknown)}
            )
        if not numbers:
            raise forms.ValidationError(_("Name at least one candidate."))
        return [found[n] for n in numbers]


class SeatDelegatesForm(forms.Form):
    poll = forms.TypedChoiceField(label=_("The published ballot"), coerce=int)

    def __init__(self, *args: Any, polls: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        poll: Any = self.fields["poll"]
        poll.choices = [(p.pk, p.title) for p in polls]
