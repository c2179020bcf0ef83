"""The progress fragment the page that started an operation polls (htmx, every two seconds, until
the operation ends), and the file an operation made."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from charter.progress import beacon
from charter.progress.kinds import kind_of
from charter.progress.models import Operation
from charter.progress.permissions import get_operation_for, may_see


@never_cache
@login_required
def operation(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation_for(request.user, pk)
    return render(request, "progress/operation.html", context(op))


@login_required
def output(request: HttpRequest, pk: int) -> HttpResponse:
    op = get_operation_for(request.user, pk)
    if op.state != op.State.DONE or op.output is None:
        raise Http404
    response = HttpResponse(
        bytes(op.output), content_type=op.output_type or "application/octet-stream"
    )
    response["Content-Disposition"] = f'inline; filename="{op.output_name or "output"}"'
    return response


def context(op):  # type: ignore[no-untyped-def]
    op = beacon.overlay(op)  # inside an act, the figures its row will say when the act commits
    kind = kind_of(op)
    return {
        "op": op,
        "label": kind.label if kind is not None else op.kind,
        "result_url": kind.result_url(op)
        if kind is not None and op.state == op.State.DONE
        else None,
        "step_label": op.get_step_display() if op.step else "",
    }


@login_required
def operations(request: HttpRequest) -> HttpResponse:
    """The recent long operations this person may follow: theirs, and those of their offices."""
    recent = Operation.objects.select_related("by").order_by("-pk")[:200]
    shown = [context(op) for op in recent if may_see(request.user, op)][:30]
    return render(request, "progress/operations.html", {"shown": shown})
