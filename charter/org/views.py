from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from charter.lib import clock
from charter.meetings.models import Meeting
from charter.org.models import Body, Unit
from charter.org.queries import seats_of_body, subtree_counts
from charter.rulebook import rosters
from charter.rulebook.store import rulebook_on


def unit_top(request: HttpRequest) -> HttpResponse:
    top = Unit.objects.filter(parent=None).first()
    if top is None:
        raise Http404("No organization yet.")
    return unit(request, top.pk)


def unit(request: HttpRequest, pk: int) -> HttpResponse:
    u = get_object_or_404(Unit, pk=pk)
    today = clock.today()
    rb = rulebook_on(today)
    counts = subtree_counts(u, today, rosters.max_arrears(rb))
    level = rb.level(u.level)
    return render(request, "org/unit.html", {
        "unit": u, "level": level, "ancestors": u.ancestors()[:-1], "counts": counts,
        "bodies": u.bodies.all(), "child_level": _child_level(rb, u.level),
    })


def _child_level(rb, key: str) -> str:  # type: ignore[no-untyped-def]
    keys = [lvl["key"] for lvl in rb.levels]
    i = keys.index(key)
    return str(rb.levels[i + 1]["name"]) if i + 1 < len(keys) else ""


def body(request: HttpRequest, pk: int) -> HttpResponse:
    b = get_object_or_404(Body.objects.select_related("unit"), pk=pk)
    today = clock.today()
    rb = rulebook_on(today)
    spec = rb.body(b.kind)
    viewer = getattr(request.user, "member", None) if request.user.is_authenticated else None
    seats = seats_of_body(b)
    for seat in seats:
        seat.office_name = rb.office_name(seat.office)
    on_body = viewer is not None and rosters.roster(b, today, rb).filter(pk=viewer.pk).exists()
    return render(request, "org/body.html", {
        "body": b, "spec": spec, "seats": seats, "seats_total": rosters.seats_total(b, rb) if spec.get("seats") else None,
        "meetings": Meeting.objects.filter(body=b).order_by("-starts_at")[:24], "on_body": on_body,
        "roster_size": rosters.roster(b, today, rb).count() if spec["roster"] not in ("seats", "delegates") else len([s for s in seats if not s.office]),
    })


