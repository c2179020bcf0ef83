"""A second, different organization runs on the same code: a federation of trade unions with
affiliates, weighted delegate votes, its own bodies, majorities and appeal route (ftu-2019.yaml)."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.discipline.actions import decide_measure, frame_charge
from charter.discipline.models import Case
from charter.elections.actions import fix_seats, seat_founder
from charter.lib import clock
from charter.members.actions import (
    admit_member,
    apply_for_membership,
    enrol_founder,
    record_dues_payment,
)
from charter.members.models import Member, Status
from charter.org.actions import close_founding, create_unit, found_organization
from charter.org.models import Body, Unit
from charter.record import log as record
from charter.rulebook import rosters
from charter.rulebook.actions import install_founding_rulebook
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.rulebook.spec import DATA_DIR
from charter.rulebook.store import rulebook_on
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def ftu(db):
    clock.set_frozen(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    install_founding_rulebook((DATA_DIR / "ftu-2019.yaml").read_text())
    found_organization(name="Federation of Trade Unions", top_unit="FTU")
    top = Unit.objects.get(parent=None)
    port = create_unit(parent=top, level="affiliate", name="Port Workers' Union")
    rail = create_unit(parent=top, level="affiliate", name="Railway Workers' Union")
    docks = create_unit(parent=port, level="local", name="Karachi Docks")
    workshop = create_unit(parent=rail, level="local", name="Lahore Workshops")
    people = {}
    for i in range(30):
        people[f"d{i}"] = enrol_founder(name=f"Docker {i}", branch=docks)
    for i in range(12):
        people[f"r{i}"] = enrol_founder(name=f"Railwayman {i}", branch=workshop)
    board = Body.objects.get(kind="executive_board", unit=top)
    for m in [people[f"d{i}"] for i in range(6)] + [people[f"r{i}"] for i in range(5)]:
        seat_founder(m, body=board)
    seat_founder(people["d0"], body=board, office="general_secretary")
    port_exec = Body.objects.get(kind="affiliate_executive", unit=port)
    fix_seats(port_exec, seats=5)
    for i in range(10, 15):
        seat_founder(people[f"d{i}"], body=port_exec)
    conference = Body.objects.get(kind="delegate_conference", unit=top)
    seat_founder(people["d20"], body=conference)
    seat_founder(people["r11"], body=conference)
    close_founding()
    for m in Member.objects.all():
        record_dues_payment(m, months=11)
    return {"top": top, "port": port, "docks": docks, "board": board, "port_exec": port_exec, "conference": conference, **people}


def seated(body):
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True))


def test_the_affiliate_executive_admits_under_the_federations_own_article(ftu, at):
    at("2026-03-01T10:00:00")
    applicant = apply_for_membership(name="New Docker", branch=ftu["docks"])
    meeting = hold(ftu["port_exec"], by=ftu["d10"], present=seated(ftu["port_exec"]), notice_days=8)
    admit_member(applicant, decision=Decision(by=ftu["d10"], body=ftu["port_exec"], meeting=meeting, votes=Votes(4, 0, 1)))
    assert Member.objects.get(pk=applicant.pk).status == Status.MEMBER
    assert record.verify() is None


def test_wda_bodies_do_not_exist_here(ftu, at):
    rb = rulebook_on(clock.today())
    with pytest.raises(KeyError):
        rb.body("central_committee")
    assert not Body.objects.filter(kind="central_committee").exists()


def test_expulsion_needs_three_quarters_of_the_board_and_21_days_notice(ftu, at):
    at("2026-03-01T10:00:00")
    board = ftu["board"]
    charge_meeting = hold(board, by=ftu["d1"], present=seated(board), notice_days=8)
    case = frame_charge(ftu["d25"], decision=Decision(by=ftu["d1"], body=board, meeting=charge_meeting, votes=Votes(9, 0, 0)), grounds=["strike_breaking"], facts="Crossed the picket line at berth 7 on 2026-02-20.")
    Case.objects.filter(pk=case.pk).update(charge_delivered_on=clock.today(), replied_on=clock.today() + dt.timedelta(days=5), hearing_offered=True)
    case.refresh_from_db()
    voters = [m for m in seated(board) if m.pk != ftu["d1"].pk]
    short = hold(board, by=ftu["d2"], present=voters, notice_days=10)
    with pytest.raises(Refused) as exc:
        decide_measure(ftu["d25"], measure="expulsion", grounds=["strike_breaking"], case=case, decision=Decision(by=ftu["d2"], body=board, meeting=short, votes=Votes(10, 0, 0), reasons="Proved"))
    assert all(a.startswith("R") for a in exc.value.articles)  # the federation's own rule numbers
    full = hold(board, by=ftu["d2"], present=voters, notice_days=22)
    with pytest.raises(Refused) as exc:  # 7 of 10 cast is short of three quarters
        decide_measure(ftu["d25"], measure="expulsion", grounds=["strike_breaking"], case=case, decision=Decision(by=ftu["d2"], body=board, meeting=full, votes=Votes(7, 3, 0), reasons="Proved"))
    assert exc.value.outcome == "lost"
    decide_measure(ftu["d25"], measure="expulsion", grounds=["strike_breaking"], case=case, decision=Decision(by=ftu["d2"], body=board, meeting=full, votes=Votes(8, 2, 0), reasons="Proved"))
    assert Member.objects.get(pk=ftu["d25"].pk).status == Status.EXPELLED


def test_the_wda_ground_of_inactivity_is_unknown_here_too(ftu, at):
    at("2026-03-01T10:00:00")
    board = ftu["board"]
    meeting = hold(board, by=ftu["d1"], present=seated(board), notice_days=22)
    with pytest.raises(Refused) as exc:
        decide_measure(ftu["r3"], measure="expulsion", grounds=["breach_of_document"], decision=Decision(by=ftu["d1"], body=board, meeting=meeting, votes=Votes(11, 0, 0), reasons="x"))
    assert "not_a_ground" in {b.code for b in exc.value.breaches}


def test_delegates_vote_with_the_weight_of_the_affiliate_they_represent(ftu, at):
    at("2026-03-01T10:00:00")
    rb = rulebook_on(clock.today())
    # 30 members in the port union and 12 in the railway union, at one vote per 1,000, minimum 1.
    assert rosters.vote_weight(rb, ftu["conference"], ftu["d20"], clock.today()) == 1
    assert rosters.vote_weight(rb, ftu["conference"], ftu["r11"], clock.today()) == 1
    assert rosters.vote_weight(rb, ftu["board"], ftu["d1"], clock.today()) == 1  # the board votes by head
