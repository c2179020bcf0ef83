"""The elections of a body, one election (nominations, candidates, acceptance, the ballot, seating)
and its result with the count sheet and the chart of the stages. Every change goes through
``elections.actions``; the ballot itself is run on the poll's own pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charter.elections import actions, queries
from charter.elections.forms import AcceptForm, BallotMeetingForm, NominateForm, OpenForm
from charter.elections.models import Election
from charter.elections.permissions import get_candidacy_for, get_election_for, get_seat_body_for
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.rulebook.enforce import Refused
from charter.rulebook.refusal import render_refusal
from charter.rulebook.store import rulebook_on
from charter.voting import queries as poll_queries
from charter.voting.models import Poll


def _meetings(body: Any, *, held: bool) -> Any:
    meetings = Meeting.objects.filter(body=body).exclude(state=Meeting.State.CANCELLED)
    if held:
        return meetings.filter(state=Meeting.State.HELD).order_by("-starts_at")[:20]
    return meetings.filter(starts_at__gte=clock.now()).order_by("starts_at")[:20]


def _open_form(body: Any, rb: Any, data: Any = None) -> OpenForm | None:
    """The form to open nominations, when the rules elect to the body's seats or offices."""
    offices = [(o["key"], o["name"]) for o in rb.offices if o["body"] == body.kind and o.get("elected_by")]
    if not (rb.body(body.kind).get("elected_by") or offices):
        return None
    try:
        elector = actions.electing_body(body, "", rb) if rb.body(body.kind).get("elected_by") else body
    except InvalidInput:
        elector = body
    return OpenForm(data, offices=offices, meetings=_meetings(elector, held=False))


def _named(elections: Any, rb: Any) -> list[Any]:
    """The elections, each with its office's name in the rules (``office_name``; "" for seats)."""
    out = list(elections)
    for election in out:
        election.office_name = rb.office_name(election.office)
    return out


@login_required
def body_elections(request: HttpRequest, body_pk: int) -> HttpResponse:
    body, _member = get_seat_body_for(request.user, body_pk)
    rb = rulebook_on(clock.today())
    return render(request, "elections/body.html", {
        "body": body, "seats": queries.seats_and_vacancies(body, rb) if rb.body(body.kind).get("seats") else None,
        "elections": _named(queries.elections_of(body)[:50], rb), "form": _open_form(body, rb),
    })


@require_POST
@login_required
def open_nominations(request: HttpRequest, body_pk: int) -> HttpResponse:
    body, member = get_seat_body_for(request.user, body_pk)
    rb = rulebook_on(clock.today())
    form = _open_form(body, rb, request.POST)
    if form is None:
        messages.error(request, _("Choose what is to be elected, and a meeting from the list."))
        return redirect("elections:body", body.pk)
    if not form.is_valid():  # said next to the field, with what was chosen kept
        return render(request, "elections/body.html", {
            "body": body, "seats": queries.seats_and_vacancies(body, rb) if rb.body(body.kind).get("seats") else None,
            "elections": queries.elections_of(body)[:50], "form": form,
        }, status=400)
    d = form.cleaned_data
    meeting = Meeting.objects.filter(pk=d["meeting"]).first() if d["meeting"] else None
    try:
        election = actions.open_nominations(body, by=member, office=d["what"], meeting=meeting)
    except Refused as refusal:
        return render_refusal(request, refusal)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("elections:body", body.pk)
    messages.success(request, _("Nominations are open."))
    return redirect("elections:election", election.pk)


