"""The spine: every action builds a proposal from the database, asks the rulebook, and either
raises :class:`Refused` (recorded on the public record when an officer or body was claimed) or goes
on to apply its effects, append to the record and queue its notices, all in one transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from django.db import transaction

from charter.accounts import security
from charter.lib import clock
from charter.members.models import Member
from charter.org.models import Body, Mandate, Unit
from charter.record import log as record
from charter.rulebook import judge as J
from charter.rulebook.rosters import max_arrears, meeting_facts
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on

P = ParamSpec("P")
R = TypeVar("R")


class Refused(Exception):
    """An act the rulebook does not allow. ``verdict.breaches`` say why, with articles."""

    def __init__(
        self,
        verdict: J.Verdict,
        proposal: J.Proposal,
        *,
        actor: Member | None = None,
        subjects: Iterable[Member] = (),
        detail: Mapping[str, Any] | None = None,
        on_record: bool = True,
        after: Callable[[Refused], None] | None = None,
    ) -> None:
        self.verdict = verdict
        self.proposal = proposal
        self.actor = actor
        self.subjects = list(subjects)
        self.detail = dict(detail or {})
        self.on_record = on_record
        self.after = after
        self.entry_index: int | None = None
        super().__init__("; ".join(f"{b.message} ({b.article})" for b in verdict.breaches))

    @property
    def breaches(self) -> tuple[J.Breach, ...]:
        return self.verdict.breaches

    @property
    def articles(self) -> list[str]:
        return self.verdict.articles

    @property
    def outcome(self) -> str:
        """'lost' when the only thing wrong is that the vote fell short; otherwise 'refused'."""
        if self.breaches and all(b.code == "majority_not_reached" for b in self.breaches):
            return "lost"
        return "refused"


def consequential(fn: Callable[P, R]) -> Callable[P, R]:
    """Run an action in one transaction; when it is refused, put the refusal on the record."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            with transaction.atomic():
                result = fn(*args, **kwargs)
            if security.current() is not None:  # done on the web or the API: a security event
                security.event("act.done", act=fn.__name__)
            return result
        except Refused as refusal:
            if security.current() is not None:
                security.event("act.refused", act=fn.__name__, articles=",".join(refusal.articles), level=logging.WARNING)
            if refusal.on_record:
                with transaction.atomic():
                    entry = record.append(
                        refusal.verdict.act,
                        refusal.outcome,
                        actor=refusal.actor,
                        subjects=refusal.subjects,
                        articles=refusal.articles,
                        detail={**refusal.detail, "breaches": [b.as_dict() for b in refusal.breaches]},
                    )
                    refusal.entry_index = entry.index
                    if refusal.after is not None:
                        refusal.after(refusal)
            raise

    return wrapper


# --- facts from the database ----------------------------------------------------------------------


def today() -> dt.date:
    return clock.today()


def unit_facts(unit: Unit) -> J.Unit:
    return J.Unit(id=unit.pk, level=unit.level, ancestors=unit.ancestor_ids, name=unit.name)


def body_facts(body: Body) -> J.Body:
    return J.Body(id=body.pk, kind=body.kind, unit=unit_facts(body.unit), name=body.name)


def seats_of(member: Member) -> tuple[J.Seat, ...]:
    rows = Mandate.objects.current().filter(member=member).select_related("body")
    return tuple(J.Seat(body_id=m.body_id, body_kind=m.body.kind, office=m.office, filled_by=m.filled_by, suspended=m.suspended) for m in rows)


def person_facts(member: Member, on: dt.date, rb: Rulebook | None = None) -> J.Person:
    rb = rb or rulebook_on(on)
    return J.Person(
        id=member.pk,
        status=member.status,
        good_standing=good_standing(member, on, rb),
        unit=unit_facts(member.branch),
        seats=seats_of(member),
        name=member.name,
    )


def good_standing(member: Member, on: dt.date, rb: Rulebook | None = None) -> bool:
    rb = rb or rulebook_on(on)
    return Member.objects.filter(pk=member.pk).in_good_standing(on, max_arrears(rb)).exists()


def check(
    proposal: J.Proposal,
    *,
    actor: Member | None,
    subjects: Iterable[Member] = (),
    detail: Mapping[str, Any] | None = None,
    after: Callable[[Refused], None] | None = None,
) -> Rulebook:
    """Judge ``proposal``; raise :class:`Refused` unless it is allowed. Returns the rulebook used."""
    rb = rulebook_on(proposal.on)
    verdict = J.judge(rb, proposal)
    if not verdict.allowed:
        # An officer's or a body's refused attempt goes on the record; a member's own slip does not.
        claimed_authority = proposal.body is not None or bool(proposal.office)
        raise Refused(verdict, proposal, actor=actor, subjects=subjects, detail=detail, on_record=claimed_authority, after=after)
    return rb


def detail_for(*, body: Body | None = None, unit: Unit | None = None, meeting: Any = None, **extra: Any) -> dict[str, Any]:
    """The public detail of an entry: units, bodies and meetings by id and name; never a person."""
    out: dict[str, Any] = {}
    if body is not None:
        out["body"] = {"id": body.pk, "kind": body.kind, "name": body.name}
    if unit is not None:
        out["unit"] = {"id": unit.pk, "level": unit.level, "name": unit.name}
    if meeting is not None:
        out["meeting"] = meeting.pk
    for key, value in extra.items():
        if value is not None:
            out[key] = value
    return out


@dataclass(frozen=True)
class Decision:
    """A decision of a body: who records it, the body, the meeting and the vote."""

    by: Member
    body: Body
    meeting: Any = None
    votes: J.Votes | None = None
    reasons: str = ""


def proposal(
    act: str,
    *,
    actor: Member | None,
    decision: Decision | None = None,
    office: str = "",
    target: Member | None = None,
    target_unit: Unit | None = None,
    grounds: Iterable[str] = (),
    reasons: str = "",
    facts: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> J.Proposal:
    on = on or today()
    rb = rulebook_on(on)
    return J.Proposal(
        act=act,
        on=on,
        actor=person_facts(actor, on, rb) if actor is not None else None,
        body=body_facts(decision.body) if decision else None,
        office=office,
        target=person_facts(target, on, rb) if target is not None else None,
        target_unit=unit_facts(target_unit) if target_unit is not None else None,
        meeting=meeting_facts(decision.meeting) if decision and decision.meeting is not None else None,
        votes=decision.votes if decision else None,
        grounds=tuple(grounds),
        reasons=reasons or (decision.reasons if decision else ""),
        facts=dict(facts or {}),
    )
