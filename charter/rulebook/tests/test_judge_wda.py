"""The judge under the WDA's Basic Document: who may do what, with which articles cited.

Pure: no database. The organization below is a small WDA: the Section, the Sindh region (one area,
the Karachi branch) and the Punjab region (the Lahore branch), with the cast's usual people.
Every refusal asserts the exact set of articles it cites.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charter.rulebook import compute
from charter.rulebook.judge import (
    Body,
    Meeting,
    Person,
    Proposal,
    Seat,
    Unit,
    Verdict,
    Votes,
    judge,
)
from charter.rulebook.spec import STATUSES, bundled

RB = bundled("wda-2011")
ON = dt.date(2026, 11, 1)

# --- the organization -----------------------------------------------------------------------------

SECTION = Unit(1, "section", (1,), "Section")
SINDH = Unit(10, "region", (1, 10), "Sindh")
SINDH_AREA = Unit(11, "area", (1, 10, 11), "Karachi area")
KARACHI = Unit(111, "branch", (1, 10, 11, 111), "Karachi Central")
PUNJAB = Unit(20, "region", (1, 20), "Punjab")
LAHORE = Unit(211, "branch", (1, 20, 21, 211), "Lahore")

CONGRESS = Body(1, "congress", SECTION, "Congress")
CC = Body(2, "central_committee", SECTION, "Central Committee")
SECRETARIAT = Body(3, "secretariat", SECTION, "Secretariat")
CONTROL = Body(4, "control_commission", SECTION, "Control Commission")
AGGREGATE = Body(5, "regional_aggregate", SINDH, "Sindh Regional Aggregate")
RC = Body(6, "regional_committee", SINDH, "Sindh Regional Committee")
RC_PUNJAB = Body(7, "regional_committee", PUNJAB, "Punjab Regional Committee")
BRANCH = Body(8, "branch_meeting", KARACHI, "Karachi Central Branch Meeting")

# Who sits on a body with a fixed roster, as the meeting records it.
ROSTER = {CONGRESS: 100, CC: 15, SECRETARIAT: 5, CONTROL: 3, AGGREGATE: 200, RC: 7, RC_PUNJAB: 7, BRANCH: 30}


def person(pid: int, unit: Unit, *seats: Seat, status: str = "member", good_standing: bool = True, name: str = "") -> Person:
    return Person(id=pid, status=status, good_standing=good_standing, unit=unit, seats=tuple(seats), name=name)


alice = person(1, KARACHI, name="alice")  # an ordinary member of Karachi Central
rashid = person(2, KARACHI, Seat(6, "regional_committee"), Seat(6, "regional_committee", office="regional_secretary"), name="rashid")
saima = person(3, KARACHI, Seat(6, "regional_committee"), name="saima")  # on the Sindh Regional Committee
sara = person(4, KARACHI, Seat(2, "central_committee"), Seat(3, "secretariat", filled_by="appointed"), name="sara")
zainab = person(5, KARACHI, Seat(2, "central_committee"), name="zainab")  # CC, not Secretariat
imran = person(6, KARACHI, Seat(4, "control_commission"), name="imran")
farhan = person(7, KARACHI, name="farhan")
devi = person(8, KARACHI, Seat(1, "congress"), name="devi")  # a Congress delegate
punjabi = person(9, LAHORE, Seat(7, "regional_committee"), name="punjabi")  # on the Punjab RC
ali = person(10, KARACHI, status="applicant", good_standing=False, name="ali")
leila = person(11, KARACHI, status="lapsed", good_standing=False, name="leila")
omar = person(12, KARACHI, good_standing=False, name="omar")  # owes more than three months
lahori = person(13, LAHORE, status="applicant", good_standing=False, name="lahori")
bilal = person(14, KARACHI, Seat(8, "branch_meeting", office="branch_secretary"), name="bilal")  # keeps Karachi's accounts
lahore_member = person(15, LAHORE, name="lahore_member")

CHAIR = {CONGRESS: devi, CC: zainab, SECRETARIAT: sara, CONTROL: imran, AGGREGATE: alice, RC: saima, RC_PUNJAB: punjabi, BRANCH: alice}


def meeting(
    body: Body,
    *,
    present: int | None = None,
    roster: int | None = None,
    base: int | None = None,
    notice_days: float | None = None,
    notice_hours: float | None = None,
    urgent: bool = False,
    reason: str = "",
) -> Meeting:
    roster = ROSTER[body] if roster is None else roster
    if notice_hours is None:
        days = RB.body(body.kind).get("notice_days", 0) if notice_days is None else notice_days
        notice_hours = days * 24
    return Meeting(
        id=100 + body.id, body=body, notice_hours=notice_hours, urgent=urgent, urgency_reason=reason,
        roster_size=roster, quorum_base=roster if base is None else base, present=roster if present is None else present,
    )


DUE_PROCESS = {"charge_delivered_on": ON - dt.timedelta(days=30), "replied_on": ON - dt.timedelta(days=20), "hearing_offered": True, "conflicted_voters": 0}


def decision(
    act: str,
    body: Body,
    *,
    actor: Person | None = None,
    target: Person | None = None,
    votes: Votes | None = None,
    at: Meeting | None = None,
    grounds: tuple[str, ...] = (),
    reasons: str = "The reasons, in writing.",
    facts: dict[str, Any] | None = None,
    target_unit: Unit | None = None,
) -> Proposal:
    """A body's decision taken properly at a meeting of all its members, unless told otherwise."""
    at = at or meeting(body)
    return Proposal(
        act=act, on=ON, actor=actor or CHAIR[body], body=body, target=target, target_unit=target_unit, meeting=at,
        votes=votes or Votes(yes=at.present, no=0), grounds=grounds, reasons=reasons, facts=facts or {},
    )


def alone(act: str, actor: Person | None, *, target: Person | None = None, office: str = "", facts: dict[str, Any] | None = None, grounds: tuple[str, ...] = (), reasons: str = "") -> Proposal:
    """An act by one person (or by Charter itself, actor None), not by a body."""
    return Proposal(act=act, on=ON, actor=actor, office=office, target=target, grounds=grounds, reasons=reasons, facts=facts or {})


def articles(p: Proposal) -> set[str]:
    return set(judge(RB, p).articles)


SEAT_CC = {"seat_body_kind": "central_committee", "seats_filled": 14, "seats_total": 15, "nominators": 2, "accepted": True, "count_elected": True, "count_method": "scottish-stv", "seats_in_election": 15}
CO_OPT = {"concerns_body_id": RC.id, "seat_body_kind": "regional_committee", "seats_total": 9, "seats_filled": 8, "seats_co_opted": 2}

# --- for each act, a proposal the rules allow ----------------------------------------------------

