from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from charter.discipline import actions
from charter.discipline.forms import MeasureForm
from charter.lib import clock
from charter.meetings.models import Meeting
from charter.members import permissions
from charter.org.models import Body
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.refusal import attempt, render_refusal
from charter.rulebook.store import rulebook_on


@login_required
def decide_measure(request: HttpRequest, member_pk: int) -> HttpResponse:
    """Record a disciplinary decision. Anyone who can see the member may try; the rules judge."""
    actor = permissions.member_of(request.user)
    member = permissions.get_member_for(request.user, member_pk)
    rb = rulebook_on(clock.today())
    ancestors = member.branch.ancestor_ids
    bodies = Body.objects.filter(Q(unit_id__in=ancestors)).select_related("unit").order_by("unit__path", "kind")
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
