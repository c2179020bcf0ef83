"""The judge's rules for the steps of a case, as tables, under both bundled rulebooks and edited ones
(pure: no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.rulebook.judge import Body, Meeting, Person, Proposal, Seat, Unit, Votes, judge
from charter.rulebook.spec import DATA_DIR, bundled, load_text

WDA, FTU = bundled("wda-2011"), bundled("ftu-2019")
ON = dt.date(2026, 11, 1)
TOP = Unit(1, "section", (1,), "Section")
CC = Body(2, "central_committee", TOP, "Central Committee")
CONTROL = Body(4, "control_commission", TOP, "Control Commission")
member = Person(7, "member", True, Unit(111, "branch", (1, 10, 11, 111)))
chair = Person(5, "member", True, Unit(111, "branch", (1, 10, 11, 111)), seats=(Seat(2, "central_committee"), Seat(4, "control_commission")))
DUE = {"charge_delivered_on": ON - dt.timedelta(days=30), "replied_on": ON - dt.timedelta(days=20), "hearing_offered": True, "conflicted_voters": 0}


def edited(old: str, new: str) -> object:
    text = (DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8")
    assert old in text
    return load_text(text.replace(old, new, 1))


def reply(rb: object, days_since_delivery: int | None) -> set[str]:
    delivered = None if days_since_delivery is None else ON - dt.timedelta(days=days_since_delivery)
    p = Proposal(act="reply_to_charge", on=ON, actor=member, target=member, facts={"open_charge": True, "in_writing": True, "charge_delivered_on": delivered})
    return {b.code for b in judge(rb, p).breaches}  # type: ignore[arg-type]


@pytest.mark.parametrize(("rb", "days", "codes"), [
    (WDA, 0, set()), (WDA, 14, set()), (WDA, 15, {"reply_period_over"}), (WDA, None, {"charge_not_delivered"}),
    (FTU, 21, set()), (FTU, 22, {"reply_period_over"}),
])
def test_a_reply_within_the_rules_period(rb, days, codes):
    assert reply(rb, days) == codes


def test_the_reply_period_comes_from_the_rulebook():
    assert reply(edited("reply_days: 14", "reply_days: 28"), 20) == set()


def test_a_companion_only_where_the_rules_give_the_right():
    p = Proposal(act="name_companion", on=ON, actor=member, target=member)
    assert judge(WDA, p).allowed
    verdict = judge(edited("hearing: {companion: true, article: \"7.4\"}", "hearing: {article: \"7.4\"}"), p)  # type: ignore[arg-type]
    assert [(b.code, b.article) for b in verdict.breaches] == [("no_companion_right", "7.4")]


ELEVEN_TWO = Votes(11, 2)


def expel(facts: dict, votes: Votes = ELEVEN_TWO) -> set[str]:
    meeting = Meeting(id=1, body=CC, notice_hours=15 * 24, roster_size=15, quorum_base=15, present=13)
    p = Proposal(act="expel_member", on=ON, actor=chair, body=CC, target=member, meeting=meeting, votes=votes, grounds=("breach_of_document",), reasons="r", facts={**DUE, **facts})
    return {b.code for b in judge(WDA, p).breaches}


@pytest.mark.parametrize(("facts", "codes"), [
    ({"participants": 13}, set()),
    ({"participants": 12}, {"votes_beyond_participants"}),  # 13 votes counted, 12 took part
    ({"participants": None}, set()),
    ({"conflicted_voters": 1, "participants": 13}, {"not_recused"}),
    ({"uncharged_grounds": ["misuse_of_funds"]}, {"ground_not_charged"}),
    ({"hearing_offered": False}, {"no_hearing"}),
])
def test_who_takes_part_and_on_what_grounds(facts, codes):
    assert expel(facts) == codes


@pytest.mark.parametrize(("rb", "outcome", "allowed"), [
    (WDA, "annul", True), (WDA, "reduce", True), (WDA, "abolish", False),
    (edited("outcomes: [confirm, reduce, annul]", "outcomes: [confirm, annul]"), "reduce", False),
])
def test_an_appeal_outcome_must_be_one_the_rules_allow(rb, outcome, allowed):
    meeting = Meeting(id=1, body=CONTROL, notice_hours=15 * 24, roster_size=3, quorum_base=3, present=3)
    p = Proposal(act="decide_appeal", on=ON, actor=chair, body=CONTROL, target=member, meeting=meeting, votes=Votes(3, 0), reasons="r", facts={"participants_sitting": 0, "appeal_outcome": outcome})
    verdict = judge(rb, p)  # type: ignore[arg-type]
    assert verdict.allowed == allowed
    if not allowed:
        assert verdict.articles == ["8.1"]


def test_the_appeal_body_excludes_participants_and_interested_members():
    meeting = Meeting(id=1, body=CONTROL, notice_hours=15 * 24, roster_size=3, quorum_base=3, present=3)
    base = Proposal(act="decide_appeal", on=ON, actor=chair, body=CONTROL, target=member, meeting=meeting, votes=Votes(2, 0), reasons="r", facts={"participants_sitting": 1, "conflicted_voters": 1, "participants": 1})
    assert set(judge(WDA, base).articles) == {"8.2", "7.4"}
    assert {b.code for b in judge(WDA, base).breaches} == {"participant_sits", "not_recused", "votes_beyond_participants"}


@pytest.mark.parametrize("rb", [WDA, FTU], ids=["wda", "ftu"])
def test_automatic_steps_are_charter_applying_the_rules(rb):
    suspended = Person(7, "suspended", False, member.unit)
    for act in ("end_suspension", "lapse_interim_suspension"):
        assert judge(rb, Proposal(act=act, on=ON, actor=None, target=suspended)).allowed
        assert not judge(rb, Proposal(act=act, on=ON, actor=chair, target=suspended)).allowed