ALLOWED: dict[str, Proposal] = {
    "apply_for_membership": alone("apply_for_membership", ali, target=ali),
    "admit_member": decision("admit_member", RC, target=ali),
    "refuse_admission": decision("refuse_admission", RC, target=ali),
    "lapse_member": alone("lapse_member", None, target=omar, facts={"arrears_months": 7, "reminder_dates": [dt.date(2026, 8, 1), dt.date(2026, 9, 1)]}),
    "reinstate_member": alone("reinstate_member", None, target=leila, facts={"arrears_paid": True, "lapsed_on": ON - dt.timedelta(days=100)}),
    "resign_membership": alone("resign_membership", alice, target=alice, facts={"in_writing": True}),
    "erase_person": alone("erase_person", leila, target=leila),
    "transfer_member": alone("transfer_member", alice, target=alice),
    "create_unit": decision("create_unit", RC, facts={"level": "branch"}),
    "merge_units": decision("merge_units", RC, target_unit=KARACHI, facts={"level": "branch", "heard_concerned": True}),
    "dissolve_unit": decision("dissolve_unit", RC, target_unit=KARACHI, facts={"level": "branch", "heard_concerned": True}),
    "convene_meeting": Proposal(act="convene_meeting", on=ON, actor=alice, body=BRANCH, facts={"concerns_body_id": BRANCH.id, "notice_hours": 7 * 24, "agenda": "1. Minutes. 2. Dues."}),
    "record_attendance": Proposal(act="record_attendance", on=ON, actor=alice, body=BRANCH, facts={"concerns_body_id": BRANCH.id}),
    "decide_motion": decision("decide_motion", BRANCH, at=meeting(BRANCH, present=12), votes=Votes(8, 3, 1), facts={"concerns_body_id": BRANCH.id}),
    "approve_minutes": decision("approve_minutes", BRANCH, at=meeting(BRANCH, present=12), votes=Votes(10, 0, 2), facts={"concerns_body_id": BRANCH.id}),
    "elect_to_seat": decision("elect_to_seat", CONGRESS, target=alice, at=meeting(CONGRESS, present=80), facts=SEAT_CC),
    "co_opt_to_seat": decision("co_opt_to_seat", RC, target=alice, votes=Votes(6, 1), facts=CO_OPT),
    "appoint_to_seat": decision("appoint_to_seat", CC, target=zainab, facts={"seat_body_kind": "secretariat", "seats_filled": 4, "seats_total": 5}),
    "elect_officer": decision("elect_officer", RC, target=saima, facts={"office": "regional_secretary", "count_elected": True, "count_method": "irv"}),
    "fix_seats": decision("fix_seats", AGGREGATE, at=meeting(AGGREGATE, present=70), facts={"seat_body_kind": "regional_committee"}),
    # An election step by step (charter/elections): the aggregate elects the Regional Committee.
    "open_nominations": decision("open_nominations", AGGREGATE, actor=alice, facts={"seat_body_kind": "regional_committee"}),
    "nominate_candidate": alone("nominate_candidate", alice, target=saima, facts={"seat_body_kind": "regional_committee", "actor_on_electing_body": True}),
    "accept_nomination": alone("accept_nomination", saima, target=saima, facts={"seat_body_kind": "regional_committee", "nominators": 2, "in_writing": True}),
    "withdraw_candidacy": alone("withdraw_candidacy", saima, target=saima, facts={"seat_body_kind": "regional_committee"}),
    "close_nominations": decision("close_nominations", AGGREGATE, actor=alice, facts={"seat_body_kind": "regional_committee"}),
    "stand_for_election": alone("stand_for_election", None, target=saima, facts={"seat_body_kind": "regional_committee", "nominators": 2, "accepted": True}),
    "frame_charge": Proposal(act="frame_charge", on=ON, actor=sara, body=SECRETARIAT, target=farhan, grounds=("misuse_of_funds",), facts={"facts": "Kept the branch's collection."}),
    "interim_suspension": Proposal(act="interim_suspension", on=ON, actor=sara, body=SECRETARIAT, target=farhan, grounds=("misuse_of_funds",), reasons="Pending the CC's decision.", facts={"open_charge": True, "days": 30}),
    "warn_member": decision("warn_member", RC, target=farhan, grounds=("breach_of_document",), facts=DUE_PROCESS),
    "suspend_member": decision("suspend_member", CC, target=farhan, grounds=("misuse_of_funds",), votes=Votes(9, 4, 2), facts={**DUE_PROCESS, "days": 183}),
    "expel_member": decision("expel_member", CC, target=farhan, grounds=("harassment_or_violence",), at=meeting(CC, present=13), votes=Votes(11, 2), facts=DUE_PROCESS),
    "file_appeal": alone("file_appeal", farhan, target=farhan, facts={"window_from": ON - dt.timedelta(days=30)}),
    "decide_appeal": decision("decide_appeal", CONTROL, target=farhan, votes=Votes(2, 1), facts={"participants_sitting": 0}),
    "refer_appeal": alone("refer_appeal", farhan, target=farhan),
    # A disciplinary case, step by step (charter/discipline).
    "deliver_charge": Proposal(act="deliver_charge", on=ON, actor=sara, body=SECRETARIAT, target=farhan, facts={"open_charge": True}),
    "reply_to_charge": alone("reply_to_charge", farhan, target=farhan, facts={"open_charge": True, "in_writing": True, "charge_delivered_on": ON - dt.timedelta(days=14)}),
    "schedule_hearing": Proposal(act="schedule_hearing", on=ON, actor=zainab, body=CC, target=farhan, facts={"open_charge": True, "meeting_body_kind": "central_committee", "notice_hours": 14 * 24}),
    "name_companion": alone("name_companion", farhan, target=farhan),
    "record_recusal": Proposal(act="record_recusal", on=ON, actor=zainab, body=CC, facts={"concerns_body_id": CC.id}),
    "minute_hearing": Proposal(act="minute_hearing", on=ON, actor=zainab, body=CC, facts={"concerns_body_id": CC.id}),
    "end_suspension": alone("end_suspension", None, target=replace(farhan, status="suspended")),
    "lapse_interim_suspension": alone("lapse_interim_suspension", None, target=replace(farhan, status="suspended")),
    "schedule_appeal_hearing": Proposal(act="schedule_appeal_hearing", on=ON, actor=imran, body=CONTROL, target=farhan, facts={"meeting_body_kind": "control_commission", "notice_hours": 14 * 24}),
    "decide_referral": decision("decide_referral", CONGRESS, target=farhan, at=meeting(CONGRESS, present=80)),
    "amend_rulebook": decision("amend_rulebook", CONGRESS, at=meeting(CONGRESS, present=90), votes=Votes(60, 30), facts={"circulated_on": ON - dt.timedelta(days=60)}),
    # Finance (Article 10): the secretaries keep the accounts of their own units.
    "set_dues_bands": decision("set_dues_bands", CONGRESS, at=meeting(CONGRESS, present=80), target_unit=SECTION),
    "assign_dues_band": alone("assign_dues_band", bilal, target=alice, office="branch_secretary", facts={"office_unit_ids": [KARACHI.id]}),
    "record_dues_payment": alone("record_dues_payment", rashid, target=leila, office="regional_secretary", facts={"office_unit_ids": [SINDH.id]}),
    "import_bank_statement": Proposal(act="import_bank_statement", on=ON, actor=bilal, office="branch_secretary", target_unit=KARACHI, facts={"office_unit_ids": [KARACHI.id]}),
    "open_fund": decision("open_fund", CC, target_unit=SECTION),
    "pledge_to_fund": alone("pledge_to_fund", alice, target=alice),
    "receive_contribution": Proposal(act="receive_contribution", on=ON, actor=rashid, office="regional_secretary", target_unit=KARACHI, facts={"office_unit_ids": [SINDH.id]}),
    # Conferences and the Congress (charter/conferences).
    "convene_conference": decision("convene_conference", CC),
    "convene_congress": decision("convene_congress", CC, facts={"meeting_body_kind": "congress", "notice_hours": 60 * 24}),
    "register_for_conference": alone("register_for_conference", alice, target=alice, facts={"registration_closes_on": ON}),
    "register_observer": alone("register_observer", sara, facts={"actor_organizes": True, "registration_closes_on": ON}),
    "elect_delegate": decision("elect_delegate", BRANCH, target=farhan, facts={"seat_body_kind": "congress", "delegates_allocated": 2, "delegates_elected": 1, "count_elected": True, "count_method": "irv", "seats_in_election": 1}),
    "dispute_credentials": alone("dispute_credentials", alice, target=alice, facts={"registered_with_vote": True}),
    "decide_credentials": decision("decide_credentials", CC),
    "check_in_participant": alone("check_in_participant", sara, facts={"actor_organizes": True, "registered": True}),
    "plan_programme": alone("plan_programme", sara, facts={"actor_organizes": True}),
    "decide_in_commission": alone("decide_in_commission", alice, facts={"actor_chairs": True, "votes_yes": 5, "votes_no": 4}),
    "submit_resolution": alone("submit_resolution", alice, target=alice, facts={"registered_with_vote": True}),
    "support_resolution": alone("support_resolution", alice, target=alice, facts={"registered_with_vote": True}),
    "submit_amendment": alone("submit_amendment", alice, target=alice, facts={"registered_with_vote": True}),
    "adopt_resolution": alone("adopt_resolution", None, facts={"votes": {"yes": 10, "no": 9, "abstain": 30}}),  # abstentions are not cast (6.1)
    "adopt_amendment": alone("adopt_amendment", None, facts={"votes": {"yes": 1, "no": 0, "abstain": 0}}),
}

