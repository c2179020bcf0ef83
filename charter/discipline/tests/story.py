"""Scenario 2's cast of steps, through the actions only, for the tests of this app.

Tariq is elected secretary of the Hyderabad branch; the Secretariat (Sara and one other member)
frames a charge against him under 7.1(b) and delivers it; the Central Committee hears him and
decides; the Control Commission hears his appeal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from charter.discipline import actions
from charter.discipline.models import Case
from charter.elections.actions import elect_officer
from charter.lib import clock
from charter.meetings.actions import convene_meeting, record_attendance
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body, Mandate
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.cast import Cast

FACTS = "On 2026-08-01 Tariq Mirani published the internal bulletin's drafts on the region's website."


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def seated(body: Body) -> list[Member]:
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True, mandates__suspended=False).distinct())


def call(body: Body, *, by: Member, days: float, title: str = "Meeting") -> Meeting:
    """Call a meeting of ``body`` ``days`` from now (the clock does not move)."""
    return convene_meeting(body, by=by, title=title, starts_at=clock.now() + dt.timedelta(days=days), agenda="1. Disciplinary business")


def attend(meeting: Meeting, *, by: Member, present: Iterable[Member]) -> Meeting:
    """Move the clock to the meeting and record who came."""
    clock.set_frozen(meeting.starts_at)
    return record_attendance(meeting, by=by, present=list(present))


def tariq_becomes_branch_secretary(cast: Cast) -> Mandate:
    clock.set_frozen(moment("2026-08-20T10:00:00"))
    branch = cast.body("branch_meeting", cast.hyderabad)
    members = list(Member.objects.filter(branch=cast.hyderabad))
    meeting = attend(call(branch, by=cast.rashid, days=8), by=cast.rashid, present=members)
    return elect_officer(cast.tariq, body=branch, office="branch_secretary", decision=Decision(by=cast.rashid, body=branch, meeting=meeting, votes=Votes(5, 0, 1)), count_method="irv")


def bringers(cast: Cast) -> list[Member]:
    return [cast.sara, cast.cc_members[0]]


def frame(cast: Cast) -> Case:
    """2026-09-01: the Secretariat frames the charge (Sara records it; she and another member bring it)."""
    clock.set_frozen(moment("2026-09-01T10:00:00"))
    return actions.frame_charge(cast.tariq, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]), grounds=["breach_of_document"], facts=FACTS, bringers=[cast.cc_members[0]])


def deliver(cast: Cast, case: Case) -> Case:
    return actions.deliver_charge(case, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]))


def cc_voters(cast: Cast) -> list[Member]:
    """The CC members who may take part: all but the two who brought the charge (13)."""
    out = {m.pk for m in bringers(cast)}
    return [m for m in seated(cast.bodies["cc"]) if m.pk not in out]


def hearing_meeting(cast: Cast, case: Case) -> Meeting:
    """2026-09-02: the CC calls its meeting for 2026-09-17 (15 days) and schedules the hearing there."""
    clock.set_frozen(moment("2026-09-02T10:00:00"))
    meeting = call(cast.bodies["cc"], by=cast.zainab, days=15, title="Central Committee")
    actions.schedule_hearing(case, decision=Decision(by=cast.zainab, body=cast.bodies["cc"]), meeting=meeting)
    return meeting


def reply(cast: Cast, case: Case, when: str = "2026-09-13T09:00:00") -> None:
    clock.set_frozen(moment(when))
    actions.reply_to_charge(case, by=cast.tariq, text="The drafts were already public; I published nothing new.", evidence="The website's history.")


def decided(cast: Cast, case: Case, meeting: Meeting, votes: Votes) -> object:
    held = attend(meeting, by=cast.zainab, present=[m for m in seated(cast.bodies["cc"]) if m.pk != cast.sara.pk])
    return actions.decide_measure(
        cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, taking_part=cc_voters(cast),
        decision=Decision(by=cast.zainab, body=cast.bodies["cc"], meeting=held, votes=votes, reasons="The breach is proved and repeated."),
    )


def expelled(cast: Cast) -> Case:
    """Framed, delivered, heard, replied, and expelled 11-2 on 2026-09-17."""
    case = frame(cast)
    deliver(cast, case)
    meeting = hearing_meeting(cast, case)
    reply(cast, case)
    decided(cast, case, meeting, Votes(11, 2, 0))
    return Case.objects.get(pk=case.pk)


def appealed(cast: Cast) -> Case:
    case = expelled(cast)
    clock.set_frozen(moment("2026-10-15T10:00:00"))
    actions.file_appeal(case, by=cast.tariq, statement="The Central Committee did not weigh my reply.")
    return Case.objects.get(pk=case.pk)


def commission_decides(cast: Cast, case: Case, outcome: str, *, meeting: Meeting | None = None) -> object:
    """The Control Commission decides the appeal; a reduction is to a suspension of 90 days."""
    commission = cast.bodies["commission"]
    meeting = meeting or call(commission, by=cast.imran, days=15, title="Control Commission")
    held = attend(meeting, by=cast.imran, present=seated(commission))
    appeal = case.appeals.get()
    lighter = {"measure": "suspension", "days": 90} if outcome == "reduce" else {}
    return actions.decide_appeal(appeal, outcome=outcome, decision=Decision(by=cast.imran, body=commission, meeting=held, votes=Votes(1, 0, 0), reasons="The reply was not weighed."), **lighter)


def moment_at(text: str) -> None:
    clock.set_frozen(moment(text))


def at_check(text: str) -> dict[str, int]:
    """Move the clock and run one round of the worker's deadline check."""
    clock.set_frozen(moment(text))
    return actions.check_deadlines()
