"""The same code under the federation's rules (ftu-2019.yaml), with no change: the General Secretary
frames and delivers alone, 21 days to reply, the Executive Board expels by three quarters at a
meeting called 21 days ahead, the Appeals Panel hears appeals within 45 days, offices are *kept*
while an appeal is pending (R16.4), and either party may refer the Panel's decision to the Delegate
Conference within 21 days."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.discipline import actions
from charter.discipline.models import Case, Deadline
from charter.discipline.tests import story
from charter.elections.actions import fix_seats, seat_founder
from charter.lib import clock
from charter.members.actions import enrol_founder, record_dues_payment
from charter.members.models import Member, Status
from charter.org.actions import close_founding, create_unit, found_organization
from charter.org.models import Body, Mandate, Unit
from charter.record import log as record
from charter.rulebook.actions import install_founding_rulebook
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.rulebook.spec import DATA_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def fed(db):  # type: ignore[no-untyped-def]
    clock.set_frozen(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    install_founding_rulebook((DATA_DIR / "ftu-2019.yaml").read_text())
    found_organization(name="Federation of Trade Unions", top_unit="FTU")
    top = Unit.objects.get(parent=None)
    port = create_unit(parent=top, level="affiliate", name="Port Workers' Union")
    rail = create_unit(parent=top, level="affiliate", name="Railway Workers' Union")
    docks = create_unit(parent=port, level="local", name="Karachi Docks")
    workshop = create_unit(parent=rail, level="local", name="Lahore Workshops")
    p = {f"d{i}": enrol_founder(name=f"Docker {i}", branch=docks, email=f"d{i}@example.org", phone=f"+9230000{i:04d}") for i in range(30)}
    p.update({f"r{i}": enrol_founder(name=f"Railwayman {i}", branch=workshop) for i in range(12)})
    board = Body.objects.get(kind="executive_board", unit=top)
    for m in [p[f"d{i}"] for i in range(6)] + [p[f"r{i}"] for i in range(5)]:
        seat_founder(m, body=board)
    seat_founder(p["d0"], body=board, office="general_secretary")
    panel = Body.objects.get(kind="appeals_panel", unit=top)
    for i in range(5, 10):
        seat_founder(p[f"r{i}"], body=panel)
    port_exec = Body.objects.get(kind="affiliate_executive", unit=port)
    fix_seats(port_exec, seats=5)
    for i in range(10, 15):
        seat_founder(p[f"d{i}"], body=port_exec)
    conference = Body.objects.get(kind="delegate_conference", unit=top)
    for key in ("d20", "r11"):
        seat_founder(p[key], body=conference)
    close_founding()
    for m in Member.objects.all():
        record_dues_payment(m, months=11)
    return {"board": board, "panel": panel, "port_exec": port_exec, "conference": conference, **p}


def seat(fed) -> Mandate:
    return Mandate.objects.get(member=fed["d12"], body=fed["port_exec"])


def expelled(fed) -> Case:
    story.moment_at("2026-03-02T10:00:00")
    case = actions.frame_charge(fed["d12"], by=fed["d0"], office="general_secretary", grounds=["strike_breaking"], facts="Crossed the picket line at berth 7 on 2026-02-20.")
    assert case.deciding_body == fed["board"] and case.framed_by_office == "general_secretary"
    actions.deliver_charge(case, by=fed["d0"], office="general_secretary")
    reply = Deadline.objects.get(case=case, kind="reply")
    assert (reply.due_on.isoformat(), reply.article) == ("2026-03-23", "R15.2")
    board = fed["board"]
    meeting = story.call(board, by=fed["d1"], days=22, title="Executive Board")
    actions.schedule_hearing(case, decision=Decision(by=fed["d1"], body=board), meeting=meeting)
    story.moment_at("2026-03-20T10:00:00")
    actions.reply_to_charge(case, by=fed["d12"], text="I was not at berth 7 that day.")
    voters = [m for m in story.seated(board) if m.pk != fed["d0"].pk]
    held = story.attend(meeting, by=fed["d1"], present=voters)
    actions.decide_measure(fed["d12"], measure="expulsion", grounds=["strike_breaking"], case=case, decision=Decision(by=fed["d1"], body=board, meeting=held, votes=Votes(8, 2, 0), reasons="Proved by the picket log."))
    return Case.objects.get(pk=case.pk)


def panel_decides(fed, case: Case, outcome: str) -> None:
    panel = fed["panel"]
    held = story.attend(story.call(panel, by=fed["r5"], days=15, title="Appeals Panel"), by=fed["r5"], present=story.seated(panel))
    actions.decide_appeal(case.appeals.get(), outcome=outcome, decision=Decision(by=fed["r5"], body=panel, meeting=held, votes=Votes(3, 2, 0), reasons="Weighed the log."))


def test_the_federation_route_keeps_offices_and_refers_to_the_conference(fed):
    case = expelled(fed)
    assert Member.objects.get(pk=fed["d12"].pk).status == Status.EXPELLED
    assert not seat(fed).suspended and seat(fed).ended_on is None  # R16.4: kept while an appeal is pending
    appeal_due = Deadline.objects.get(case=case, kind="appeal")
    assert (appeal_due.due_on - case.measures.get().decided_on).days == 21 and appeal_due.article == "R16.1"
    story.moment_at("2026-04-10T10:00:00")
    actions.file_appeal(case, by=fed["d12"], statement="The picket log is wrong.")
    hearing_due = Deadline.objects.get(case=case, kind="appeal_hearing")
    assert (hearing_due.body, hearing_due.due_on.isoformat()) == (fed["panel"], "2026-05-25")  # 45 days
    panel_decides(fed, case, "confirm")
    case.refresh_from_db()
    assert case.state == Case.State.CONFIRMED
    referral_due = Deadline.objects.get(case=case, kind="referral")
    assert referral_due.article == "R16.3" and referral_due.body is None
    assert not seat(fed).suspended and seat(fed).ended_on is None  # not final while it can be referred
    actions.refer_appeal(case.appeals.get(), by=fed["d12"], statement="To the Conference.")
    conference = fed["conference"]
    held = story.attend(story.call(conference, by=fed["d20"], days=43, title="Delegate Conference"), by=fed["d20"], present=story.seated(conference))
    with pytest.raises(Refused) as exc:  # the Panel cannot decide what was referred to the Conference
        actions.decide_referral(case.appeals.get(stage="referral"), outcome="annul", decision=Decision(by=fed["r5"], body=fed["panel"], meeting=held, votes=Votes(2, 0, 0), reasons="x"))
    assert all(a.startswith("R") for a in exc.value.articles)
    actions.decide_referral(case.appeals.get(stage="referral"), outcome="annul", decision=Decision(by=fed["d20"], body=conference, meeting=held, votes=Votes(2, 0, 0), reasons="The log was wrong."))
    assert Member.objects.get(pk=fed["d12"].pk).status == Status.MEMBER
    assert Case.objects.get(pk=case.pk).state == Case.State.ANNULLED
    assert not seat(fed).suspended and seat(fed).ended_on is None
    assert record.verify() is None


def test_without_a_referral_the_confirmed_expulsion_becomes_final_and_ends_the_seat(fed):
    case = expelled(fed)
    story.moment_at("2026-04-10T10:00:00")
    actions.file_appeal(case, by=fed["d12"], statement="The picket log is wrong.")
    panel_decides(fed, case, "confirm")
    decided_on = case.appeals.get().decided_on
    story.at_check(f"{(decided_on + dt.timedelta(days=22)).isoformat()}T06:00:00")
    assert Deadline.objects.get(case=case, kind="referral").state == Deadline.State.MISSED
    assert seat(fed).ended_on is not None  # the expulsion is final: it ends the member's seats
    with pytest.raises(Refused) as exc:
        actions.refer_appeal(case.appeals.get(), by=fed["d12"], statement="Late.")
    assert exc.value.articles == ["R16.3"]


def test_federation_refusals_cite_the_federations_rules(fed):
    story.moment_at("2026-03-02T10:00:00")
    with pytest.raises(Refused) as exc:  # a late reply
        case = actions.frame_charge(fed["d12"], by=fed["d0"], office="general_secretary", grounds=["strike_breaking"], facts="x")
        actions.deliver_charge(case, by=fed["d0"], office="general_secretary")
        story.moment_at("2026-03-24T10:00:00")
        actions.reply_to_charge(case, by=fed["d12"], text="Late reply.")
    assert exc.value.articles == ["R15.2"]
    with pytest.raises(Refused) as exc:  # a charge without grounds
        actions.frame_charge(fed["d13"], by=fed["d0"], office="general_secretary", grounds=[], facts="x")
    assert exc.value.articles == ["R14.1"]
    with pytest.raises(Refused) as exc:  # the affiliate Executive may warn, never expel
        pe = fed["port_exec"]
        held = story.attend(story.call(pe, by=fed["d10"], days=22), by=fed["d10"], present=story.seated(pe))
        actions.decide_measure(fed["d12"], measure="expulsion", grounds=["strike_breaking"], case=Case.objects.get(member=fed["d12"]), decision=Decision(by=fed["d10"], body=pe, meeting=held, votes=Votes(4, 0, 0), reasons="x"))
    assert "R14.3" in exc.value.articles and all(a.startswith("R") for a in exc.value.articles)