NEVER_ALLOWED = {"remove_from_seat"}


def test_every_act_of_the_rulebook_has_a_case():
    assert set(ALLOWED) | NEVER_ALLOWED == set(RB.acts)


@pytest.mark.parametrize("act", sorted(ALLOWED))
def test_allowed(act):
    verdict = judge(RB, ALLOWED[act])
    assert verdict.allowed, [b.message for b in verdict.breaches]


# --- for each act, a proposal the rules refuse, and the exact articles cited -----------------------

REFUSED: dict[str, tuple[Proposal, set[str]]] = {
    "apply_for_membership": (replace(ALLOWED["apply_for_membership"], actor=rashid), {"1.1"}),  # for someone else
    "admit_member": (decision("admit_member", RC_PUNJAB, target=ali), {"1.1"}),
    "refuse_admission": (replace(ALLOWED["refuse_admission"], reasons=""), {"1.1"}),
    "lapse_member": (alone("lapse_member", rashid, target=omar, office="regional_secretary", facts=ALLOWED["lapse_member"].facts), {"3.5"}),
    "reinstate_member": (replace(ALLOWED["reinstate_member"], facts={"arrears_paid": True, "lapsed_on": ON - dt.timedelta(days=400)}), {"1.4"}),
    "resign_membership": (replace(ALLOWED["resign_membership"], facts={}), {"1.5"}),
    "erase_person": (alone("erase_person", alice, target=alice), {"1.2"}),  # still a member: resigns first
    "transfer_member": (decision("transfer_member", RC_PUNJAB, target=alice), {"2.2"}),
    "create_unit": (decision("create_unit", CC, facts={"level": "branch"}), {"2.1"}),
    "merge_units": (replace(ALLOWED["merge_units"], facts={"level": "branch"}), {"2.1"}),
    "dissolve_unit": (decision("dissolve_unit", RC, target_unit=SINDH, facts={"level": "region", "heard_concerned": True}), {"2.1"}),
    "convene_meeting": (replace(ALLOWED["convene_meeting"], facts={**ALLOWED["convene_meeting"].facts, "notice_hours": 5 * 24}), {"4.1"}),
    "record_attendance": (replace(ALLOWED["record_attendance"], facts={"concerns_body_id": RC.id}), {"4.4"}),
    "decide_motion": (replace(ALLOWED["decide_motion"], meeting=meeting(BRANCH, present=9)), {"4.2"}),
    "approve_minutes": (replace(ALLOWED["approve_minutes"], votes=Votes(5, 5, 2)), {"4.3"}),
    "elect_to_seat": (replace(ALLOWED["elect_to_seat"], target=omar), {"5.2"}),
    "co_opt_to_seat": (replace(ALLOWED["co_opt_to_seat"], facts={**CO_OPT, "seats_co_opted": 3}), {"3.7"}),
    "appoint_to_seat": (decision("appoint_to_seat", CC, target=alice, facts={"seat_body_kind": "regional_committee", "seats_filled": 6, "seats_total": 7}), {"3.5", "3.7"}),
    "elect_officer": (replace(ALLOWED["elect_officer"], target=alice), {"3.5"}),  # not on the committee
    "remove_from_seat": (decision("remove_from_seat", RC, target=saima, facts={"seat_body_kind": "regional_committee"}), {"3.7"}),
    "fix_seats": (decision("fix_seats", RC, facts={"seat_body_kind": "regional_committee"}), {"3.5"}),
    "open_nominations": (decision("open_nominations", RC, actor=saima, facts={"seat_body_kind": "regional_committee"}), {"5.2"}),  # the aggregate elects
    "nominate_candidate": (alone("nominate_candidate", alice, target=zainab, facts={"seat_body_kind": "control_commission", "actor_on_electing_body": True}), {"3.4"}),
    "accept_nomination": (alone("accept_nomination", alice, target=saima, facts={"seat_body_kind": "regional_committee", "nominators": 2, "in_writing": True}), {"5.2"}),
    "withdraw_candidacy": (alone("withdraw_candidacy", alice, target=saima, facts={"seat_body_kind": "regional_committee"}), {"5.2"}),
    "close_nominations": (decision("close_nominations", CONGRESS, actor=alice, facts={"seat_body_kind": "regional_committee"}), {"5.2"}),
    "stand_for_election": (alone("stand_for_election", None, target=omar, facts={"seat_body_kind": "regional_committee", "nominators": 1, "accepted": False}), {"5.2"}),
    "frame_charge": (replace(ALLOWED["frame_charge"], facts={}), {"7.4"}),
    "interim_suspension": (replace(ALLOWED["interim_suspension"], grounds=("breach_of_document",)), {"7.5"}),
    "warn_member": (replace(ALLOWED["warn_member"], body=SECRETARIAT, actor=sara, meeting=meeting(SECRETARIAT)), {"3.3"}),
    "suspend_member": (replace(ALLOWED["suspend_member"], facts={**DUE_PROCESS, "days": 200}), {"7.2"}),
    "expel_member": (replace(ALLOWED["expel_member"], votes=Votes(9, 3, 1)), {"7.3"}),
    "file_appeal": (replace(ALLOWED["file_appeal"], facts={"window_from": ON - dt.timedelta(days=31)}), {"8.1"}),
    "decide_appeal": (replace(ALLOWED["decide_appeal"], facts={"participants_sitting": 1}), {"8.2"}),
    "refer_appeal": (alone("refer_appeal", rashid, target=farhan), {"8.3"}),
    "deliver_charge": (alone("deliver_charge", rashid, target=farhan, office="regional_secretary", facts={"open_charge": True}), {"3.5"}),
    "reply_to_charge": (replace(ALLOWED["reply_to_charge"], facts={"open_charge": True, "in_writing": True, "charge_delivered_on": ON - dt.timedelta(days=15)}), {"7.4"}),
    "schedule_hearing": (replace(ALLOWED["schedule_hearing"], actor=sara, body=SECRETARIAT), {"7.4"}),  # not a deciding body
    "name_companion": (alone("name_companion", rashid, target=farhan), {"7.4"}),
    "record_recusal": (replace(ALLOWED["record_recusal"], facts={"concerns_body_id": CONTROL.id}), {"7.4"}),
    "minute_hearing": (replace(ALLOWED["minute_hearing"], actor=alice), {"4.4"}),  # alice is not on the CC
    "end_suspension": (alone("end_suspension", None, target=farhan), {"7.2"}),  # not suspended
    "lapse_interim_suspension": (alone("lapse_interim_suspension", sara, target=farhan), {"7.5"}),
    "schedule_appeal_hearing": (replace(ALLOWED["schedule_appeal_hearing"], facts={"meeting_body_kind": "control_commission", "notice_hours": 5 * 24}), {"4.1"}),
    "decide_referral": (replace(ALLOWED["decide_referral"], reasons=""), {"8.3"}),
    "amend_rulebook": (replace(ALLOWED["amend_rulebook"], facts={"circulated_on": ON - dt.timedelta(days=30)}), {"12.1"}),
    "set_dues_bands": (decision("set_dues_bands", CC, target_unit=SECTION), {"10.1"}),  # Congress sets the bands
    "assign_dues_band": (replace(ALLOWED["assign_dues_band"], target=lahore_member), {"3.6"}),  # not his branch
    "record_dues_payment": (alone("record_dues_payment", alice, target=farhan, office="branch_secretary", facts={"office_unit_ids": []}), {"3.6"}),
    "import_bank_statement": (replace(ALLOWED["import_bank_statement"], target_unit=SINDH), {"3.6"}),  # the region's, not the branch's
    "open_fund": (decision("open_fund", RC_PUNJAB, target_unit=SINDH), {"10.1"}),
    "pledge_to_fund": (alone("pledge_to_fund", alice, target=farhan), {"10.1"}),  # a pledge is one's own
    "receive_contribution": (replace(ALLOWED["receive_contribution"], target_unit=LAHORE), {"3.5"}),
    "convene_conference": (decision("convene_conference", RC), {"6.1"}),  # only the CC convenes one
    "convene_congress": (replace(ALLOWED["convene_congress"], facts={"meeting_body_kind": "congress", "notice_hours": 30 * 24}), {"4.1"}),
    "register_for_conference": (alone("register_for_conference", omar, target=omar, facts={"registration_closes_on": ON}), {"1.3"}),
    "register_observer": (replace(ALLOWED["register_observer"], facts={"actor_organizes": True, "registration_closes_on": ON - dt.timedelta(days=1), "with_vote": True}), {"6.1"}),
    "elect_delegate": (replace(ALLOWED["elect_delegate"], facts={**ALLOWED["elect_delegate"].facts, "delegates_elected": 2}), {"3.1"}),
    "dispute_credentials": (alone("dispute_credentials", alice, target=alice, facts={"registered_with_vote": False}), {"6.1"}),  # at a congress, a member without a vote
    "decide_credentials": (replace(ALLOWED["decide_credentials"], reasons=""), {"6.1"}),
    "check_in_participant": (alone("check_in_participant", sara, facts={"actor_organizes": True, "registered": False}), {"6.1"}),
    "plan_programme": (alone("plan_programme", alice, facts={"actor_organizes": False}), {"6.1"}),
    "decide_in_commission": (replace(ALLOWED["decide_in_commission"], facts={"actor_chairs": True, "votes_yes": 4, "votes_no": 4}), {"4.3"}),
    "submit_resolution": (alone("submit_resolution", alice, target=alice, facts={"registered_with_vote": False}), {"6.1"}),  # registered without a vote
    "support_resolution": (alone("support_resolution", alice, target=alice, facts={"registered_with_vote": False}), {"6.1"}),  # an observer, or a refused credential
    "submit_amendment": (alone("submit_amendment", alice, target=rashid, facts={"registered_with_vote": True}), {"6.1"}),  # in another's name
    "adopt_resolution": (alone("adopt_resolution", None, facts={"votes": {"yes": 10, "no": 10, "abstain": 3}}), {"6.1"}),  # a tie is not a majority
    "adopt_amendment": (alone("adopt_amendment", None, facts={}), {"6.1"}),  # no vote
}


