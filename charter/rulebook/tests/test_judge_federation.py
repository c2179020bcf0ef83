"""The same judge under another organization's rules: the Federation of Trade Unions (ftu-2019).

A federation of affiliated unions: card votes at the Delegate Conference (one vote per 1,000
members in good standing of the affiliate, at least one), discipline by the Executive Board by
three quarters at a meeting called with 21 days' notice, appeals to an elected Appeals Panel within
21 days. Nothing in the code knows any of this: it is all in the file.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from charter.rulebook import compute
from charter.rulebook.judge import Body, Meeting, Person, Proposal, Seat, Unit, Votes, judge
from charter.rulebook.spec import bundled
from charter.rulebook.tests.test_judge_wda import proposals

RB = bundled("ftu-2019")
WDA = bundled("wda-2011")
ON = dt.date(2026, 3, 2)

FED = Unit(1, "federation", (1,), "Federation")
TRANSPORT = Unit(10, "affiliate", (1, 10), "Transport Workers")
TEACHERS = Unit(20, "affiliate", (1, 20), "Teachers' Union")
DEPOT = Unit(101, "local", (1, 10, 101), "North Depot")
SCHOOL = Unit(201, "local", (1, 20, 201), "Riverside Schools")

CONFERENCE = Body(1, "delegate_conference", FED, "Delegate Conference")
BOARD = Body(2, "executive_board", FED, "Executive Board")
PANEL = Body(3, "appeals_panel", FED, "Appeals Panel")
TRANSPORT_COUNCIL = Body(4, "affiliate_council", TRANSPORT, "Transport Council")
TRANSPORT_EXEC = Body(5, "affiliate_executive", TRANSPORT, "Transport Executive")
TEACHERS_EXEC = Body(6, "affiliate_executive", TEACHERS, "Teachers' Executive")
DEPOT_MEETING = Body(7, "local_meeting", DEPOT, "North Depot meeting")

ROSTER = {CONFERENCE: 4, BOARD: 11, PANEL: 5, TRANSPORT_COUNCIL: 40, TRANSPORT_EXEC: 7, TEACHERS_EXEC: 5, DEPOT_MEETING: 60}


def person(pid: int, unit: Unit, *seats: Seat, status: str = "member", good_standing: bool = True) -> Person:
    return Person(id=pid, status=status, good_standing=good_standing, unit=unit, seats=tuple(seats))


gs = person(1, DEPOT, Seat(2, "executive_board"), Seat(2, "executive_board", office="general_secretary"))
board_member = person(2, SCHOOL, Seat(2, "executive_board"))
panellist = person(3, SCHOOL, Seat(3, "appeals_panel"))
driver = person(4, DEPOT)  # a bus driver, member of the North Depot local
transport_exec = person(5, DEPOT, Seat(5, "affiliate_executive"))
teachers_exec = person(6, SCHOOL, Seat(6, "affiliate_executive"))
delegate = person(7, DEPOT, Seat(1, "delegate_conference"))
council_delegate = person(8, DEPOT, Seat(4, "affiliate_council"))
teacher = person(9, SCHOOL)
CHAIR = {CONFERENCE: delegate, BOARD: board_member, PANEL: panellist, TRANSPORT_COUNCIL: council_delegate, TRANSPORT_EXEC: transport_exec, TEACHERS_EXEC: teachers_exec, DEPOT_MEETING: driver}

DUE_PROCESS = {"charge_delivered_on": ON - dt.timedelta(days=40), "replied_on": ON - dt.timedelta(days=25), "hearing_offered": True, "conflicted_voters": 0}


def meeting(body: Body, *, present: int | None = None, roster: int | None = None, notice_days: float | None = None, urgent: bool = False, reason: str = "", roster_weight: int = 0, present_weight: int = 0) -> Meeting:
    roster = ROSTER[body] if roster is None else roster
    days = RB.body(body.kind).get("notice_days", 0) if notice_days is None else notice_days
    return Meeting(
        id=100 + body.id, body=body, notice_hours=days * 24, urgent=urgent, urgency_reason=reason, roster_size=roster, quorum_base=roster,
        present=roster if present is None else present, roster_weight=roster_weight, present_weight=present_weight,
    )


def decision(act: str, body: Body, *, actor: Person | None = None, target: Person | None = None, at: Meeting | None = None, votes: Votes | None = None, grounds: tuple[str, ...] = (), facts: dict[str, Any] | None = None, reasons: str = "Reasons, in writing.") -> Proposal:
    at = at or meeting(body)
    return Proposal(act=act, on=ON, actor=actor or CHAIR[body], body=body, target=target, meeting=at, votes=votes or Votes(at.present, 0), grounds=grounds, reasons=reasons, facts=facts or {})


def articles(p: Proposal) -> set[str]:
    return set(judge(RB, p).articles)


# --- card votes at the Delegate Conference ---------------------------------------------------------

WEIGHT = RB.body("delegate_conference")["vote_weight"]


@pytest.mark.parametrize(("members", "votes"), [(0, 1), (1, 1), (999, 1), (1000, 1), (1999, 1), (2000, 2), (12_300, 12), (48_500, 48), (250_000, 250)])
def test_an_affiliate_has_one_vote_per_thousand_members_in_good_standing_and_at_least_one(members, votes):
    assert WEIGHT == {"by": "members_in_good_standing", "per": 1000, "minimum": 1, "article": "R4.2"}
    assert compute.vote_weight(WEIGHT, members) == votes


def test_bodies_without_weights_count_heads():
    assert compute.vote_weight(RB.body("executive_board").get("vote_weight"), 48_500) == 1
    assert compute.vote_weight({"by": "fixed", "value": 3}, 10) == 3


# Four affiliates: transport 48,500 members in good standing, teachers 12,300, nurses 3,100, cleaners 400.
AFFILIATES = {"transport": 48_500, "teachers": 12_300, "nurses": 3_100, "cleaners": 400}
TOTAL = compute.total_weight(WEIGHT, AFFILIATES.values())


def card_vote(choices: dict[str, str]) -> tuple[Votes, Meeting]:
    yes, no, abstain = compute.weighted_totals(WEIGHT, [(choice, AFFILIATES[a]) for a, choice in choices.items()])
    present = compute.total_weight(WEIGHT, [AFFILIATES[a] for a in choices])
    at = meeting(CONFERENCE, roster=len(AFFILIATES), present=len(choices), roster_weight=TOTAL, present_weight=present)
    return Votes(yes, no, abstain), at


def test_card_vote_totals():
    assert TOTAL == 48 + 12 + 3 + 1
    assert compute.weighted_totals(WEIGHT, [("yes", 48_500), ("no", 12_300), ("no", 3_100), ("abstain", 400)]) == (48, 15, 1)
    with pytest.raises(ValueError):
        compute.weighted_totals(WEIGHT, [("maybe", 1000)])


def test_a_large_affiliate_outvotes_three_small_ones_on_a_card_vote():
    votes, at = card_vote({"transport": "yes", "teachers": "no", "nurses": "no", "cleaners": "no"})
    assert votes == Votes(48, 16, 0)
    amend = decision("amend_rulebook", CONFERENCE, at=at, votes=votes, facts={"circulated_on": ON - dt.timedelta(days=90)})
    assert judge(RB, amend).allowed  # 48 of 64 cast: at least two thirds (43)


def test_three_affiliates_out_of_four_are_not_two_thirds_of_the_card_vote():
    votes, at = card_vote({"transport": "no", "teachers": "yes", "nurses": "yes", "cleaners": "yes"})
    amend = decision("amend_rulebook", CONFERENCE, at=at, votes=votes, facts={"circulated_on": ON - dt.timedelta(days=90)})
    verdict = judge(RB, amend)
    assert set(verdict.articles) == {"R17.1"}
    assert "needed 43" in verdict.breaches[0].message


def test_a_majority_of_all_the_votes_counts_the_weight_of_absent_affiliates():
    votes, at = card_vote({"teachers": "yes", "nurses": "yes"})  # 15 votes of 64; transport and cleaners absent
    spec = {"fraction": "1/2", "of": "members", "strict": True}
    rb = _with_majority(RB, "decide_motion", spec)
    p = decision("decide_motion", CONFERENCE, at=at, votes=votes, facts={"concerns_body_id": CONFERENCE.id})
    assert [b.code for b in judge(rb, p).breaches] == ["majority_not_reached"]  # needs 33 of 64
    votes, at = card_vote({"transport": "yes", "cleaners": "no"})
    assert judge(rb, decision("decide_motion", CONFERENCE, at=at, votes=votes, facts={"concerns_body_id": CONFERENCE.id})).allowed


def _with_majority(rb: Any, act: str, spec: dict[str, Any]) -> Any:
    data = {**rb.data, "acts": {**rb.data["acts"], act: {**rb.data["acts"][act], "majority": spec}}}
    return replace(rb, data=data)


@pytest.mark.parametrize(("delegates", "present", "allowed"), [(12, 3, True), (12, 2, False), (13, 4, True), (13, 3, False), (4, 1, True)])
def test_conference_quorum_is_one_quarter_of_the_delegates(delegates, present, allowed):
    at = meeting(CONFERENCE, roster=delegates, present=present)
    verdict = judge(RB, decision("decide_motion", CONFERENCE, at=at, facts={"concerns_body_id": CONFERENCE.id}))
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.articles == ["R10.2"]


# --- discipline: the Executive Board, three quarters, 21 days' notice -----------------------------


def expel(votes: Votes, *, at: Meeting | None = None, body: Body = BOARD, grounds: tuple[str, ...] = ("strike_breaking",), facts: dict[str, Any] | None = None) -> Proposal:
    at = at or meeting(body, notice_days=21)
    return decision("expel_member", body, target=driver, at=at, votes=votes, grounds=grounds, facts=DUE_PROCESS if facts is None else facts)


@pytest.mark.parametrize(
    ("votes", "allowed"),
    [(Votes(9, 3), True), (Votes(9, 3, 2), True), (Votes(8, 3), False), (Votes(11, 0), True), (Votes(6, 2, 3), True), (Votes(6, 3, 2), False)],
)
def test_executive_board_expels_by_three_quarters_of_votes_cast(votes, allowed):
    verdict = judge(RB, expel(votes))
    assert verdict.allowed is allowed
    if not allowed:
        assert set(verdict.articles) == {"R14.3"}
        assert "three quarters of the votes cast" in verdict.breaches[0].message


def test_expulsion_needs_a_meeting_called_with_21_days_notice():
    # The Board ordinarily meets on 7 days' notice; a disciplinary decision needs 21.
    verdict = judge(RB, expel(Votes(10, 1), at=meeting(BOARD, notice_days=14)))
    assert set(verdict.articles) == {"R14.3"}
    assert [b.code for b in verdict.breaches] == ["act_notice_short"]
    assert judge(RB, decision("decide_motion", BOARD, at=meeting(BOARD, notice_days=7), facts={"concerns_body_id": BOARD.id})).allowed


def test_expulsion_at_an_emergency_board_meeting_is_refused():
    at = replace(meeting(BOARD), notice_hours=72, urgent=True, urgency_reason="A strike tomorrow.")
    verdict = judge(RB, expel(Votes(10, 1), at=at))
    assert set(verdict.articles) == {"R14.3", "R10.1"}
    assert {b.code for b in verdict.breaches} == {"needs_full_notice", "urgent_forbidden", "act_notice_short"}


def test_suspension_is_the_boards_for_at_most_a_year():
    p = decision("suspend_member", BOARD, target=driver, at=meeting(BOARD, notice_days=21), votes=Votes(9, 2), grounds=("financial_misconduct",), facts={**DUE_PROCESS, "days": 365})
    assert judge(RB, p).allowed
    assert articles(replace(p, facts={**DUE_PROCESS, "days": 400})) == {"R14.2"}


def test_an_affiliate_executive_may_warn_its_own_members_but_not_expel():
    warn = decision("warn_member", TRANSPORT_EXEC, target=driver, grounds=("defying_conference",), facts=DUE_PROCESS)
    assert judge(RB, warn).allowed
    assert articles(replace(warn, actor=teachers_exec, body=TEACHERS_EXEC, meeting=meeting(TEACHERS_EXEC))) == {"R14.3"}  # another union's member
    verdict = judge(RB, expel(Votes(7, 0), body=TRANSPORT_EXEC, at=meeting(TRANSPORT_EXEC, notice_days=21)))
    assert set(verdict.articles) == {"R14.3"}
    assert [b.code for b in verdict.breaches] == ["body_may_not"]


def test_the_federations_own_grounds():
    assert articles(expel(Votes(10, 1), grounds=("lawful_criticism",))) == {"R3.6", "R14.1"}
    assert articles(expel(Votes(10, 1), grounds=("inactivity",))) == {"R14.1"}  # a WDA idea, not a ground here
    for ground in ("strike_breaking", "financial_misconduct", "discrimination_or_harassment", "defying_conference"):
        assert judge(RB, expel(Votes(10, 1), grounds=(ground,))).allowed


def test_due_process_gives_21_days_to_reply():
    facts = {**DUE_PROCESS, "charge_delivered_on": ON - dt.timedelta(days=20), "replied_on": None}
    verdict = judge(RB, expel(Votes(10, 1), facts=facts))
    assert set(verdict.articles) == {"R15.2"}
    assert judge(RB, expel(Votes(10, 1), facts={**facts, "charge_delivered_on": ON - dt.timedelta(days=21)})).allowed


# --- the General Secretary ---------------------------------------------------------------------------


def by_gs(act: str, *, actor: Person = gs, grounds: tuple[str, ...] = ("financial_misconduct",), facts: dict[str, Any] | None = None) -> Proposal:
    return Proposal(act=act, on=ON, actor=actor, office="general_secretary", target=driver, grounds=grounds, reasons="Pending the Board's decision.", facts=facts or {})


def test_the_general_secretary_frames_charges_and_orders_interim_suspensions_alone():
    assert judge(RB, by_gs("frame_charge", facts={"facts": "Drove a bus through the picket line."}, grounds=("strike_breaking",))).allowed
    assert judge(RB, by_gs("interim_suspension", facts={"open_charge": True, "days": 28})).allowed
    assert articles(by_gs("interim_suspension", facts={"open_charge": True, "days": 29})) == {"R14.4"}
    assert articles(by_gs("interim_suspension", grounds=("strike_breaking",), facts={"open_charge": True, "days": 10})) == {"R14.4"}


def test_the_general_secretary_cannot_expel_alone():
    verdict = judge(RB, by_gs("expel_member", facts=DUE_PROCESS))
    assert set(verdict.articles) == {"R6.1"}
    assert [b.code for b in verdict.breaches] == ["office_has_no_power"]


def test_only_the_holder_of_the_office_acts_under_it():
    verdict = judge(RB, by_gs("interim_suspension", actor=board_member, facts={"open_charge": True, "days": 10}))
    assert set(verdict.articles) == {"R6.1"}
    assert [b.code for b in verdict.breaches] == ["not_office_holder"]


# --- appeals: the Appeals Panel ---------------------------------------------------------------------


@pytest.mark.parametrize(("days", "allowed"), [(1, True), (21, True), (22, False)])
def test_appeal_to_the_panel_within_21_days(days, allowed):
    p = Proposal(act="file_appeal", on=ON, actor=driver, target=driver, facts={"window_from": ON - dt.timedelta(days=days)})
    verdict = judge(RB, p)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.articles == ["R16.1"]


def test_the_appeals_panel_decides_and_the_board_may_not():
    p = decision("decide_appeal", PANEL, target=driver, votes=Votes(3, 2), facts={"participants_sitting": 0})
    assert judge(RB, p).allowed
    assert articles(replace(p, facts={"participants_sitting": 1})) == {"R16.2"}
    verdict = judge(RB, decision("decide_appeal", BOARD, target=driver, facts={"participants_sitting": 0}))
    assert set(verdict.articles) == {"R16.1"} and [b.code for b in verdict.breaches] == ["body_may_not"]


def test_either_party_refers_to_the_conference_within_21_days():
    p = Proposal(act="refer_appeal", on=ON, actor=driver, target=driver, facts={"window_from": ON - dt.timedelta(days=21)})
    assert judge(RB, p).allowed
    assert articles(replace(p, facts={"window_from": ON - dt.timedelta(days=22)})) == {"R16.3"}


def test_a_board_member_cannot_be_elected_to_the_appeals_panel():
    facts = {"seat_body_kind": "appeals_panel", "seats_filled": 4, "seats_total": 5, "nominators": 3, "accepted": True, "count_elected": True, "count_method": "meek-stv", "seats_in_election": 5}
    p = decision("elect_to_seat", CONFERENCE, target=board_member, facts=facts)
    assert articles(p) == {"R7.1"}
    assert judge(RB, replace(p, target=teacher)).allowed
    assert articles(replace(p, target=teacher, facts={**facts, "count_method": "scottish-stv"})) == {"R12.1"}


# --- seats ------------------------------------------------------------------------------------------


def test_co_option_is_capped_at_one_quarter_of_the_seats():
    facts = {"concerns_body_id": BOARD.id, "seat_body_kind": "executive_board", "seats_total": 11, "seats_filled": 10, "seats_co_opted": 2}
    assert articles(decision("co_opt_to_seat", BOARD, target=teacher, facts=facts)) == {"R11.1"}  # 11 seats: at most 2
    assert judge(RB, decision("co_opt_to_seat", BOARD, target=teacher, facts={**facts, "seats_co_opted": 1})).allowed


def test_the_conference_may_remove_a_board_member_by_two_thirds_and_nobody_appoints():
    facts = {"seat_body_kind": "executive_board"}
    at = meeting(CONFERENCE, roster=4, present=4)
    assert judge(RB, decision("remove_from_seat", CONFERENCE, target=board_member, at=at, votes=Votes(3, 1), facts=facts)).allowed
    assert articles(decision("remove_from_seat", CONFERENCE, target=board_member, at=at, votes=Votes(2, 2), facts=facts)) == {"R11.2"}
    assert articles(decision("remove_from_seat", BOARD, target=board_member, facts=facts)) == {"R11.2"}
    assert articles(decision("appoint_to_seat", BOARD, target=teacher, facts=facts)) == {"R11.1"}


def test_the_affiliate_council_fixes_the_size_of_its_executive():
    facts = {"seat_body_kind": "affiliate_executive"}
    assert judge(RB, decision("fix_seats", TRANSPORT_COUNCIL, facts=facts)).allowed
    assert articles(decision("fix_seats", TRANSPORT_EXEC, facts=facts)) == {"R8.2"}


def test_membership_lapses_after_three_months_with_one_reminder():
    p = Proposal(act="lapse_member", on=ON, actor=None, target=replace(driver, good_standing=False), facts={"arrears_months": 3, "reminder_dates": [ON - dt.timedelta(days=10)]})
    assert judge(RB, p).allowed
    assert articles(replace(p, facts={"arrears_months": 3, "reminder_dates": []})) == {"R3.3"}
    assert articles(replace(p, facts={"arrears_months": 2, "reminder_dates": [ON]})) == {"R3.3"}


def test_admission_by_the_affiliate_executive_of_the_applicants_union():
    applicant = replace(driver, status="applicant", good_standing=False)
    assert judge(RB, decision("admit_member", TRANSPORT_EXEC, target=applicant)).allowed
    assert articles(decision("admit_member", TEACHERS_EXEC, target=applicant)) == {"R3.1"}


# --- a WDA body means nothing here -----------------------------------------------------------------


def test_a_wda_body_is_unknown_to_the_federation():
    cc = Body(99, "central_committee", FED, "Central Committee")
    p = decision("expel_member", BOARD, target=driver, at=meeting(BOARD, notice_days=21), votes=Votes(10, 1), grounds=("strike_breaking",), facts=DUE_PROCESS)
    p = replace(p, body=cc, meeting=replace(p.meeting, body=cc))
    verdict = judge(RB, p)
    assert [b.code for b in verdict.breaches] == ["unknown_body"]
    assert verdict.articles == ["R14.3"]
    assert "central_committee" in verdict.breaches[0].message
    # ... and the Executive Board is unknown to the WDA.
    assert [b.code for b in judge(WDA, replace(p, body=BOARD, meeting=replace(p.meeting, body=BOARD))).breaches] == ["unknown_body"]


def test_wda_seats_and_offices_are_unknown_here():
    p = decision("elect_to_seat", CONFERENCE, target=teacher, facts={"seat_body_kind": "control_commission"})
    assert [b.code for b in judge(RB, p).breaches] == ["unknown_body"]
    p = Proposal(act="admit_member", on=ON, actor=gs, office="regional_secretary", target=replace(driver, status="applicant"))
    assert [b.code for b in judge(RB, p).breaches] == ["unknown_office"]


REFUSED = [
    expel(Votes(8, 3)),
    expel(Votes(10, 1), at=meeting(BOARD, notice_days=14)),
    expel(Votes(10, 1), grounds=("lawful_criticism",)),
    expel(Votes(7, 0), body=TRANSPORT_EXEC, at=meeting(TRANSPORT_EXEC, notice_days=21)),
    by_gs("expel_member", facts=DUE_PROCESS),
    by_gs("interim_suspension", grounds=("strike_breaking",), facts={"days": 60}),
    decision("decide_appeal", BOARD, target=driver, facts={"participants_sitting": 1}),
    decision("admit_member", TEACHERS_EXEC, target=replace(driver, status="applicant")),
    Proposal(act="file_appeal", on=ON, actor=driver, target=driver, facts={"window_from": ON - dt.timedelta(days=60)}),
    Proposal(act="resign_membership", on=ON, actor=driver, target=driver),
]


@pytest.mark.parametrize("p", REFUSED, ids=lambda p: p.act)
def test_refusals_cite_the_federations_own_rules(p):
    verdict = judge(RB, p)
    assert verdict.articles
    assert all(re.fullmatch(r"R\d+\.\d+", a) for a in verdict.articles), verdict.articles


PEOPLE = [gs, board_member, panellist, driver, transport_exec, teachers_exec, delegate, council_delegate, teacher]
BODIES = [*ROSTER, Body(99, "central_committee", FED, "Central Committee")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=proposals(RB, PEOPLE, BODIES, ["", "general_secretary", "affiliate_secretary", "regional_secretary"]))
def test_judge_never_raises_under_the_federation_rules(p):
    verdict = judge(RB, p)
    for b in verdict.breaches:
        assert b.article.strip() and b.message.strip()


# --- no organization in the code -------------------------------------------------------------------

PURE = ["spec.py", "judge.py", "compute.py", "explain.py", "initiatives.py"]


def _names(rb: Any) -> set[str]:
    names = {b["key"] for b in rb.bodies} | {o["key"] for o in rb.offices} | {g["key"] for g in rb.grounds + rb.never_grounds}
    return names | {lvl["key"] for lvl in rb.levels} | {i["key"] for i in rb.initiatives}


@pytest.mark.parametrize("module", PURE)
def test_no_code_branches_on_an_organization(module):
    source = (Path(__file__).resolve().parent.parent / module).read_text(encoding="utf-8")
    for rb in (RB, WDA):
        for word in (rb.name, rb.data["organization"]["short_name"]):
            assert word not in source, word
        for name in _names(rb):
            assert not re.search(rf"""["']{re.escape(name)}["']""", source), f"{module} names '{name}'"
