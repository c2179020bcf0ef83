from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from charter.lib import clock
from charter.org.models import Body, Unit
from charter.org.queries import seats_of_body, subtree_counts
from charter.rulebook import rosters
from charter.rulebook.store import rulebook_on

router = Router(tags=["organization"])


class ChildOut(Schema):
    id: int
    name: str
    level: str
    members: int
    good_standing: int


class UnitOut(Schema):
    id: int
    name: str
    level: str
    parent_id: int | None
    members: int
    good_standing: int
    applicants: int
    bodies: list[dict]
    children: list[ChildOut]


class SeatOut(Schema):
    member_id: int
    name: str
    office: str
    filled_by: str


class BodyOut(Schema):
    id: int
    kind: str
    name: str
    unit_id: int
    seats_total: int | None
    seats: list[SeatOut]


@router.get("/units/{unit_id}", response=UnitOut, summary="A unit with its counts, bodies and children")
def unit(request: HttpRequest, unit_id: int) -> UnitOut:
    u = get_object_or_404(Unit, pk=unit_id)
    today = clock.today()
    counts = subtree_counts(u, today, rosters.max_arrears(rulebook_on(today)))
    t = counts["totals"]
    return UnitOut(
        id=u.pk, name=u.name, level=u.level, parent_id=u.parent_id, members=t["member"], good_standing=t["good_standing"],
        applicants=t["applicant"], bodies=[{"id": b.pk, "kind": b.kind, "name": b.name} for b in u.bodies.all()],
        children=[ChildOut(id=c.pk, name=c.name, level=c.level, members=n["member"], good_standing=n["good_standing"]) for c, n in counts["children"]],
    )


@router.get("/bodies/{body_id}", response=BodyOut, summary="A body and who sits on it")
def body(request: HttpRequest, body_id: int) -> BodyOut:
    b = get_object_or_404(Body, pk=body_id)
    rb = rulebook_on(clock.today())
    total = rosters.seats_total(b, rb) if rb.body(b.kind).get("seats") else None
    return BodyOut(
        id=b.pk, kind=b.kind, name=b.name, unit_id=b.unit_id, seats_total=total,
        seats=[SeatOut(member_id=m.member_id, name=m.member.name, office=m.office, filled_by=m.filled_by) for m in seats_of_body(b)],
    )