def test_every_act_has_a_refused_case():
    assert set(REFUSED) == set(RB.acts)


@pytest.mark.parametrize("act", sorted(REFUSED))
def test_refused(act):
    proposal, expected = REFUSED[act]
    verdict = judge(RB, proposal)
    assert set(verdict.articles) == expected, [(b.article, b.code, b.message) for b in verdict.breaches]


def test_nobody_may_remove_an_elected_member_from_their_seat():
    for p in (
        decision("remove_from_seat", RC, target=saima, facts={"seat_body_kind": "regional_committee"}),
        decision("remove_from_seat", AGGREGATE, target=saima, at=meeting(AGGREGATE, present=70), facts={"seat_body_kind": "regional_committee"}),
        alone("remove_from_seat", rashid, target=saima, office="regional_secretary"),
    ):
        verdict = judge(RB, p)
        assert {b.code for b in verdict.breaches} == {"nobody_may"}
        assert verdict.articles == ["3.7"]


# --- role x act: the disciplinary and admission powers -------------------------------------------

DISCIPLINE_FACTS = {"warn_member": DUE_PROCESS, "suspend_member": {**DUE_PROCESS, "days": 90}, "expel_member": DUE_PROCESS}
# Who acts: a body (its member records the decision), an officer alone, or the member themself.
ROLES: dict[str, Any] = {
    "central_committee": CC, "sindh_regional_committee": RC, "punjab_regional_committee": RC_PUNJAB,
    "secretariat": SECRETARIAT, "control_commission": CONTROL, "branch_meeting": BRANCH, "congress": CONGRESS,
    "regional_secretary_alone": ("office", rashid, "regional_secretary"), "the_member_themself": ("self", farhan, ""),
}
# None: allowed. The WDA: a warning by the RC (of the member's region) or the CC; suspension and
# expulsion by the CC only (7.3); the Secretariat may not decide any measure (3.3); the Regional
# Secretary has no power of their own (3.5); any other body has no such power (7.3).
DISCIPLINE_MATRIX = {
    "warn_member": {"central_committee": None, "sindh_regional_committee": None, "punjab_regional_committee": {"7.3"}, "secretariat": {"3.3"}, "control_commission": {"7.3"}, "branch_meeting": {"7.3"}, "congress": {"7.3"}, "regional_secretary_alone": {"3.5"}, "the_member_themself": {"7.3"}},
    "suspend_member": {"central_committee": None, "sindh_regional_committee": {"7.3"}, "punjab_regional_committee": {"7.3"}, "secretariat": {"3.3"}, "control_commission": {"7.3"}, "branch_meeting": {"7.3"}, "congress": {"7.3"}, "regional_secretary_alone": {"3.5"}, "the_member_themself": {"7.3"}},
    "expel_member": {"central_committee": None, "sindh_regional_committee": {"7.3"}, "punjab_regional_committee": {"7.3"}, "secretariat": {"3.3"}, "control_commission": {"7.3"}, "branch_meeting": {"7.3"}, "congress": {"7.3"}, "regional_secretary_alone": {"3.5"}, "the_member_themself": {"7.3"}},
    "admit_member": {"central_committee": {"1.1"}, "sindh_regional_committee": None, "punjab_regional_committee": {"1.1"}, "secretariat": {"1.1"}, "control_commission": {"1.1"}, "branch_meeting": {"1.1"}, "congress": {"1.1"}, "regional_secretary_alone": {"3.5"}, "the_member_themself": {"1.1"}},
}


