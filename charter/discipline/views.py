from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charter.discipline import actions, permissions, queries, rules, steps
from charter.discipline.forms import ChargeForm, MeasureForm
from charter.discipline.models import Case
from charter.lib import clock
from charter.meetings.models import Meeting
from charter.members import permissions as member_permissions
from charter.members.models import Member
from charter.org.models import Body, Mandate
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.refusal import attempt, render_refusal
from charter.rulebook.store import rulebook_on


def _in_language(viewer: Member, draw: Any) -> HttpResponse:
    """Case pages speak the viewer's own language."""
    with translation.override(viewer.language or "en"):
        response: HttpResponse = draw()
    return response


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    viewer = member_permissions.member_of(request.user)
    return _in_language(viewer, lambda: render(request, "discipline/list.html", {"cases": permissions.visible_cases(viewer)}))


def _page(request: HttpRequest, access: permissions.Access, bound: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    rb = rulebook_on(clock.today())
    offered = steps.available(access)
    for step in offered:
        if bound and step.key in bound:
            step.form = bound[step.key]
    extra = [steps.Step(k, k, None, "", f) for k, f in (bound or {}).items() if k not in {s.key for s in offered}]
    context = {
        "case": access.case, "member": access.case.member, "roles": access.roles, "own": permissions.CONCERNED in access.roles,
        "steps": offered + extra, "file": queries.case_file(access.case, rb), "appeal": rules.appeal_rules(rb),
        "charge_article": rules.charge_article(rb), "hearing_article": rules.hearing_article(rb), "companion": rules.companion_allowed(rb),
        "today": clock.today(),
    }
    return _in_language(access.viewer, lambda: render(request, "discipline/case.html", context, status=status))


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, permissions.get_case_for(request.user, pk))


@login_required
@require_POST
def step(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One step of the case: bind its form, call its action, show the refusal or the case again."""
    access = permissions.get_case_for(request.user, pk)
    if key not in steps.KEYS:
        raise Http404
    form = steps.form_for(key, access, request.POST)
    if not form.is_valid():
        return _page(request, access, {key: form}, status=400)
    try:
        done, refused = attempt(request, form, "__all__", steps.call_for(key, access, form.cleaned_data))
    except Refused as lost:  # the vote fell short: the body decided, and decided no
        return render_refusal(request, lost)
    if refused is not None:
        return refused
    if done is None:
        return _page(request, access, {key: form}, status=400)
    messages.success(request, _("Done. It is on the record, and those concerned have been told."))
    return redirect("discipline:case", access.case.pk)


def _charge_form(request: HttpRequest, viewer: Member, member: Member) -> ChargeForm:
    rb = rulebook_on(clock.today())
    sits = Mandate.objects.current().filter(member=viewer, suspended=False)
    bodies = Body.objects.filter(pk__in=sits.values("body_id"), unit_id__in=member.branch.ancestor_ids).select_related("unit")
    offices = [(o, str(rb.office(o)["name"])) for o in rules.office_deciders(rb, "frame_charge") if sits.filter(office=o).exists()]
    grounds = [(g["key"], f"{g.get('label', '')} {g['name']}".strip()) for g in rb.grounds]
    deciders = Body.objects.filter(pk__in=[b.pk for b in queries.deciding_bodies(rb, member)])
    return ChargeForm(request.POST or None, bodies=bodies, offices=offices, grounds=grounds, deciders=deciders)


@login_required
def frame(request: HttpRequest, member_pk: int) -> HttpResponse:
    """Frame a charge against a member the viewer may look up; the rules judge the rest."""
    viewer = member_permissions.member_of(request.user)
    member = member_permissions.get_member_for(request.user, member_pk)
    form = _charge_form(request, viewer, member)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        bringers = list(Member.objects.filter(number__in=[n.strip() for n in d["bringers"].split(",") if n.strip()]))
        decision = Decision(by=viewer, body=d["body"]) if d["body"] else None
        call = lambda: actions.frame_charge(member, grounds=d["grounds"], facts=d["facts"], evidence=d["evidence"], decision=decision, by=viewer, office=d["office"], bringers=bringers, deciding_body=d["deciding_body"])  # noqa: E731
        done, refused = attempt(request, form, "__all__", call)
        if refused:
            return refused
        if isinstance(done, Case):
            messages.success(request, _("The charge was framed. Deliver it to the member in writing from the case page."))
            return redirect("discipline:case", done.pk)
    return render(request, "discipline/frame.html", {"form": form, "member": member}, status=400 if form.errors else 200)


@login_required
def decide_measure(request: HttpRequest, member_pk: int) -> HttpResponse:
    """Record a disciplinary decision outside any case. Anyone who can see the member may try; the
    rules judge (and, without a charge delivered, refuse)."""
    actor = member_permissions.member_of(request.user)
    member = member_permissions.get_member_for(request.user, member_pk)
    rb = rulebook_on(clock.today())
    bodies = Body.objects.filter(Q(unit_id__in=member.branch.ancestor_ids)).select_related("unit").order_by("unit__path", "kind")
    grounds = [(g["key"], f"{g.get('label', '')} {g['name']}".strip()) for g in rb.grounds]
    form = MeasureForm(request.POST or None, bodies=bodies, grounds=grounds)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = list(d["grounds"]) + ([d["other_ground"].strip().lower()] if d["other_ground"].strip() else [])
        meeting = Meeting.objects.filter(pk=d["meeting"], body=d["body"]).first() if d["meeting"] else None
        votes = J.Votes(d["votes_yes"] or 0, d["votes_no"] or 0, d["votes_abstain"] or 0) if d["votes_yes"] is not None else None
        decision = Decision(by=actor, body=d["body"], meeting=meeting, votes=votes, reasons=d["reasons"])
        try:
            done, refused = attempt(request, form, "measure", lambda: actions.decide_measure(member, measure=d["measure"], grounds=chosen, days=d["days"], decision=decision))
        except Refused as lost:
            refused = render_refusal(request, lost)
            done = None
        if refused:
            return refused
        if done is not None:
            messages.success(request, _("The decision was recorded and delivered to the member."))
            return redirect("members:detail", member.pk)
    return render(request, "discipline/measure.html", {"form": form, "member": member})
