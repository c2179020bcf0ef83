from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from charter.lib import dates
from charter.lib.errors import InvalidInput
from charter.record import blocks, checkpoints, proofs
from charter.record.models import Checkpoint, Entry, LogState
from charter.record.words import content, describe


def entry_list(request: HttpRequest) -> HttpResponse:
    entries = Entry.objects.order_by("-index")
    outcome = request.GET.get("outcome", "")
    if outcome in ("done", "refused", "lost"):
        entries = entries.filter(outcome=outcome)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(e, describe(e)) for e in blocks.fill(page.object_list)]
    head = checkpoints.latest()
    return render(request, "record/list.html", {
        "page": page, "rows": rows, "state": LogState.objects.filter(id=1).first(), "outcome": outcome,
        "head": head, "signed_at": _signed_at(head) if head else "",
    })


def _signed_at(head: Checkpoint) -> str:
    """When the checkpoint was signed, as its note says, in the reader's language."""
    stamp = checkpoints.signed_time(head)
    try:
        return dates.moment(dt.datetime.fromisoformat(stamp))
    except ValueError:  # not a time: shown as the note has it
        return stamp


def entry_detail(request: HttpRequest, index: int) -> HttpResponse:
    entry = Entry.objects.filter(index=index).first()
    if entry is None:
        raise Http404
    entry = blocks.fill([entry])[0]
    data = content(entry)
    head = checkpoints.latest()
    return render(request, "record/entry.html", {
        "entry": entry, "words": describe(entry), "data": data, "breaches": (data.get("detail") or {}).get("breaches", []),
        "head": head, "proved": checkpoints.proved(entry),
    })


def _count(request: HttpRequest, name: str, default: int | None = None) -> int:
    raw = request.GET.get(name, "")
    if raw == "" and default is not None:
        return default
    if not raw.isdigit() or len(raw) > 19:
        raise InvalidInput(_("The parameter %(name)s must be a whole number of 0 or more, not %(raw)r.") % {"name": name, "raw": raw})
    return int(raw)


def _bad_request(exc: Exception) -> HttpResponse:
    return HttpResponse(f"{exc}\n", status=400, content_type="text/plain; charset=utf-8")


def public_log(request: HttpRequest) -> HttpResponse:
    """The public log as JSON Lines from ``?start=N`` (default 0): all of it, or ``?limit=L`` lines.

    Each line is ``{"index": i, "leaf_hash": hex, "entry": {...}}``; the entry is the exact bytes
    that were hashed. Streamed, so the whole log of a large organization downloads in one request.
    The log served is the integrated tree's (its size and root at ``tree_head``): entries appended
    since join it within seconds, and an index is never served before every one below it.
    """
    try:
        start = _count(request, "start", 0)
        limit = _count(request, "limit", -1) if request.GET.get("limit") else None
    except InvalidInput as exc:
        return _bad_request(exc)
    return StreamingHttpResponse(_log_lines(start, limit), content_type="application/jsonl; charset=utf-8")


def _log_lines(start: int, limit: int | None) -> Iterator[str]:
    state = LogState.objects.filter(id=1).first()
    end = state.size if state else 0
    sent = 0
    while limit is None or sent < limit:
        batch = 5000 if limit is None else min(5000, limit - sent)
        rows = blocks.rows(start, end, limit=batch)
        if not rows:
            return
        yield "".join(f'{{"index":{i},"leaf_hash":"{h}","entry":{b.decode("utf-8", "replace")}}}\n' for i, b, h in rows)
        sent += len(rows)
        start = rows[-1][0] + 1


def tree_head(request: HttpRequest) -> JsonResponse:
    state = LogState.objects.filter(id=1).first()
    return JsonResponse({"size": state.size if state else 0, "root": state.root if state else None})


def checkpoint_note(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint, as a C2SP signed note."""
    head = checkpoints.latest()
    if head is None:
        return HttpResponse(_("No checkpoint has been signed yet; one is signed within a minute.") + "\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(head.note, content_type="text/plain; charset=utf-8")


def public_key(request: HttpRequest) -> HttpResponse:
    """The log's verifier key (C2SP note format): what members check checkpoints and receipts with."""
    return HttpResponse(checkpoints.verifier_key() + "\n", content_type="text/plain; charset=utf-8")


def inclusion_proof(request: HttpRequest) -> HttpResponse:
    try:
        index, size = _count(request, "index"), _count(request, "size")
        proof = proofs.inclusion(index, size)
        leaf = blocks.leaves([index]).get(index)
    except (InvalidInput, proofs.ProofError) as exc:
        return _bad_request(exc)
    return JsonResponse({"index": index, "size": size, "leaf_hash": leaf.hex() if leaf else None, "proof": [h.hex() for h in proof]})


def consistency_proof(request: HttpRequest) -> HttpResponse:
    try:
        size1, size2 = _count(request, "size1"), _count(request, "size2")
        proof = proofs.consistency(size1, size2)
    except (InvalidInput, proofs.ProofError) as exc:
        return _bad_request(exc)
    return JsonResponse({"size1": size1, "size2": size2, "proof": [h.hex() for h in proof]})


def entry_receipt(request: HttpRequest, index: int) -> HttpResponse:
    """A receipt for one entry: check it with ``charter-verify receipt FILE --key KEY``."""
    entry = Entry.objects.filter(index=index).first()
    if entry is None:
        raise Http404
    receipt = checkpoints.receipt(entry)
    if receipt is None:
        return HttpResponse(_("This entry is not yet covered by a signed checkpoint; one is signed within a minute.") + "\n", status=503, content_type="text/plain; charset=utf-8")
    response = JsonResponse(receipt, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="receipt-{index}.json"'
    return response