def by_role(act: str, role: str) -> Proposal:
    who = ROLES[role]
    target = ali if act == "admit_member" else farhan
    grounds = () if act == "admit_member" else ("misuse_of_funds",)
    facts = DISCIPLINE_FACTS.get(act, {})
    if isinstance(who, tuple):
        kind, actor, office = who
        return Proposal(act=act, on=ON, actor=actor, office=office, target=actor if kind == "self" else target, grounds=grounds, reasons="Reasons.", facts=facts)
    at = meeting(who)
    votes = Votes(yes=at.roster_size, no=0)
    return decision(act, who, target=target, grounds=grounds, facts=facts, at=at, votes=votes)


@pytest.mark.parametrize(("act", "role"), [(a, r) for a in DISCIPLINE_MATRIX for r in ROLES])
def test_role_by_act(act, role):
    expected = DISCIPLINE_MATRIX[act][role]
    verdict = judge(RB, by_role(act, role))
    if expected is None:
        assert verdict.allowed, [b.message for b in verdict.breaches]
    else:
        assert set(verdict.articles) == expected, [(b.article, b.message) for b in verdict.breaches]


# --- the key cases ---------------------------------------------------------------------------------


def test_scenario_1_regional_secretary_expelling_through_the_secretariat_for_inactivity():
    p = Proposal(act="expel_member", on=ON, actor=rashid, body=SECRETARIAT, target=farhan, grounds=("inactivity",), reasons="inactivity")
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"3.3", "3.5", "1.4", "7.1", "7.4"}
    assert {b.code for b in verdict.breaches} == {"body_may_not", "office_has_no_power", "never_a_ground", "not_a_ground", "no_charge", "no_reply_period", "no_hearing"}
    # The Secretariat gets no advice on how it "would" have had to meet: it has no such power at all.
    assert not any(b.code in ("no_meeting", "no_quorum", "no_vote") for b in verdict.breaches)


# 7.3: "an expulsion only by the CC, by two thirds of its members present and voting". The WDA reads
# this as two thirds of the body's members (all 15 seats), who must be present and vote for it; the
# rulebook says so with `majority: {fraction: "2/3", of: members}`. 10 of 15 are needed, whatever
# the turnout or the abstentions.
@pytest.mark.parametrize(
    ("votes", "present", "allowed"),
    [
        (Votes(9, 3, 1), 13, False),  # 9 of 15 members: short of 10, though 9 of 12 cast is three quarters
        (Votes(10, 0, 0), 10, True),
        (Votes(10, 5, 0), 15, True),
        (Votes(11, 2, 0), 13, True),
        (Votes(9, 0, 0), 9, False),  # unanimous, but only 9 of 15
    ],
)
def test_expulsion_needs_two_thirds_of_all_members(votes, present, allowed):
    p = decision("expel_member", CC, target=farhan, grounds=("misuse_of_funds",), at=meeting(CC, present=present), votes=votes, facts=DUE_PROCESS)
    verdict = judge(RB, p)
    assert verdict.allowed is allowed
    if not allowed:
        assert set(verdict.articles) == {"7.3"}
        assert [b.code for b in verdict.breaches] == ["majority_not_reached"]
        assert "two thirds of all the body's members" in verdict.breaches[0].message
        assert "needed 10" in verdict.breaches[0].message


def test_expulsion_at_an_urgent_meeting_is_refused():
    at = meeting(CC, notice_hours=48, urgent=True, reason="The press has the story.")
    p = decision("expel_member", CC, target=farhan, grounds=("misuse_of_funds",), at=at, votes=Votes(12, 0), facts=DUE_PROCESS)
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"7.3", "4.1"}
    assert {b.code for b in verdict.breaches} == {"needs_full_notice", "urgent_forbidden"}


def test_a_warning_at_an_urgent_meeting_is_refused_too():
    at = meeting(RC, notice_hours=48, urgent=True, reason="Urgent.")
    p = decision("warn_member", RC, target=farhan, grounds=("misuse_of_funds",), at=at, facts=DUE_PROCESS)
    assert articles(p) == {"4.1"}


@pytest.mark.parametrize(
    ("base", "present", "allowed"),
    [
        (30, 10, True),  # one third of 30 members in good standing
        (30, 9, False),
        (31, 11, True),  # at least one third: 10.33 -> 11
        (31, 10, False),
        (6, 3, True),  # one third would be 2: at least 3
        (6, 2, False),
        (3, 3, True),
    ],
)
def test_branch_meeting_quorum_is_one_third_of_members_in_good_standing_and_at_least_three(base, present, allowed):
    at = meeting(BRANCH, roster=base + 5, base=base, present=present)
    p = decision("decide_motion", BRANCH, at=at, votes=Votes(present, 0), facts={"concerns_body_id": BRANCH.id})
    verdict = judge(RB, p)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.articles == ["4.2"] and verdict.breaches[0].code == "no_quorum"


@pytest.mark.parametrize(
    ("body", "roster", "present", "allowed"),
    [(RC, 7, 4, True), (RC, 7, 3, False), (RC, 8, 4, False), (RC, 8, 5, True), (CC, 15, 8, True), (CC, 15, 7, False), (CONTROL, 3, 2, True), (CONTROL, 3, 1, False)],
)
def test_committee_quorum_is_more_than_half(body, roster, present, allowed):
    at = meeting(body, roster=roster, present=present)
    p = decision("decide_motion", body, at=at, votes=Votes(present, 0), facts={"concerns_body_id": body.id})
    verdict = judge(RB, p)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.articles == ["4.2"]


