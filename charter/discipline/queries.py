"""Reading a case from the database: which bodies it concerns, who sits on them, what happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from charter.discipline import rules
from charter.discipline.models import (
    Appeal,
    Case,
    Deadline,
    Hearing,
    InterimSuspension,
    Measure,
    Recusal,
    Stage,
)
from charter.lib import clock
from charter.members.models import Member, MemberQuerySet
from charter.org.models import Body
from charter.record.models import Entry
from charter.rulebook import rosters
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on


def body_over(member: Member, kind: str) -> Body | None:
    """The body of ``kind`` whose unit contains the member's branch (their Regional Committee…)."""
    return Body.objects.filter(kind=kind, unit_id__in=member.branch.ancestor_ids).select_related("unit").order_by("-unit__path").first()


def member_ids(body: Body, on: dt.date | None = None, rb: Rulebook | None = None) -> set[int]:
    """Who belongs to ``body`` on the day, as its rules define it (seats held and not suspended…)."""
    on = on or clock.today()
    return set(rosters.roster(body, on, rb or rulebook_on(on)).values_list("pk", flat=True))


def members_of(body: Body) -> MemberQuerySet:
    on = clock.today()
    return rosters.roster(body, on, rulebook_on(on))


def sits_on(member: Member, body: Body | None, rb: Rulebook | None = None) -> bool:
    if body is None:
        return False
    on = clock.today()
    return rosters.roster(body, on, rb or rulebook_on(on)).filter(pk=member.pk).exists()


def deciding_bodies(rb: Rulebook, member: Member) -> list[Body]:
    """Bodies over the member that the rules let decide some measure, the gravest measure's first."""
    found = [body_over(member, kind) for kind in rules.measure_body_kinds(rb)]
    return [b for b in found if b is not None]


def default_deciding_body(rb: Rulebook, member: Member, framed_by: Body) -> Body | None:
    """Who will hear and decide a charge when its framer does not say: the framing body itself if it
    may decide a measure, otherwise the body over the member that may decide the gravest one."""
    bodies = deciding_bodies(rb, member)
    if any(b.pk == framed_by.pk for b in bodies):
        return framed_by
    return bodies[0] if bodies else None


def appeal_body(rb: Rulebook, member: Member) -> Body | None:
    kind = rules.appeal_rules(rb).get("body")
    return body_over(member, str(kind)) if kind else None


def referral_body(rb: Rulebook, member: Member) -> Body | None:
    kind = rules.referral(rb).get("to")
    return body_over(member, str(kind)) if kind else None


def measure_in_force(case: Case) -> Measure | None:
    return case.measures.filter(state=Measure.State.IN_FORCE).order_by("-decided_on", "-id").first()


def latest_measure(case: Case) -> Measure | None:
    return case.measures.order_by("-decided_on", "-id").first()


def interim_in_force(case: Case) -> InterimSuspension | None:
    return case.interim_suspensions.filter(state=InterimSuspension.State.IN_FORCE).first()


def pending_appeal(case: Case, stage: str | None = None) -> Appeal | None:
    rows = case.appeals.filter(outcome=Appeal.Outcome.PENDING)
    if stage:
        rows = rows.filter(stage=stage)
    return rows.order_by("-filed_on", "-id").first()


def last_appeal(case: Case, stage: str = Stage.APPEAL) -> Appeal | None:
    return case.appeals.filter(stage=stage).order_by("-filed_on", "-id").first()


def charge_hearings(case: Case) -> list[Hearing]:
    return list(case.hearings.filter(stage=Stage.CHARGE).select_related("meeting", "body"))


def recused_ids(case: Case, body: Body) -> set[int]:
    return set(Recusal.objects.filter(case=case, body=body).values_list("member_id", flat=True))


def bringer_ids(case: Case) -> set[int]:
    return set(case.bringers.values_list("pk", flat=True))


def open_deadlines(case: Case) -> list[Deadline]:
    return list(case.deadlines.filter(state=Deadline.State.OPEN).select_related("body"))


def ids(members: Iterable[Member]) -> set[int]:
    return {m.pk for m in members}


def entries_of(case: Case) -> list[Entry]:
    """The public record's entries about this case (ids, kinds, dates: never its contents)."""
    marks = Q(body__contains=f'"case":{case.pk},') | Q(body__contains=f'"case":{case.pk}}}')
    return list(Entry.objects.filter(marks).order_by("index")[:200])


def case_file(case: Case, rb: Rulebook) -> dict[str, Any]:
    """Everything in the file of a case, for its page (only after ``permissions`` let the viewer in)."""
    bringers = list(case.bringers.order_by("name"))
    recusals = list(case.recusals.select_related("member", "body"))
    measures = list(case.measures.select_related("decided_by", "meeting").order_by("decided_on", "id"))
    appeals = list(case.appeals.select_related("body", "measure"))
    names = dict(Member.objects.filter(pk__in={i for m in measures for i in m.participant_ids} | {i for a in appeals for i in a.participant_ids}).values_list("pk", "name"))
    rows: list[Measure | Appeal] = [*measures, *appeals]
    for row in rows:
        row.participant_names = [names.get(i, "?") for i in row.participant_ids]  # type: ignore[union-attr]
    return {
        "grounds": rules.ground_words(rb, list(case.grounds)),
        "bringers": bringers,
        "replies": list(case.replies.all()),
        "hearings": list(case.hearings.select_related("meeting", "body").order_by("meeting__starts_at")),
        "recusals": recusals,
        "measures": measures,
        "interims": list(case.interim_suspensions.select_related("ordered_by")),
        "appeals": appeals,
        "deadlines": list(case.deadlines.select_related("body").order_by("due_on", "id")),
        "missed": case.deadlines.filter(state=Deadline.State.MISSED).count(),
        "appeal_body": appeal_body(rb, case.member),
        "entries": entries_of(case),
    }
