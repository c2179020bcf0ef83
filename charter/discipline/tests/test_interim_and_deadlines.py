"""Interim suspension with its limit and automatic lapse; deadlines warned before and recorded when
missed, by the worker's round (``check_deadlines``)."""

from __future__ import annotations

import json

import pytest

from charter.discipline import actions
from charter.discipline.models import Case, Deadline, InterimSuspension
from charter.discipline.tests import story
from charter.members.models import Member, Status
from charter.notices.models import Notice
from charter.org.models import Mandate
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.web import said
from charter.tests.test_pages import login_as

pytestmark = pytest.mark.django_db


def funds_case(cast) -> Case:
    story.tariq_becomes_branch_secretary(cast)
    story.moment_at("2026-09-01T10:00:00")
    case = actions.frame_charge(cast.tariq, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]), grounds=["misuse_of_funds"], facts="Kept the branch's collection of 2026-08-15.")
    story.deliver(cast, case)
    return case


def secretariat(cast, reasons: str = "The collection is still missing.") -> Decision:
    return Decision(by=cast.sara, body=cast.bodies["secretariat"], reasons=reasons)


def test_no_interim_suspension_on_a_ground_the_rules_exclude_or_beyond_its_limit(cast):
    case = story.frame(cast)  # 7.1(b)
    with pytest.raises(Refused) as exc:
        actions.order_interim_suspension(case, decision=secretariat(cast), reasons="Urgent.", days=30)
    assert exc.value.articles == ["7.5"] and exc.value.breaches[0].code == "ground_not_allowed_here"
    assert Entry.objects.order_by("-index").first().outcome == "refused"
    funds = actions.frame_charge(cast.farhan, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]), grounds=["misuse_of_funds"], facts="x")
    with pytest.raises(Refused) as exc:
        actions.order_interim_suspension(funds, decision=secretariat(cast), reasons="Urgent.", days=40)
    assert exc.value.articles == ["7.5"] and exc.value.breaches[0].code == "too_long"
    with pytest.raises(Refused) as exc:  # the Regional Committee has no such power
        actions.order_interim_suspension(funds, decision=Decision(by=cast.saima, body=cast.bodies["rc"], reasons="x"), reasons="x", days=10)
    assert exc.value.articles == ["7.5"]
    assert not InterimSuspension.objects.exists() and Member.objects.get(pk=cast.farhan.pk).status == Status.MEMBER


def test_an_interim_suspension_lapses_when_the_cc_does_not_decide_in_time(cast, client):
    case = funds_case(cast)
    interim = actions.order_interim_suspension(case, decision=secretariat(cast), reasons="The collection is still missing.")
    assert (interim.ordered_on.isoformat(), interim.ends_on.isoformat()) == ("2026-09-01", "2026-09-30")  # 30 days at most
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.SUSPENDED
    assert Mandate.objects.get(member=cast.tariq, office="branch_secretary").suspended
    due = Deadline.objects.get(case=case, kind="interim_suspension")
    assert (due.body, due.due_on.isoformat(), due.article) == (cast.bodies["cc"], "2026-09-30", "7.5")
    assert Notice.objects.filter(member=cast.zainab, kind="interim_deadline").exists()
    assert story.at_check("2026-09-27T06:00:00")["missed"] == 1  # Tariq's reply period ran out on 09-15
    assert Deadline.objects.get(case=case, kind="reply").state == Deadline.State.MISSED
    assert Deadline.objects.get(pk=due.pk).warned_on is not None
    assert Notice.objects.filter(member=cast.zainab, kind="deadline_warning").exists()
    assert story.at_check("2026-09-30T23:00:00")["missed"] == 0  # the last day is still in time
    counts = story.at_check("2026-10-01T06:00:00")
    assert counts["missed"] == 1
    due.refresh_from_db()
    assert due.state == Deadline.State.MISSED
    assert InterimSuspension.objects.get(pk=interim.pk).state == InterimSuspension.State.LAPSED
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.MEMBER
    assert not Mandate.objects.get(member=cast.tariq, office="branch_secretary").suspended
    acts = [e.act for e in Entry.objects.filter(index__gte=due.missed_entry_index).order_by("index")]
    assert acts[:2] == ["deadline_missed", "lapse_interim_suspension"]
    detail = json.loads(Entry.objects.get(index=due.missed_entry_index).body)["detail"]
    assert detail == {"body": {"id": cast.bodies["cc"].pk, "kind": "central_committee", "name": "Central Committee"}, "case": case.pk, "deadline": "interim_suspension", "due_on": "2026-09-30", "duty": "body"}
    assert story.at_check("2026-10-02T06:00:00") == {"ended": 0, "met": 0, "missed": 0, "warned": 0}  # idempotent
    login_as(client, cast.zainab, "zainab")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="missed"' in page and "2 deadlines missed" in page


def test_a_decision_in_time_replaces_the_interim_suspension(cast):
    case = funds_case(cast)
    actions.order_interim_suspension(case, decision=secretariat(cast), reasons="Missing money.", days=25)
    meeting = story.hearing_meeting(cast, case)
    story.reply(cast, case)
    held = story.attend(meeting, by=cast.zainab, present=story.cc_voters(cast))
    actions.decide_measure(cast.tariq, measure="warning", grounds=["misuse_of_funds"], case=case, decision=Decision(by=cast.zainab, body=cast.bodies["cc"], meeting=held, votes=Votes(13, 0, 0), reasons="Repaid."))
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.MEMBER
    assert not Mandate.objects.get(member=cast.tariq, office="branch_secretary").suspended
    assert InterimSuspension.objects.get(case=case).state == InterimSuspension.State.REPLACED
    assert Deadline.objects.get(case=case, kind="interim_suspension").state == Deadline.State.MET


def test_a_missed_appeal_hearing_is_on_the_record_and_on_the_case_page(cast, client):
    case = story.appealed(cast)  # filed 2026-10-15: the Commission must hear it by 2026-12-14
    story.at_check("2026-12-15T06:00:00")
    due = Deadline.objects.get(case=case, kind="appeal_hearing")
    assert due.state == Deadline.State.MISSED
    entry = Entry.objects.get(index=due.missed_entry_index)
    assert entry.act == "deadline_missed" and json.loads(entry.body)["articles"] == ["8.1"]
    assert Notice.objects.filter(member=cast.tariq, kind="deadline_missed").exists()
    login_as(client, cast.tariq, "tariq")
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert said("sd", "%(n)s deadline missed", "%(n)s deadlines missed", 1, n=1) in page and f"#{due.missed_entry_index}" in page
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.EXPELLED  # a late hearing is still owed: nothing lapses


def test_the_worker_round_checks_deadlines(cast, monkeypatch):
    from charter.cli import _work

    monkeypatch.setattr("django.db.close_old_connections", lambda: None)  # the test's transaction stays open
    case = story.frame(cast)
    story.deliver(cast, case)
    story.moment_at("2026-09-13T06:00:00")
    _work(0, 1)
    assert Deadline.objects.get(case=case, kind="reply").warned_on is not None
    assert Notice.objects.filter(member=cast.tariq, kind="deadline_warning").exists()