@login_required
def election(request: HttpRequest, pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    return render(request, "elections/election.html", _context(el, member))


def _context(el: Election, member: Any, **forms: Any) -> dict[str, Any]:
    rb = rulebook_on(clock.today())
    cands = queries.candidates(el)
    mine = next((c for c in cands if c.member_id == member.pk), None)
    return {
        "election": el, "what": actions.what_is_elected(el, rb), "candidates": cands, "mine": mine,
        "need": int(rb.section("elections").get("nominators", 0)), "elector": queries.on_electing_body(el, member, rb),
        "nominate_form": forms.get("nominate_form") or NominateForm(), "accept_form": forms.get("accept_form") or AcceptForm(),
        "ballot_form": (forms.get("ballot_form") or BallotMeetingForm(meetings=_meetings(el.electing_body, held=True))) if el.state == Election.State.CLOSED else None,
        "published": el.poll is not None and el.poll.state == Poll.State.PUBLISHED,
    }


def _step(request: HttpRequest, el: Election, call: Callable[[], Any], done: str) -> HttpResponse:
    try:
        call()
    except Refused as refusal:
        return render_refusal(request, refusal)
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("elections:election", el.pk)


@require_POST
@login_required
def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    form = NominateForm(request.POST)
    if not form.is_valid():
        return render(request, "elections/election.html", _context(el, member, nominate_form=form), status=400)
    return _step(request, el, lambda: actions.nominate(el, candidate=form.cleaned_data["number"], by=member), _("Your nomination is recorded."))


@require_POST
@login_required
def second(request: HttpRequest, pk: int, candidacy_pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    candidacy = get_candidacy_for(request.user, el, candidacy_pk)
    return _step(request, el, lambda: actions.nominate(el, candidate=candidacy.member, by=member), _("Your nomination is recorded."))


@require_POST
@login_required
def accept(request: HttpRequest, pk: int, candidacy_pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    candidacy = get_candidacy_for(request.user, el, candidacy_pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        return render(request, "elections/election.html", _context(el, member, accept_form=form), status=400)
    return _step(request, el, lambda: actions.accept_nomination(candidacy, by=member, statement=form.cleaned_data["statement"]), _("You have accepted the nomination."))


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int, candidacy_pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    candidacy = get_candidacy_for(request.user, el, candidacy_pk)
    return _step(request, el, lambda: actions.withdraw_candidacy(candidacy, by=member), _("You have withdrawn."))


@require_POST
@login_required
def close(request: HttpRequest, pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    return _step(request, el, lambda: actions.close_nominations(el, by=member), _("Nominations are closed; the candidates who stand are listed."))


@require_POST
@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    return _step(request, el, lambda: actions.reopen_nominations(el, by=member), _("Nominations are open again."))


@require_POST
@login_required
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    form = BallotMeetingForm(request.POST, meetings=_meetings(el.electing_body, held=True))
    if not form.is_valid():
        told = _("Choose a meeting of the %(body)s at which attendance has been recorded.") % {"body": el.electing_body.name}
        if el.state != Election.State.CLOSED:  # no ballot form on the page yet: say it above
            messages.error(request, told)
            return redirect("elections:election", el.pk)
        form.add_error("meeting", told)  # said next to the field
        return render(request, "elections/election.html", _context(el, member, ballot_form=form), status=400)
    meeting = Meeting.objects.get(pk=form.cleaned_data["meeting"])
    return _step(request, el, lambda: actions.put_to_ballot(el, by=member, meeting=meeting), _("The ballot is ready: open it from the vote's console."))


@require_POST
@login_required
def seat(request: HttpRequest, pk: int) -> HttpResponse:
    el, member = get_election_for(request.user, pk)
    return _step(request, el, lambda: actions.seat_winners(el, by=member), _("The winners have taken their seats."))


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    el, _member = get_election_for(request.user, pk)
    poll = el.poll
    if poll is None or poll.state != Poll.State.PUBLISHED:
        return render(request, "elections/not_yet.html", {"election": el}, status=404)
    return render(request, "elections/results.html", {
        "election": el, "poll": poll, "what": actions.what_is_elected(el, rulebook_on(clock.today())), "elected": poll_queries.elected(poll),
        "sheet": poll_queries.stage_table(poll), "chart": queries.stage_chart(poll), "result": poll.result or {},
    })
