"""The voter's ballot, the chair's console, the tellers' entry, the result with its count sheet and
the ballot list. Every change goes through ``voting.actions``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from charter.lib import clock
from charter.lib.dates import breach_message
from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.org.models import Body
from charter.progress import background
from charter.progress.permissions import shown_on_page
from charter.rulebook.enforce import Refused
from charter.rulebook.refusal import attempt, render_refusal
from charter.rulebook.store import rulebook_on
from charter.voting import actions, content, live, queries, rules, tally, tasks
from charter.voting.forms import BallotForm, BatchForm, PollForm, TotalsForm
from charter.voting.models import Poll
from charter.voting.permissions import get_body_for, get_poll_for, on_body


@login_required
def body_polls(request: HttpRequest, body_pk: int) -> HttpResponse:
    body, _member, sits = get_body_for(request.user, body_pk)
    polls = Poll.objects.filter(body=body)
    if not sits:
        polls = polls.filter(state=Poll.State.PUBLISHED)
    return render(request, "voting/body_polls.html", {"body": body, "polls": polls[:100], "on_body": sits})


@login_required
def new(request: HttpRequest, body_pk: int) -> HttpResponse:
    body, member, _sits = get_body_for(request.user, body_pk)
    rb = rulebook_on(clock.today())
    kinds = [b["key"] for b in rb.bodies if b.get("elected_by") == body.kind]
    kinds += [body.kind] if any(o.get("elected_by") == body.kind for o in rb.offices) else []
    meetings = Meeting.objects.filter(body=body, state=Meeting.State.HELD).order_by("-starts_at")[:20]
    form = PollForm(request.POST or None, meetings=meetings, seat_bodies=Body.objects.filter(kind__in=kinds, unit=body.unit))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            poll = actions.create_poll(
                body, by=member, title=d["title"], method=d["method"], mode=d["mode"], options=form.option_lines(),
                seats=d["seats"], max_choices=d["max_choices"], meeting=Meeting.objects.filter(pk=d["meeting"], body=body).first() if d["meeting"] else None,
                seat_body=Body.objects.filter(pk=d["seat_body"]).first() if d["seat_body"] else None,
            )
        except Refused as refusal:
            return render_refusal(request, refusal)
        except InvalidInput as exc:
            form.add_error(None, str(exc))  # it may concern the options, the seats or the method
        else:
            messages.success(request, _("The poll was created. Open it when the members are ready to vote."))
            return redirect("voting:console", poll.pk)
    return render(request, "voting/new.html", {"form": form, "body": body})


@never_cache
@login_required
def poll_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The voter's page: the ballot while the poll is open, or whether they have voted."""
    poll, member = get_poll_for(request.user, pk, published=True)
    options = list(poll.options.all())
    form = BallotForm(poll=poll, options=options, initial={"key": secrets.token_urlsafe(16)})
    return render(request, "voting/poll.html", _ballot_context(poll, member, form, options))


def _ballot_context(poll: Poll, member: Any, form: BallotForm, options: list[Any]) -> dict[str, Any]:
    today = clock.today()
    when = queries.voted_at(poll, member)
    reasons = [] if when or poll.state != Poll.State.OPEN or poll.mode == Poll.Mode.PAPER else rules.voter_breaches(poll, member, rulebook_on(today), today)
    summary = queries.result_summary(poll) if poll.state == Poll.State.PUBLISHED else None
    return {"poll": poll, "form": form, "options": options, "voted_at": when, "turnout": queries.turnout(poll), "summary": summary, "cannot_vote": [{"article": b.article, "message": breach_message(b)} for b in reasons]}


@never_cache
@require_POST
@login_required
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    poll, member = get_poll_for(request.user, pk)
    options = list(poll.options.all())
    form = BallotForm(request.POST, poll=poll, options=options)
    if form.is_valid():
        try:
            receipt = actions.cast_vote(poll, voter=member, vote=form.cleaned_data["vote"], idempotency_key=form.cleaned_data["key"])
        except Refused as refusal:
            return render_refusal(request, refusal)
        except actions.AlreadyVoted as exc:
            messages.info(request, str(exc))
            return redirect("voting:poll", poll.pk)
        except InvalidInput as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "voting/voted.html", {"poll": poll, "receipt": receipt, "tracker_groups": _groups(receipt.tracker)})
    return render(request, "voting/poll.html", _ballot_context(poll, member, form, options), status=400)


def _groups(tracker: str | None) -> list[str]:
    return [tracker[i : i + 4] for i in range(0, len(tracker), 4)] if tracker else []


@login_required
def console(request: HttpRequest, pk: int) -> HttpResponse:
    poll, _member = get_poll_for(request.user, pk)
    return render(request, "voting/console.html", {"poll": poll, "turnout": queries.turnout(poll), "options": poll.options.all(), "batches": poll.batches.all(), "reload_on_change": True,
                                                   "operation": shown_on_page(request, tasks.KIND, poll.pk)})


@never_cache
@login_required
def turnout(request: HttpRequest, pk: int) -> HttpResponse:
    poll, _member = get_poll_for(request.user, pk)
    return render(request, "voting/_turnout.html", {"poll": poll, "turnout": queries.turnout(poll)})


