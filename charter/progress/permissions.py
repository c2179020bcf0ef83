"""The only way a view gets an operation for a user: the person who started it, or someone the
operation's app lets see its result (its kind's ``may_see``, the app's own permission check)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from charter.progress.kinds import kind_of
from charter.progress.models import Operation


def may_see(user: Any, op: Operation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if op.by_id is not None and op.by_id == user.pk:
        return True
    kind = kind_of(op)
    return kind is not None and bool(kind.may_see(user, op))


def get_operation_for(user: Any, pk: int) -> Operation:
    """The operation; 404 when there is none or the user may not see it (the same answer)."""
    op = Operation.objects.filter(pk=pk).first()
    if op is None or not may_see(user, op):
        raise Http404
    return op


def shown_on_page(request: Any, kind: str, subject_id: int | None) -> Operation | None:
    """The operation named by the page's ``?operation=`` (after a page started one), when it is of
    ``kind``, about ``subject_id`` and the user may see it; else None (the page shows no bar)."""
    raw = request.GET.get("operation", "")
    if not raw.isdigit():
        return None
    op = Operation.objects.filter(pk=int(raw), kind=kind, subject_id=subject_id).first()
    return op if op is not None and may_see(request.user, op) else None
