from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.http import require_POST

from charter.initiatives import actions
from charter.initiatives.forms import AnswerForm, StartForm
from charter.initiatives.fulfilment import decide_initiative_item, open_investigation
from charter.initiatives.permissions import get_initiative_for
from charter.initiatives.queries import (
    answer_meetings,
    kind_names,
    open_initiatives,
    recently_fulfilled,
    view_of,
)
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.members import permissions
from charter.org.models import Body
from charter.rulebook import initiatives as R
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.refusal import translated_breaches
from charter.rulebook.store import rulebook_on

STEP_NAMES = {
    R.START: N_("start an initiative"), R.SIGN: N_("sign an initiative"), R.WITHDRAW: N_("withdraw a signature"),
    R.STOP: N_("stop a document's circulation"), R.ALTER: N_("change a document's text"),
}


def refused(request: HttpRequest, refusal: Refused) -> HttpResponse:
    name = STEP_NAMES.get(refusal.verdict.act, refusal.verdict.act)
    context = {"breaches": translated_breaches(refusal), "act_name": _(name), "entry_index": refusal.entry_index}
    return render(request, "refused.html", context, status=403)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    permissions.member_of(request.user)
    names = kind_names(rulebook_on(clock.today()))
    rows = list(open_initiatives()[:200])
    done = recently_fulfilled()
    for row in rows + done:
        row.kind_name = names.get(row.kind, row.kind)  # type: ignore[attr-defined]
    return render(request, "initiatives/index.html", {"rows": rows, "done": done})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative, viewer = get_initiative_for(request.user, pk)
    v = view_of(initiative, viewer)
    meetings = answer_meetings(v, viewer)
    form = AnswerForm(meetings=meetings) if meetings is not None else None
    return render(request, "initiatives/detail.html", {"v": v, "answer_form": form})


ANSWERS = {"recorded_vote": decide_initiative_item, "investigation_opened": open_investigation}


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The body addressed records its decision: the item decided, or the investigation opened."""
    initiative, viewer = get_initiative_for(request.user, pk)
    v = view_of(initiative, viewer)
    meetings = answer_meetings(v, viewer)
    if meetings is None or initiative.addressed_to is None:
        return HttpResponseForbidden(_("Only a member of the body addressed can record its decision."))
    form = AnswerForm(request.POST, meetings=meetings)
    if not form.is_valid():
        return render(request, "initiatives/detail.html", {"v": v, "answer_form": form}, status=400)
    d = form.cleaned_data
    votes = J.Votes(d["votes_yes"], d["votes_no"], d["votes_abstain"] or 0)
    decision = Decision(by=viewer, body=initiative.addressed_to, meeting=d["meeting"], votes=votes, reasons=d["reasons"])
    try:
        ANSWERS[v.fulfilled_by](initiative, decision=decision)
    except Refused as refusal:
        if refusal.outcome == "lost":
            messages.info(request, _("The motion was lost: the obligation stays open."))
            return redirect("initiatives:detail", initiative.pk)
        return refused(request, refusal)
    messages.success(request, _("The decision was recorded; the obligation is fulfilled."))
    return redirect("initiatives:detail", initiative.pk)


@login_required
def count(request: HttpRequest, pk: int) -> HttpResponse:
    """The count, for the page to poll (htmx); the page works without it."""
    initiative, viewer = get_initiative_for(request.user, pk)
    return render(request, "initiatives/_count.html", {"v": view_of(initiative, viewer)})


@login_required
def start(request: HttpRequest) -> HttpResponse:
    viewer = permissions.member_of(request.user)
    rb = rulebook_on(clock.today())
    kinds = [(str(i["key"]), f"{i['name']} ({_('article')} {i['article']})") for i in rb.initiatives]
    bodies = Body.objects.filter(unit_id__in=viewer.branch.ancestor_ids).select_related("unit").order_by("unit__path", "kind")
    form = StartForm(request.POST or None, kinds=kinds, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            initiative = actions.start_initiative(by=viewer, kind=d["kind"], title=d["title"], text=d["text"], addressed_to=d["addressed_to"])
        except Refused as refusal:
            return refused(request, refusal)
        except InvalidInput as exc:
            form.add_error("text", str(exc))
        else:
            messages.success(request, _("Your initiative is open for signatures. Sign it yourself to count."))
            return redirect("initiatives:detail", initiative.pk)
    return render(request, "initiatives/start.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    initiative, viewer = get_initiative_for(request.user, pk)
    try:
        actions.sign_initiative(initiative, by=viewer)
    except Refused as refusal:
        return refused(request, refusal)
    messages.success(request, _("You have signed. Your signature is counted once."))
    return redirect("initiatives:detail", initiative.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    initiative, viewer = get_initiative_for(request.user, pk)
    try:
        actions.withdraw_signature(initiative, by=viewer)
    except Refused as refusal:
        return refused(request, refusal)
    messages.success(request, _("Your signature is withdrawn."))
    return redirect("initiatives:detail", initiative.pk)