@login_required
async def live_stream(request: HttpRequest, pk: int) -> HttpResponse:
    """The poll's live state as server-sent events (``voting.live``), to whoever may see its page."""
    poll_id = await sync_to_async(live.poll_for_stream)(await request.auser(), pk)
    response = StreamingHttpResponse(live.events(poll_id), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@never_cache
@login_required
def hall(request: HttpRequest, pk: int) -> HttpResponse:
    """The hall screen: the question, the turnout as it rises, then the result."""
    poll, _member = get_poll_for(request.user, pk, published=True)
    summary = queries.result_summary(poll) if poll.state == Poll.State.PUBLISHED else None
    return render(request, "voting/hall.html", {"poll": poll, "turnout": queries.turnout(poll), "summary": summary})


STEPS: dict[str, tuple[Callable[..., Poll], str]] = {
    "open": (actions.open_poll, N_("The poll is open: members can vote now.")),
    "close": (actions.close_poll, N_("The poll is closed. The ballot list is committed on the public record.")),
    "publish": (actions.publish_poll, N_("The result is published.")),
    "secret": (actions.require_secret_ballot, N_("This vote will be taken by secret ballot.")),
}


@require_POST
@login_required
def step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    poll, member = get_poll_for(request.user, pk)
    act, done = STEPS.get(name, (None, ""))
    if act is None:
        return redirect("voting:console", poll.pk)
    if name == "publish" and poll.state == Poll.State.CLOSED:
        # The count of a large election takes a while: the worker counts; the console shows how far.
        op = background.start(tasks.KIND, by=request.user, subject_id=poll.pk, task=tasks.publish_in_background, args=(poll.pk, member.pk))
        return redirect(f"{reverse('voting:console', args=[poll.pk])}?operation={op.pk}")
    try:
        act(poll, by=member)
    except Refused as refusal:
        return render_refusal(request, refusal)
    except InvalidInput as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _(done))
    return redirect("voting:poll" if name == "secret" else "voting:console", poll.pk)


@login_required
def paper(request: HttpRequest, pk: int) -> HttpResponse:
    poll, member = get_poll_for(request.user, pk)
    form: TotalsForm | BatchForm = TotalsForm(request.POST or None) if poll.yes_no else BatchForm(request.POST or None)
    options = list(poll.options.all())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        field = "yes" if poll.yes_no else "lines"

        def enter() -> Any:
            lines = content.totals_lines(d["yes"], d["no"], d["abstain"]) if poll.yes_no else content.batch_lines(poll, d["lines"], len(options))
            return actions.enter_paper_batch(poll, by=member, lines=lines)

        batch, refused = attempt(request, form, field, enter)
        if refused:
            return refused
        if batch is not None:
            messages.success(request, _("Batch %(n)s entered: %(papers)s papers.") % {"n": batch.number, "papers": batch.papers})
            return redirect("voting:paper", poll.pk)
    return render(request, "voting/paper.html", {"poll": poll, "form": form, "options": options, "batches": poll.batches.all(), "turnout": queries.turnout(poll)})


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    poll, member = get_poll_for(request.user, pk, published=True)
    if poll.state != Poll.State.PUBLISHED:
        return render(request, "voting/not_yet.html", {"poll": poll}, status=404)
    result = poll.result or {}
    totals = result.get("totals") or {}
    weight = sum(totals.values()) if poll.yes_no else 0
    labels = {o.number: o.label for o in poll.options.all()}
    return render(request, "voting/results.html", {
        "poll": poll, "result": result, "elected": queries.elected(poll),
        "yes_no": [(label, totals.get(k, 0), queries.percent(totals.get(k, 0), weight)) for k, label in (("yes", _("For")), ("no", _("Against")), ("abstain", _("Abstaining")))] if poll.yes_no else [],
        "choose": queries.choose_table(poll) if poll.choose else [], "sheet": queries.stage_table(poll),
        "ranking": result.get("ranking"), "pairwise": _matrix(result.get("pairwise")),
        "roll_call": [(v.voter.name, queries.vote_words(poll, v.vote, labels), v.weight) for v in queries.roll_call(poll)] if poll.mode == Poll.Mode.NAMED and on_body(poll.body, member) else None,
    })


def _matrix(pairwise: dict[str, dict[str, int]] | None) -> dict[str, Any] | None:
    if not pairwise:
        return None
    names = list(pairwise)
    return {"names": names, "rows": [(a, [None if a == b else pairwise[a].get(b) for b in names]) for a in names]}


@login_required
def ballots(request: HttpRequest, pk: int) -> HttpResponse:
    poll, _member = get_poll_for(request.user, pk, published=True)
    if poll.state != Poll.State.PUBLISHED:
        return render(request, "voting/not_yet.html", {"poll": poll}, status=404)
    labels = {o.number: o.label for o in poll.options.all()}
    rows = [(b["tracker"], queries.vote_words(poll, b["vote"], labels), b["weight"]) for b in queries.committed_ballots(poll)]
    return render(request, "voting/ballots.html", {"poll": poll, "rows": rows})


@login_required
def ballots_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The committed list, byte for byte: its SHA-256 is the ``ballots_sha256`` of the close entry."""
    poll, _member = get_poll_for(request.user, pk, published=True)
    if poll.state != Poll.State.PUBLISHED:
        return HttpResponse(_("The ballot list is published with the result."), status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(queries.ballot_list_bytes(poll), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}-ballots.json"'
    return response


@login_required
def ballots_blt(request: HttpRequest, pk: int) -> HttpResponse:
    """A ranked poll's committed ballots as BLT, for any counting program (and ``charter count``)."""
    poll, _member = get_poll_for(request.user, pk, published=True)
    if poll.state != Poll.State.PUBLISHED or not poll.ranked:
        return HttpResponse(_("Only the ballots of a published ranked poll are given as BLT."), status=404, content_type="text/plain; charset=utf-8")
    labels = list(poll.options.order_by("number").values_list("label", flat=True))
    text = tally.to_blt(labels, poll.seats, queries.committed_ballots(poll), poll.title)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}.blt"'
    return response

