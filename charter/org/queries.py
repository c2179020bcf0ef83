"""Read models for unit and body pages: counts over a subtree in a few aggregate queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Count, Q

from charter.members.models import Member, Status, subtract_months
from charter.org.models import Body, Mandate, Unit


def subtree_counts(unit: Unit, on: dt.date, max_arrears_months: int) -> dict[str, Any]:
    """Members by status (and in good standing) in ``unit``'s subtree and per child unit.

    One grouped pass over the (branch, status, dues_paid_until) index, keyed by branch id; the
    branch-to-child mapping comes from the small unit table, not from a join per member."""
    cutoff = subtract_months(on, max_arrears_months + 1)
    paths = dict(Unit.objects.filter(path__startswith=unit.path).values_list("id", "path"))
    rows = (
        Member.objects.filter(branch_id__in=Unit.objects.filter(path__startswith=unit.path).values("id"))
        .values("branch_id", "status")
        .annotate(n=Count("id"), good=Count("id", filter=Q(status=Status.MEMBER, dues_paid_until__gt=cutoff)))
        .order_by()
    )
    children = list(Unit.objects.filter(parent=unit).order_by("name"))
    by_child: dict[int, Counter[str]] = {c.pk: Counter() for c in children}
    prefix_len = len(unit.path)
    child_of = {str(c.pk): c.pk for c in children}
    totals: Counter[str] = Counter()
    for row in rows:
        path = paths.get(row["branch_id"], "")
        cid = child_of.get(path[prefix_len:].split("/", 1)[0])
        for counter in (totals, by_child[cid]) if cid is not None else (totals,):
            counter[row["status"]] += row["n"]
            counter["good_standing"] += row["good"]
    return {"totals": totals, "children": [(c, by_child[c.pk]) for c in children]}


def seats_of_body(body: Body) -> list[Mandate]:
    return list(Mandate.objects.current().filter(body=body).select_related("member").order_by("office", "starts_on"))
