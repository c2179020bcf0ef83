"""What every decision of a body shares: judge it, and write it as a motion of its meeting.

Domain actions (admit, elect, expel, …) call :func:`judge_decision` before they change anything and
:func:`carried` after, so every decision appears in its meeting's minutes and on the record, and a
decision the rules refuse or the vote loses appears there too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from charter.lib import clock
from charter.meetings.models import Motion
from charter.members.models import Member
from charter.org.models import Unit
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook import enforce
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.spec import Rulebook


def _motion(decision: Decision, act: str, text: str, outcome: str, entry_index: int | None) -> Motion | None:
    if decision.meeting is None:
        return None
    v = decision.votes
    return Motion.objects.create(
        meeting=decision.meeting, text=text, act=act,
        votes_yes=v.yes if v else 0, votes_no=v.no if v else 0, votes_abstain=v.abstain if v else 0,
        outcome=outcome, reasons=decision.reasons, decided_at=clock.now(), entry_index=entry_index,
    )


def judge_decision(
    act: str,
    decision: Decision,
    *,
    text: str,
    target: Member | None = None,
    target_unit: Unit | None = None,
    grounds: Iterable[str] = (),
    facts: Mapping[str, Any] | None = None,
    subjects: Iterable[Member] = (),
    detail: Mapping[str, Any] | None = None,
) -> Rulebook:
    prop = enforce.proposal(act, actor=decision.by, decision=decision, target=target, target_unit=target_unit, grounds=grounds, facts=facts)

    def write_motion(refusal: Refused) -> None:
        _motion(decision, act, text, refusal.outcome, refusal.entry_index)

    full_detail = {**enforce.detail_for(body=decision.body, meeting=decision.meeting), **dict(detail or {})}
    # The motion's wording stays in the minutes: it may name people, and the public log names no one.
    return enforce.check(prop, actor=decision.by, subjects=subjects, detail=full_detail, after=write_motion)


def carried(
    act: str,
    decision: Decision,
    rb: Rulebook,
    *,
    text: str,
    subjects: Iterable[Member] = (),
    detail: Mapping[str, Any] | None = None,
) -> Entry:
    full = {**enforce.detail_for(body=decision.body, meeting=decision.meeting), **dict(detail or {})}
    if decision.votes is not None:
        full["votes"] = {"yes": decision.votes.yes, "no": decision.votes.no, "abstain": decision.votes.abstain}
    entry = record.append(act, "done", actor=decision.by, subjects=subjects, detail=full, articles=[rb.act(act)["article"]])
    _motion(decision, act, text, Motion.Outcome.CARRIED, entry.index)
    return entry