def test_congress_quorum_is_more_than_half_of_the_delegates():
    assert articles(decision("amend_rulebook", CONGRESS, at=meeting(CONGRESS, present=50), votes=Votes(50, 0), facts={"circulated_on": ON - dt.timedelta(days=90)})) == {"4.2"}
    assert articles(decision("amend_rulebook", CONGRESS, at=meeting(CONGRESS, present=51), votes=Votes(51, 0), facts={"circulated_on": ON - dt.timedelta(days=90)})) == set()


def test_admission_by_the_committee_of_another_region_is_refused():
    verdict = judge(RB, decision("admit_member", RC_PUNJAB, target=ali))
    assert set(verdict.articles) == {"1.1"}
    assert [b.code for b in verdict.breaches] == ["body_lacks_power"]
    # ... while that committee may admit in its own region.
    assert judge(RB, decision("admit_member", RC_PUNJAB, target=lahori)).allowed


def test_admission_by_the_regional_secretary_alone_is_refused():
    verdict = judge(RB, alone("admit_member", rashid, target=ali, office="regional_secretary"))
    assert set(verdict.articles) == {"3.5"}
    assert [b.code for b in verdict.breaches] == ["office_has_no_power"]


def test_a_regional_committee_decision_recorded_by_someone_not_on_it_is_refused():
    verdict = judge(RB, decision("admit_member", RC, actor=alice, target=ali))
    assert [b.code for b in verdict.breaches] == ["not_on_body"]
    assert set(verdict.articles) == {"1.1"}


@pytest.mark.parametrize("body", [RC, SECRETARIAT, CC], ids=["by_the_committee", "by_the_secretariat", "by_the_cc"])
def test_scenario_7_appointment_to_the_regional_committee_is_refused(body):
    p = decision("appoint_to_seat", body, target=alice, facts={"seat_body_kind": "regional_committee", "seats_filled": 6, "seats_total": 7})
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"3.5", "3.7"}
    assert {b.code for b in verdict.breaches} == {"seat_is_elected"}


def test_co_option_beyond_one_third_of_the_seats_is_refused():
    p = decision("co_opt_to_seat", RC, target=alice, facts={**CO_OPT, "seats_co_opted": 3})
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"3.7"}
    assert [b.code for b in verdict.breaches] == ["co_option_cap"]
    # Seven seats: at most two co-opted (one third of 7 is 2.33).
    assert articles(decision("co_opt_to_seat", RC, target=alice, facts={**CO_OPT, "seats_total": 7, "seats_filled": 6, "seats_co_opted": 2})) == {"3.7"}
    assert articles(decision("co_opt_to_seat", RC, target=alice, facts={**CO_OPT, "seats_total": 7, "seats_filled": 6, "seats_co_opted": 1})) == set()


def test_co_option_by_another_body_is_refused():
    p = decision("co_opt_to_seat", RC_PUNJAB, target=alice, facts=CO_OPT)
    assert articles(p) == {"3.7"}


def test_a_cc_member_elected_to_the_control_commission_is_refused():
    facts = {**SEAT_CC, "seat_body_kind": "control_commission", "seats_filled": 2, "seats_total": 3, "seats_in_election": 3}
    verdict = judge(RB, decision("elect_to_seat", CONGRESS, target=zainab, at=meeting(CONGRESS, present=80), facts=facts))
    assert set(verdict.articles) == {"3.4"}
    assert [b.code for b in verdict.breaches] == ["incompatible"]
    assert judge(RB, decision("elect_to_seat", CONGRESS, target=alice, at=meeting(CONGRESS, present=80), facts=facts)).allowed


def test_a_secretariat_appointee_must_sit_on_the_cc():
    p = decision("appoint_to_seat", CC, target=alice, facts={"seat_body_kind": "secretariat", "seats_filled": 4, "seats_total": 5})
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"3.3"}
    assert [b.code for b in verdict.breaches] == ["not_drawn_from"]


def test_interim_suspension_on_ground_b_is_refused():
    p = replace(ALLOWED["interim_suspension"], grounds=("breach_of_document",))
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"7.5"}
    assert [b.code for b in verdict.breaches] == ["ground_not_allowed_here"]
    assert "7.1(c)" in verdict.breaches[0].message and "7.1(d)" in verdict.breaches[0].message


def test_interim_suspension_longer_than_30_days_is_refused():
    p = replace(ALLOWED["interim_suspension"], facts={"open_charge": True, "days": 31})
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"7.5"}
    assert [b.code for b in verdict.breaches] == ["too_long"]


def test_interim_suspension_without_an_open_charge_or_by_the_cc_is_refused():
    assert articles(replace(ALLOWED["interim_suspension"], facts={"days": 10})) == {"7.5"}
    p = Proposal(act="interim_suspension", on=ON, actor=zainab, body=CC, target=farhan, grounds=("misuse_of_funds",), reasons="r", facts={"open_charge": True, "days": 10})
    assert [b.code for b in judge(RB, p).breaches] == ["body_lacks_power"]


def test_suspension_longer_than_six_months_is_refused():
    p = replace(ALLOWED["suspend_member"], facts={**DUE_PROCESS, "days": 200})
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"7.2"}
    assert [b.code for b in verdict.breaches] == ["too_long"]


@pytest.mark.parametrize(
    ("reminders", "allowed"),
    [
        ([], False),
        ([dt.date(2026, 9, 1)], False),
        ([dt.date(2026, 9, 1), dt.date(2026, 9, 20)], False),  # 19 days apart
        ([dt.date(2026, 9, 1), dt.date(2026, 9, 15), dt.date(2026, 9, 25)], False),
        ([dt.date(2026, 9, 1), dt.date(2026, 10, 1)], True),  # 30 days apart
    ],
)
def test_lapse_needs_two_written_reminders_30_days_apart(reminders, allowed):
    p = alone("lapse_member", None, target=omar, facts={"arrears_months": 7, "reminder_dates": reminders})
    verdict = judge(RB, p)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.articles == ["1.4"] and [b.code for b in verdict.breaches] == ["reminders_missing"]


def test_lapse_needs_six_months_of_arrears_and_is_charters_own_act():
    facts = {"arrears_months": 5, "reminder_dates": [dt.date(2026, 8, 1), dt.date(2026, 9, 1)]}
    assert [b.code for b in judge(RB, alone("lapse_member", None, target=omar, facts=facts)).breaches] == ["not_enough_arrears"]
    # Nobody lapses a member by hand: not a committee, not a secretary.
    assert articles(decision("lapse_member", RC, target=omar, facts={**facts, "arrears_months": 7})) == {"1.4"}
    assert articles(alone("lapse_member", rashid, target=omar, office="regional_secretary", facts={**facts, "arrears_months": 7})) == {"3.5"}


def test_reinstatement_only_within_a_year():
    assert articles(alone("reinstate_member", None, target=leila, facts={"arrears_paid": True, "lapsed_on": ON - dt.timedelta(days=366)})) == {"1.4"}
    assert articles(alone("reinstate_member", None, target=leila, facts={"arrears_paid": False, "lapsed_on": ON - dt.timedelta(days=10)})) == {"1.4"}


