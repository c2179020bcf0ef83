"""Scenario 2 end to end: the lawful path and the appeal, every step an act the rules judge.

The Secretariat frames a charge against Tariq under 7.1(b); Charter delivers it by email, SMS and
inbox; Tariq replies within 14 days; the CC schedules a hearing with 14 days' notice and he names a
companion; the two Secretariat members who brought the charge take no part; the CC votes at a
meeting with quorum. 9-3-1 fails for lack of two thirds of the CC's 15 members; 11-2 passes, the
decision is delivered, Tariq appeals within 30 days, the Control Commission hears him and annuls
within 60; his membership and his suspended office come back. Every step is on the record; each
deadline was tracked, with a warning before it passed.
"""

from __future__ import annotations

import json

import pytest

from charter.discipline import actions
from charter.discipline.models import Case, Deadline, Hearing, Measure
from charter.discipline.tests import story
from charter.meetings.models import Motion
from charter.members.models import Member, Status
from charter.notices.models import Notice
from charter.org.models import Mandate
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.web import said

pytestmark = pytest.mark.django_db


def case_entries(case: Case) -> list[dict]:
    out = []
    for e in Entry.objects.order_by("index"):
        body = json.loads(e.body)
        if body["detail"].get("case") == case.pk:
            out.append(body)
    return out


def office(cast) -> Mandate:
    return Mandate.objects.get(member=cast.tariq, office="branch_secretary")


def the_charge_up_to_the_vote(cast) -> tuple[Case, object]:
    story.tariq_becomes_branch_secretary(cast)
    case = story.frame(cast)
    assert case.deciding_body == cast.bodies["cc"]  # the Secretariat may not decide: the CC hears and decides
    assert {m.pk for m in case.bringers.all()} == {cast.sara.pk, cast.cc_members[0].pk}
    story.deliver(cast, case)
    case.refresh_from_db()
    # Delivered in writing on every channel, in Tariq's own language, and the reply period runs 14 days.
    charge = Notice.objects.filter(member=cast.tariq, kind="charge_delivered")
    assert sorted(charge.values_list("channel", flat=True)) == ["email", "inbox", "sms"]
    assert all(n.language == "sd" and "7.1(b)" in n.body and story.FACTS in n.body and "15 سيپٽمبر 2026" in n.body for n in charge)  # in Sindhi
    reply = Deadline.objects.get(case=case, kind="reply")
    assert (reply.due_on.isoformat(), reply.article, reply.body_id) == ("2026-09-15", "7.4", None)
    meeting = story.hearing_meeting(cast, case)
    hearing = Hearing.objects.get(case=case)
    assert Notice.objects.filter(member=cast.tariq, kind="hearing_scheduled", channel="sms").exists()
    actions.name_companion(hearing, by=cast.tariq, companion="Farhan Shaikh")
    # Three days before the reply period ends, Tariq is warned; the CC too, before the hearing.
    story.at_check("2026-09-12T08:00:00")
    assert Notice.objects.filter(member=cast.tariq, kind="deadline_warning").exists()
    story.reply(cast, case, "2026-09-13T09:00:00")
    story.at_check("2026-09-14T08:00:00")
    assert Notice.objects.filter(member=cast.zainab, kind="deadline_warning").exists()
    return Case.objects.get(pk=case.pk), meeting


def test_nine_to_three_falls_short_of_two_thirds_and_charter_says_so(cast):
    case, meeting = the_charge_up_to_the_vote(cast)
    with pytest.raises(Refused) as exc:
        story.decided(cast, case, meeting, Votes(9, 3, 1))
    assert exc.value.outcome == "lost" and exc.value.articles == ["7.3"]
    assert "needed 10 votes for" in exc.value.breaches[0].message
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.MEMBER
    assert not office(cast).suspended and not Measure.objects.exists()
    assert Motion.objects.get(meeting=meeting, act="expel_member").outcome == Motion.Outcome.LOST
    assert Entry.objects.order_by("-index").first().outcome == "lost"
    assert Case.objects.get(pk=case.pk).open  # the charge stands: the body decided, and decided no


