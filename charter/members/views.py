from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from charter.lib import clock
from charter.members import permissions
from charter.members.queries import standing_of
from charter.notices.models import Notice
from charter.org.models import Mandate
from charter.record import blocks, checkpoints
from charter.record import log as record
from charter.record.words import describe
from charter.rulebook.store import rulebook_on


@login_required
def home(request: HttpRequest) -> HttpResponse:
    member = permissions.member_of(request.user)
    return _profile(request, member, own=True)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.get_member_for(request.user, pk)
    return _profile(request, member, own=member.user_id == request.user.pk)


def _profile(request: HttpRequest, member, own: bool) -> HttpResponse:  # type: ignore[no-untyped-def]
    today = clock.today()
    rb = rulebook_on(today)
    offices = {o["key"]: o["name"] for o in rb.offices}
    current = list(Mandate.objects.current(today).filter(member=member).select_related("body"))
    past = list(Mandate.objects.filter(member=member).exclude(pk__in=[m.pk for m in current]).select_related("body").order_by("-starts_on")[:30])
    for m in current + past:
        m.office_name = offices.get(m.office, m.office)  # type: ignore[attr-defined]
    about = [(e, describe(e)) for e in blocks.fill(record.entries_about(member, role="subject")[:30])]
    recorded = [(e, describe(e)) for e in blocks.fill(record.entries_about(member, role="actor")[:10])]
    notices = Notice.objects.filter(member=member, channel="inbox")[:10] if own else []
    return render(request, "members/home.html", {
        "member": member, "own": own, "standing": standing_of(member, clock.today()),
        "current": current, "past": past, "entries": about, "recorded": recorded, "notices": notices,
        "history": member.status_history.all()[:50], "transfers": member.transfers.select_related("from_unit", "to_unit")[:20],
    })


@login_required
def receipts(request: HttpRequest) -> HttpResponse:
    """Every record entry about me, with its proof: each receipt one click away, or all in one file."""
    member = permissions.member_of(request.user)
    entries = blocks.fill(record.entries_about(member))
    head = checkpoints.latest()
    if request.GET.get("download") == "all":
        bundle = [r for r in (checkpoints.receipt(e) for e in entries) if r is not None]
        response = JsonResponse({"key": checkpoints.verifier_key(), "receipts": bundle}, json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="receipts-{member.number}.json"'
        return response
    rows = [(e, describe(e), head is not None and head.size > e.index) for e in entries]
    return render(request, "members/receipts.html", {"member": member, "rows": rows, "head": head})