def test_a_candidate_not_in_good_standing_is_refused():
    p = decision("elect_to_seat", CONGRESS, target=omar, at=meeting(CONGRESS, present=80), facts=SEAT_CC)
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"5.2"}
    assert [b.code for b in verdict.breaches] == ["candidate_not_in_good_standing"]


def test_candidacy_needs_two_nominators_written_acceptance_and_the_count():
    p = decision("elect_to_seat", CONGRESS, target=alice, at=meeting(CONGRESS, present=80), facts={**SEAT_CC, "nominators": 1, "accepted": False})
    assert {b.code for b in judge(RB, p).breaches} == {"not_nominated", "not_accepted"}
    assert articles(p) == {"5.2"}
    wrong_method = decision("elect_to_seat", CONGRESS, target=alice, at=meeting(CONGRESS, present=80), facts={**SEAT_CC, "count_method": "irv"})
    assert articles(wrong_method) == {"5.1"}


@pytest.mark.parametrize(("facts", "codes"), [
    ({"actor_on_electing_body": False}, {"not_authorised"}),  # a nominator not on the electing body
    ({"actor_on_electing_body": True}, set()),
])
def test_only_a_member_of_the_electing_body_nominates(facts, codes):
    p = alone("nominate_candidate", alice, target=saima, facts={"seat_body_kind": "regional_committee", **facts})
    assert {b.code for b in judge(RB, p).breaches} == codes
    assert articles(p) == ({"5.2"} if codes else set())


@pytest.mark.parametrize(("facts", "target", "codes"), [
    ({"nominators": 1, "accepted": True}, "saima", {"not_nominated"}),
    ({"nominators": 2, "accepted": False}, "saima", {"not_accepted"}),
    ({"nominators": 2, "accepted": True}, "omar", {"candidate_not_in_good_standing"}),
    ({"nominators": 3, "accepted": True}, "saima", set()),
])
def test_who_stands_on_the_ballot(facts, target, codes):
    who = {"saima": saima, "omar": omar}[target]
    p = alone("stand_for_election", None, target=who, facts={"seat_body_kind": "regional_committee", **facts})
    assert {b.code for b in judge(RB, p).breaches} == codes


def test_an_officer_candidate_must_sit_on_the_body_and_accept_in_writing():
    office = {"office": "regional_secretary"}
    assert articles(alone("stand_for_election", None, target=alice, facts={**office, "nominators": 2, "accepted": True})) == {"3.5"}
    assert judge(RB, alone("stand_for_election", None, target=saima, facts={**office, "nominators": 2, "accepted": True})).allowed
    unwritten = alone("accept_nomination", saima, target=saima, facts={**office, "nominators": 2, "in_writing": False})
    assert [b.code for b in judge(RB, unwritten).breaches] == ["not_in_writing"]


def test_resignation_not_in_writing_is_refused():
    verdict = judge(RB, alone("resign_membership", alice, target=alice, facts={"in_writing": False}))
    assert set(verdict.articles) == {"1.5"}
    assert [b.code for b in verdict.breaches] == ["not_in_writing"]


def test_nobody_resigns_for_someone_else():
    assert articles(alone("resign_membership", rashid, target=alice, facts={"in_writing": True})) == {"1.5"}


@pytest.mark.parametrize(("days", "allowed"), [(0, True), (30, True), (31, False), (90, False)])
def test_appeal_within_30_days(days, allowed):
    p = alone("file_appeal", farhan, target=farhan, facts={"window_from": ON - dt.timedelta(days=days)})
    verdict = judge(RB, p)
    assert verdict.allowed is allowed
    if not allowed:
        assert verdict.articles == ["8.1"] and [b.code for b in verdict.breaches] == ["window_closed"]


def test_decide_appeal_with_a_participant_sitting_is_refused():
    p = decision("decide_appeal", CONTROL, target=farhan, votes=Votes(2, 1), facts={"participants_sitting": 1})
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"8.2"}
    assert [b.code for b in verdict.breaches] == ["participant_sits"]


def test_the_cc_does_not_hear_appeals():
    assert articles(decision("decide_appeal", CC, target=farhan, facts={"participants_sitting": 0})) == {"8.1"}


def convene(body: Body, **facts: Any) -> Proposal:
    return Proposal(act="convene_meeting", on=ON, actor=CHAIR[body], body=body, facts={"concerns_body_id": body.id, "agenda": "Business.", **facts})


def test_branch_meeting_convened_with_five_days_notice_is_refused():
    verdict = judge(RB, convene(BRANCH, notice_hours=5 * 24))
    assert set(verdict.articles) == {"4.1"}
    assert [b.code for b in verdict.breaches] == ["notice_short"]
    assert judge(RB, convene(BRANCH, notice_hours=7 * 24)).allowed


def test_a_meeting_without_an_agenda_is_refused():
    p = convene(BRANCH, notice_hours=7 * 24, agenda="")
    assert [b.code for b in judge(RB, p).breaches] == ["no_agenda"] and articles(p) == {"4.1"}


def test_urgent_meeting_without_a_reason_is_refused():
    verdict = judge(RB, convene(RC, notice_hours=48, urgent=True, urgency_reason=""))
    assert set(verdict.articles) == {"4.1"}
    assert [b.code for b in verdict.breaches] == ["urgent_no_reason"]
    assert judge(RB, convene(RC, notice_hours=48, urgent=True, urgency_reason="A flood in the area.")).allowed


def test_urgent_meetings_are_for_committees_only():
    verdict = judge(RB, convene(BRANCH, notice_hours=48, urgent=True, urgency_reason="Soon."))
    assert [b.code for b in verdict.breaches] == ["no_urgent_meetings"] and set(verdict.articles) == {"4.1"}
    assert [b.code for b in judge(RB, convene(RC, notice_hours=24, urgent=True, urgency_reason="Soon.")).breaches] == ["urgent_notice_short"]


def test_a_decision_at_a_meeting_called_with_short_notice_is_refused():
    at = meeting(CC, notice_days=10)
    p = decision("suspend_member", CC, target=farhan, grounds=("misuse_of_funds",), at=at, votes=Votes(10, 0), facts={**DUE_PROCESS, "days": 30})
    assert articles(p) == {"4.1"}


def test_discipline_without_due_process_is_refused():
    p = decision("warn_member", RC, target=farhan, grounds=("misuse_of_funds",), facts={})
    verdict = judge(RB, p)
    assert set(verdict.articles) == {"7.4"}
    assert {b.code for b in verdict.breaches} == {"no_charge", "no_reply_period", "no_hearing"}
    running = {**DUE_PROCESS, "charge_delivered_on": ON - dt.timedelta(days=10), "replied_on": None}
    assert [b.code for b in judge(RB, replace(p, facts=running)).breaches] == ["reply_period_running"]
    conflicted = {**DUE_PROCESS, "conflicted_voters": 2}
    assert [b.code for b in judge(RB, replace(p, facts=conflicted)).breaches] == ["not_recused"]


def test_a_measure_without_grounds_or_reasons_is_refused():
    p = replace(ALLOWED["warn_member"], grounds=(), reasons="")
    assert {b.code for b in judge(RB, p).breaches} == {"no_grounds", "no_reasons"}
    assert articles(p) == {"7.1", "7.4"}