def test_eleven_to_two_passes_the_appeal_annuls_and_everything_is_restored(cast, client):
    case, meeting = the_charge_up_to_the_vote(cast)
    measure = story.decided(cast, case, meeting, Votes(11, 2, 0))
    tariq = Member.objects.get(pk=cast.tariq.pk)
    assert tariq.status == Status.EXPELLED
    assert office(cast).suspended and office(cast).ended_on is None  # 8.4: suspended, not vacated, while appealable
    assert sorted(measure.participant_ids) == sorted(m.pk for m in story.cc_voters(cast))
    decision = Notice.objects.filter(member=cast.tariq, kind="measure_decided")
    assert {n.channel for n in decision} == {"inbox", "email", "sms"} and all("17 آڪٽوبر 2026" in n.body for n in decision)
    story.at_check("2026-10-14T08:00:00")  # three days before the 30 days run out
    appeal_due = Deadline.objects.get(case=case, kind="appeal")
    assert appeal_due.warned_on is not None and appeal_due.due_on.isoformat() == "2026-10-17"
    story.moment_at("2026-10-15T10:00:00")
    appeal = actions.file_appeal(case, by=cast.tariq, statement="The Central Committee did not weigh my reply.")
    hearing_due = Deadline.objects.get(case=case, kind="appeal_hearing")
    assert (hearing_due.due_on.isoformat(), hearing_due.body, hearing_due.article) == ("2026-12-14", cast.bodies["commission"], "8.1")
    story.moment_at("2026-11-20T10:00:00")
    commission_meeting = story.call(cast.bodies["commission"], by=cast.imran, days=22, title="Control Commission")
    actions.schedule_appeal_hearing(appeal, decision=Decision(by=cast.imran, body=cast.bodies["commission"]), meeting=commission_meeting)
    story.at_check("2026-12-11T08:00:00")  # the Commission is warned three days before its 60 days end
    assert Deadline.objects.get(case=case, kind="appeal_hearing").warned_on is not None
    assert Notice.objects.filter(member=cast.imran, kind="deadline_warning").exists()
    story.commission_decides(cast, case, "annul", meeting=commission_meeting)
    # Membership and the suspended office are restored; the case says so; every deadline was met.
    tariq.refresh_from_db()
    assert tariq.status == Status.MEMBER
    assert not office(cast).suspended and office(cast).ended_on is None
    case.refresh_from_db()
    assert case.state == Case.State.ANNULLED
    assert Measure.objects.get(pk=measure.pk).state == Measure.State.ANNULLED
    deadlines = {d.kind: d for d in Deadline.objects.filter(case=case)}
    assert set(deadlines) == {"reply", "hearing", "appeal", "appeal_hearing"}
    for d in deadlines.values():
        assert d.state == Deadline.State.MET, d.kind
        assert d.warned_on is not None and d.warned_on < d.due_on, d.kind
    # Every step on the record, in order, naming no one and quoting nothing.
    steps = [e["act"] for e in case_entries(case)]
    for act in ("frame_charge", "deliver_charge", "schedule_hearing", "name_companion", "reply_to_charge", "expel_member", "file_appeal", "schedule_appeal_hearing", "decide_appeal"):
        assert act in steps, act
    assert steps.index("deliver_charge") < steps.index("reply_to_charge") < steps.index("expel_member") < steps.index("file_appeal") < steps.index("decide_appeal")
    assert steps.count("deadline_warning") == 4
    text = "\n".join(json.dumps(e) for e in case_entries(case))
    for secret in (story.FACTS, "Farhan", "did not weigh", "already public", "Tariq", cast.tariq.number, cast.tariq.email, "breach is proved"):
        assert secret not in text, secret
    assert record.verify() is None
    # Tariq's case page, in his language, shows the outcome and the deadlines met.
    from charter.tests.test_pages import login_as

    login_as(client, cast.tariq, "tariq")
    page = client.get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and 'lang="sd"' in page.content.decode()
    assert said("sd", "measure annulled on appeal") in page.content.decode()


def test_suspended_offices_end_when_the_expulsion_becomes_final(cast):
    story.tariq_becomes_branch_secretary(cast)
    case = story.expelled(cast)
    assert office(cast).suspended
    story.at_check("2026-10-18T08:00:00")  # the 30 days passed without an appeal
    appeal_due = Deadline.objects.get(case=case, kind="appeal")
    assert appeal_due.state == Deadline.State.MISSED and appeal_due.missed_entry_index is not None
    assert Mandate.objects.get(member=cast.tariq, office="branch_secretary").ended_on is not None  # expulsion ends mandates
    missed = Entry.objects.get(index=appeal_due.missed_entry_index)
    assert missed.act == "deadline_missed" and json.loads(missed.body)["detail"]["deadline"] == "appeal"
    with pytest.raises(Refused) as exc:  # too late now
        actions.file_appeal(case, by=cast.tariq, statement="Late.")
    assert exc.value.articles == ["8.1"]


def test_every_row_of_the_case_names_its_act_on_the_record(cast):
    """``charter record reconcile``: cases, replies, hearings, measures, appeals, deadlines, status
    changes and notices each name the entry of the act that made them."""
    from charter.record import reconcile

    story.tariq_becomes_branch_secretary(cast)
    case = story.appealed(cast)
    story.at_check("2026-11-12T06:00:00")
    story.commission_decides(cast, case, "annul")
    story.at_check("2027-01-12T06:00:00")
    assert list(reconcile.problems()) == []
    assert record.verify() is None


def test_a_referral_to_congress_annuls_a_confirmed_expulsion_and_gives_the_office_back(db):
    """8.3: either party may refer the Commission's decision to the next Congress, whose decision is
    final. Under the WDA there is no time limit for it, so a confirmed expulsion is final at once
    (the seats end) and an annulment by Congress gives back what can still be given back."""
    from charter.testing.cast import build

    cast = build(congress_delegates=5)
    story.tariq_becomes_branch_secretary(cast)
    case = story.appealed(cast)
    story.commission_decides(cast, case, "confirm")
    assert office(cast).ended_on is not None
    actions.refer_appeal(case.appeals.get(), by=cast.tariq, statement="To Congress.")
    assert Case.objects.get(pk=case.pk).state == Case.State.REFERRED
    congress = cast.body("congress")
    delegates = story.seated(congress)
    held = story.attend(story.call(congress, by=delegates[0], days=61, title="Congress"), by=delegates[0], present=delegates)
    with pytest.raises(Refused) as exc:  # the Commission cannot decide what went to Congress
        actions.decide_referral(case.appeals.get(stage="referral"), outcome="annul", decision=Decision(by=cast.imran, body=cast.bodies["commission"], meeting=held, votes=Votes(1, 0, 0), reasons="x"))
    assert "8.3" in exc.value.articles
    actions.decide_referral(case.appeals.get(stage="referral"), outcome="annul", decision=Decision(by=delegates[0], body=congress, meeting=held, votes=Votes(5, 0, 0), reasons="Final."))
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.MEMBER
    assert office(cast).ended_on is None and not office(cast).suspended
    assert Case.objects.get(pk=case.pk).state == Case.State.ANNULLED
