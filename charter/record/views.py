from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from charter.record.models import Entry, LogState
from charter.record.words import content, describe


def entry_list(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.order_by("-index")
    outcome = request.GET.get("outcome", "")
    if outcome in ("done", "refused", "lost"):
        entries = entries.filter(outcome=outcome)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(e, describe(e)) for e in page.object_list]
    return render(request, "record/list.html", {"page": page, "rows": rows, "state": LogState.objects.filter(id=1).first(), "outcome": outcome})


def entry_detail(request: HttpRequest, index: int) -> HttpResponse:
    entry = Entry.objects.filter(index=index).first()
    if entry is None:
        raise Http404
    data = content(entry)
    return render(request, "record/entry.html", {"entry": entry, "words": describe(entry), "data": data, "breaches": (data.get("detail") or {}).get("breaches", [])})


def public_log(request: HttpRequest) -> HttpResponse:
    """The whole public log as JSON Lines, for anyone to keep and check a copy."""
    start = int(request.GET.get("start", "0") or 0)
    rows = Entry.objects.filter(index__gte=max(start, 0)).order_by("index").values_list("index", "body", "leaf_hash")[:10000]
    lines = [f'{{"index":{i},"leaf_hash":"{h}","entry":{b}}}' for i, b, h in rows]
    return HttpResponse("\n".join(lines) + ("\n" if lines else ""), content_type="application/jsonl; charset=utf-8")


def tree_head(request: HttpRequest) -> JsonResponse:
    state = LogState.objects.filter(id=1).first()
    return JsonResponse({"size": state.size if state else 0, "root": state.root if state else None})