def test_expelling_someone_already_expelled_is_refused():
    gone = replace(farhan, status="expelled")
    assert articles(replace(ALLOWED["expel_member"], target=gone)) == {"7.3"}


def test_amendment_needs_two_thirds_of_votes_cast_and_circulation():
    assert articles(replace(ALLOWED["amend_rulebook"], votes=Votes(59, 30))) == {"12.1"}
    assert articles(replace(ALLOWED["amend_rulebook"], facts={"circulated_on": ON - dt.timedelta(days=59)})) == {"12.1"}


def test_unit_decisions_belong_to_the_level_manager_after_hearing():
    assert articles(decision("create_unit", CC, facts={"level": "branch"})) == {"2.1"}
    assert judge(RB, decision("create_unit", CC, facts={"level": "region"})).allowed
    assert [b.code for b in judge(RB, decision("merge_units", RC, facts={"level": "branch"})).breaches] == ["not_heard"]


def test_the_aggregate_fixes_the_committee_seats_and_the_committee_does_not():
    assert articles(decision("fix_seats", RC, facts={"seat_body_kind": "regional_committee"})) == {"3.5"}


def test_an_unknown_act_is_refused_without_an_article():
    verdict = judge(RB, alone("abolish_congress", alice))
    assert not verdict.allowed and [b.code for b in verdict.breaches] == ["unknown_act"]


# --- properties ------------------------------------------------------------------------------------


FRACTIONS = st.tuples(st.integers(1, 12), st.integers(1, 12)).filter(lambda t: t[0] <= t[1]).map(lambda t: f"{t[0]}/{t[1]}")


@given(fraction=FRACTIONS, strict=st.booleans(), minimum=st.integers(0, 6), base=st.integers(0, 600))
def test_fraction_needed_is_the_smallest_number_that_satisfies_the_rule(fraction, strict, minimum, base):
    from fractions import Fraction

    spec = {"fraction": fraction, "strict": strict, "minimum": minimum}
    needed = compute.fraction_needed(spec, base)
    share = Fraction(fraction) * base

    def satisfies(n: int) -> bool:
        return n >= minimum and (n > share if strict else n >= share)

    assert satisfies(needed)
    assert not satisfies(needed - 1)
    assert compute.meets(spec, needed, base) and not compute.meets(spec, needed - 1, base)


PEOPLE = [alice, rashid, saima, sara, zainab, imran, farhan, devi, punjabi, ali, leila, omar, lahori]
BODIES = [*ROSTER, Body(99, "politburo", SECTION, "Politburo")]
FACT_VALUES: dict[str, Any] = {
    "days": st.one_of(st.none(), st.integers(0, 400)),
    "arrears_months": st.integers(0, 12),
    "reminder_dates": st.lists(st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31)), max_size=3),
    "arrears_paid": st.booleans(),
    "lapsed_on": st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31))),
    "in_writing": st.booleans(),
    "heard_concerned": st.booleans(),
    "concerns_body_id": st.integers(0, 10),
    "notice_hours": st.floats(0, 2000, allow_nan=False),
    "urgent": st.booleans(),
    "urgency_reason": st.sampled_from(["", "A reason."]),
    "agenda": st.sampled_from(["", "Business."]),
    "meeting_body_kind": st.sampled_from([b.kind for b in BODIES]),
    "seat_body_kind": st.sampled_from([b.kind for b in BODIES]),
    "office": st.sampled_from(["", "regional_secretary", "branch_secretary", "general_secretary"]),
    "level": st.sampled_from(["", "section", "region", "area", "branch", "local"]),
    "seats_total": st.integers(0, 20),
    "seats_filled": st.integers(0, 20),
    "seats_co_opted": st.integers(0, 10),
    "nominators": st.integers(0, 5),
    "accepted": st.booleans(),
    "count_elected": st.booleans(),
    "count_method": st.sampled_from(["", "irv", "scottish-stv", "meek-stv"]),
    "seats_in_election": st.integers(1, 15),
    "office_held": st.booleans(),
    "facts": st.sampled_from(["", "Facts."]),
    "open_charge": st.booleans(),
    "participants_sitting": st.integers(0, 3),
    "circulated_on": st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2026, 12, 31))),
    "charge_delivered_on": st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    "replied_on": st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    "hearing_offered": st.booleans(),
    "conflicted_voters": st.integers(0, 3),
    "window_from": st.one_of(st.none(), st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    "participants": st.one_of(st.none(), st.integers(0, 20)),
    "uncharged_grounds": st.lists(st.sampled_from(["breach_of_document", "inactivity", "bogus"]), max_size=2),
    "appeal_outcome": st.sampled_from(["confirm", "reduce", "annul", "abolish"]),
}


@st.composite
def proposals(draw: st.DrawFn, rb: Any, people: list[Person], bodies: list[Body], offices: list[str]) -> Proposal:
    act = draw(st.sampled_from(sorted(rb.acts)))
    body = draw(st.one_of(st.none(), st.sampled_from(bodies)))
    target = draw(st.one_of(st.none(), st.sampled_from(people)))
    if target is not None:
        target = replace(target, status=draw(st.sampled_from(STATUSES)), good_standing=draw(st.booleans()))
    at = None
    if body is not None and draw(st.booleans()):
        at = Meeting(
            id=1, body=draw(st.sampled_from(bodies)), notice_hours=draw(st.floats(0, 2000, allow_nan=False)), urgent=draw(st.booleans()),
            urgency_reason=draw(st.sampled_from(["", "Reason."])), roster_size=draw(st.integers(0, 200)), quorum_base=draw(st.integers(0, 200)),
            present=draw(st.integers(0, 200)), roster_weight=draw(st.integers(0, 300)), present_weight=draw(st.integers(0, 300)),
        )
    votes = draw(st.one_of(st.none(), st.builds(Votes, st.integers(0, 300), st.integers(0, 300), st.integers(0, 300))))
    grounds = tuple(draw(st.lists(st.sampled_from([g["key"] for g in rb.grounds + rb.never_grounds] + ["bogus"]), max_size=2)))
    keys = draw(st.lists(st.sampled_from(sorted(FACT_VALUES)), unique=True, max_size=8))
    facts = {k: draw(FACT_VALUES[k]) for k in keys}
    return Proposal(
        act=act, on=ON, actor=draw(st.one_of(st.none(), st.sampled_from(people))), body=body, office=draw(st.sampled_from(offices)),
        target=target, target_unit=draw(st.one_of(st.none(), st.sampled_from([SECTION, SINDH, KARACHI, LAHORE]))), meeting=at, votes=votes,
        grounds=grounds, reasons=draw(st.sampled_from(["", "Reasons."])), facts=facts,
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p=proposals(RB, PEOPLE, BODIES, ["", "regional_secretary", "branch_secretary", "general_secretary"]))
def test_judge_never_raises_and_every_breach_cites_an_article(p):
    verdict = judge(RB, p)
    assert isinstance(verdict, Verdict) and verdict.act == p.act
    for b in verdict.breaches:
        assert b.article.strip(), b.code
        assert b.message.strip()  # the template and its parameters fit
    assert verdict.allowed == (not verdict.breaches)
