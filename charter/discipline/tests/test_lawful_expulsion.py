"""Scenario 2 (the decision part): the CC decides at a meeting with full notice and quorum, after
due process; two thirds of its members must vote for an expulsion."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.discipline.actions import decide_measure, frame_charge
from charter.discipline.models import Case, Measure
from charter.lib import clock
from charter.meetings.models import Motion
from charter.members.models import Member, Status
from charter.org.models import Mandate
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def seated(body):
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True))


def charged(cast, at) -> Case:
    at("2026-09-01T10:00:00")
    secretariat = cast.bodies["secretariat"]
    meeting = hold(secretariat, by=cast.sara, present=seated(secretariat), notice_days=15)
    case = frame_charge(cast.tariq, decision=Decision(by=cast.sara, body=secretariat, meeting=meeting, votes=Votes(5, 0, 0)), grounds=["breach_of_document"], facts="Published the internal bulletin's drafts on 2026-08-01.")
    # Delivery, reply and hearing are recorded by the case workflow; here the facts are set on the case.
    Case.objects.filter(pk=case.pk).update(charge_delivered_on=clock.today(), replied_on=clock.today() + dt.timedelta(days=10), hearing_offered=True)
    case.refresh_from_db()
    return case


def cc_meeting(cast, recused: int = 2):
    cc = cast.bodies["cc"]
    members = seated(cc)
    bringers = set(Case.objects.get().bringers.values_list("pk", flat=True))
    present = [m for m in members if m.pk not in bringers][:13]
    return hold(cc, by=cast.zainab, present=present, notice_days=15)


def test_expulsion_short_of_two_thirds_of_the_cc_fails(cast, at):
    case = charged(cast, at)
    meeting = cc_meeting(cast)
    with pytest.raises(Refused) as exc:
        decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.zainab, body=cast.bodies["cc"], meeting=meeting, votes=Votes(9, 3, 1), reasons="Repeated breach"))
    assert exc.value.outcome == "lost" and exc.value.articles == ["7.3"]
    assert "needed 10 votes for" in exc.value.breaches[0].message
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.MEMBER
    assert Motion.objects.get(meeting=meeting).outcome == Motion.Outcome.LOST


def test_expulsion_by_eleven_to_two_passes_and_suspends_offices(cast, at):
    case = charged(cast, at)
    meeting = cc_meeting(cast)
    measure = decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.zainab, body=cast.bodies["cc"], meeting=meeting, votes=Votes(11, 2, 0), reasons="Repeated breach, found proved"))
    assert measure.kind == Measure.Kind.EXPULSION
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.EXPELLED
    assert all(m.suspended for m in Mandate.objects.current().filter(member=cast.tariq))


def test_those_who_brought_the_charge_may_not_vote(cast, at):
    case = charged(cast, at)
    cc = cast.bodies["cc"]
    meeting = hold(cc, by=cast.zainab, present=seated(cc), notice_days=15)  # sara brought it and is present
    with pytest.raises(Refused) as exc:
        decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.zainab, body=cc, meeting=meeting, votes=Votes(12, 2, 0), reasons="x"))
    assert "not_recused" in {b.code for b in exc.value.breaches}


def test_expulsion_before_the_reply_period_ends_is_refused(cast, at):
    case = charged(cast, at)
    Case.objects.filter(pk=case.pk).update(replied_on=None)
    case.refresh_from_db()
    at("2026-09-05T10:00:00")
    cc = cast.bodies["cc"]
    # Too soon for a meeting with full notice: only an urgent meeting (48 hours, with a reason) is possible.
    meeting = hold(cc, by=cast.zainab, present=[m for m in seated(cc) if m != cast.sara][:12], notice_days=2.5, urgent=True, reason="Press deadline")
    with pytest.raises(Refused) as exc:
        decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.zainab, body=cc, meeting=meeting, votes=Votes(12, 0, 0), reasons="x"))
    codes = {b.code for b in exc.value.breaches}
    assert {"reply_period_running", "needs_full_notice", "urgent_forbidden"} <= codes
