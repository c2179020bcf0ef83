"""The pure rules of initiatives (charter/rulebook/initiatives.py) under both bundled rulebooks, and
broken ``initiatives`` sections reported where they are."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.rulebook import initiatives as R
from charter.rulebook import judge as J
from charter.rulebook.spec import DATA_DIR, RulebookError, bundled, load_text

WDA, FTU = bundled("wda-2011"), bundled("ftu-2019")
DAY = dt.date(2026, 11, 1)
TOP = J.Unit(1, "section", (1,))
CC = J.Body(10, "central_committee", TOP, "Central Committee")
COMMISSION = J.Body(11, "control_commission", TOP, "Control Commission")
RC = J.Body(20, "regional_committee", J.Unit(2, "region", (1, 2)), "Regional Committee, Sindh")
MEMBER = J.Person(1, "member", True, J.Unit(4, "branch", (1, 2, 3, 4)))
BEHIND = J.Person(2, "member", False, MEMBER.unit)
LAPSED = J.Person(3, "lapsed", False, MEMBER.unit)
OFFICER = J.Person(4, "member", True, MEMBER.unit, seats=(J.Seat(20, "regional_committee", "regional_secretary"),))


def codes(step: R.Step, rb=WDA) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.code for b in R.judge(rb, step).breaches]


@pytest.mark.parametrize(("members", "kind", "needed"), [
    (280, "investigation", 28), (281, "investigation", 29), (5, "investigation", 1), (0, "investigation", 1),
    (1000, "extraordinary_congress", 200), (1000, "agenda_item", 50), (10, "circulate_document", 20),
])
def test_thresholds_against_the_membership_of_the_day(members, kind, needed):
    assert R.needed(R.rule(WDA, kind), members) == needed


def test_three_regional_committees_reach_the_congress_threshold_on_their_own():
    rule = R.rule(WDA, "extraordinary_congress")
    assert R.bodies_needed(rule) == 3 and R.bodies_needed(R.rule(WDA, "investigation")) == 0
    assert not R.reached(rule, signatures=199, members_in_good_standing=1000, endorsements=2)
    assert R.reached(rule, signatures=0, members_in_good_standing=1000, endorsements=3)
    assert R.reached(rule, signatures=200, members_in_good_standing=1000)


def test_deadlines():
    agenda, congress = R.rule(WDA, "agenda_item"), R.rule(WDA, "extraordinary_congress")
    assert R.due_on(congress, DAY) == dt.date(2027, 1, 30)
    assert R.deadline(agenda, DAY) == dt.date(2026, 12, 1)
    assert R.deadline(agenda, DAY, next_meeting_on=dt.date(2026, 11, 10)) == dt.date(2026, 11, 10)  # the next ordinary meeting first
    assert R.deadline(agenda, DAY, next_meeting_on=dt.date(2027, 1, 10)) == dt.date(2026, 12, 1)
    assert R.deadline(congress, DAY, next_meeting_on=dt.date(2026, 11, 10)) == dt.date(2027, 1, 30)  # no "or" in 9.3
    assert not R.missed(agenda, DAY, dt.date(2026, 12, 1)) and R.missed(agenda, DAY, dt.date(2026, 12, 2))


def test_words():
    assert R.threshold_words(WDA, R.rule(WDA, "investigation")) == "one tenth of the members in good standing"
    assert R.threshold_words(WDA, R.rule(WDA, "extraordinary_congress")) == "one fifth of the members in good standing, or 3 bodies: Regional Committee"
    assert R.threshold_words(FTU, R.rule(FTU, "circulate_document")) == "50 members in good standing"
    assert R.obligation_words(WDA, R.rule(WDA, "agenda_item"), "Branch Meeting") == "The Branch Meeting must decide it by a recorded vote at its next ordinary meeting, and in any case within 30 days."
    assert R.obligation_words(FTU, R.rule(FTU, "special_conference"), "Executive Board") == "A meeting of the Delegate Conference must be convened within 60 days."


# (id, step, expected breach codes, expected articles)
TABLE = [
    ("start_investigation", R.Step(R.START, "investigation", DAY, MEMBER, addressed=COMMISSION), [], []),
    ("start_investigation_to_the_cc", R.Step(R.START, "investigation", DAY, MEMBER, addressed=CC), ["wrong_addressee"], ["9.2"]),
    ("start_agenda_item_to_nobody", R.Step(R.START, "agenda_item", DAY, MEMBER), ["no_addressee"], ["9.1"]),
    ("start_document_to_all_members", R.Step(R.START, "circulate_document", DAY, MEMBER), [], []),
    ("start_by_a_lapsed_member", R.Step(R.START, "circulate_document", DAY, LAPSED), ["not_a_member"], ["9.4"]),
    ("start_a_kind_the_rules_lack", R.Step(R.START, "special_conference", DAY, MEMBER), ["unknown_initiative"], [""]),
    ("sign", R.Step(R.SIGN, "investigation", DAY, MEMBER), [], []),
    ("sign_after_the_threshold", R.Step(R.SIGN, "investigation", DAY, MEMBER, state=R.OPEN), [], []),
    ("sign_in_arrears", R.Step(R.SIGN, "investigation", DAY, BEHIND), ["not_in_good_standing"], ["1.3"]),
    ("sign_twice", R.Step(R.SIGN, "investigation", DAY, MEMBER, signed=True), ["already_signed"], ["9.2"]),
    ("sign_when_fulfilled", R.Step(R.SIGN, "investigation", DAY, MEMBER, state=R.FULFILLED), ["initiative_closed"], ["9.2"]),
    ("sign_lapsed", R.Step(R.SIGN, "investigation", DAY, LAPSED), ["not_a_member"], ["9.2"]),
    ("withdraw", R.Step(R.WITHDRAW, "investigation", DAY, MEMBER, signed=True), [], []),
    ("withdraw_unsigned", R.Step(R.WITHDRAW, "investigation", DAY, MEMBER), ["not_signed"], ["9.2"]),
    ("withdraw_after_the_threshold", R.Step(R.WITHDRAW, "investigation", DAY, MEMBER, signed=True, state=R.OPEN), ["threshold_reached"], ["9.2"]),
    ("endorse_by_a_regional_committee", R.Step(R.ENDORSE, "extraordinary_congress", DAY, OFFICER, body=RC), [], []),
    ("endorse_twice", R.Step(R.ENDORSE, "extraordinary_congress", DAY, OFFICER, body=RC, endorsed=True), ["already_endorsed"], ["9.3"]),
    ("endorse_by_the_cc", R.Step(R.ENDORSE, "extraordinary_congress", DAY, OFFICER, body=CC), ["wrong_body"], ["9.3"]),
    ("endorse_an_investigation", R.Step(R.ENDORSE, "investigation", DAY, OFFICER, body=RC), ["no_bodies_alternative"], ["9.2"]),
    ("answer", R.Step(R.ANSWER, "investigation", DAY, MEMBER, addressed=COMMISSION, body=COMMISSION, state=R.OPEN, fulfils="investigation_opened"), [], []),
    ("answer_late", R.Step(R.ANSWER, "investigation", DAY, MEMBER, addressed=COMMISSION, body=COMMISSION, state=R.MISSED, fulfils="investigation_opened"), [], []),
    ("answer_before_the_threshold", R.Step(R.ANSWER, "investigation", DAY, MEMBER, addressed=COMMISSION, body=COMMISSION, fulfils="investigation_opened"), ["no_obligation"], ["9.2"]),
    ("answer_by_another_body", R.Step(R.ANSWER, "investigation", DAY, MEMBER, addressed=COMMISSION, body=CC, state=R.OPEN, fulfils="investigation_opened"), ["not_addressed"], ["9.2"]),
    ("answer_the_wrong_way", R.Step(R.ANSWER, "investigation", DAY, MEMBER, addressed=COMMISSION, body=COMMISSION, state=R.OPEN, fulfils="recorded_vote"), ["wrong_fulfilment"], ["9.2"]),
    ("answer_twice", R.Step(R.ANSWER, "agenda_item", DAY, MEMBER, addressed=CC, body=CC, state=R.FULFILLED, fulfils="recorded_vote"), ["already_fulfilled"], ["9.1"]),
    ("officer_stops_a_document", R.Step(R.STOP, "circulate_document", DAY, OFFICER, office="regional_secretary"), ["circulation_unconditional"], ["9.4"]),
    ("body_alters_a_document", R.Step(R.ALTER, "circulate_document", DAY, OFFICER, body=CC), ["circulation_unconditional"], ["9.4"]),
    ("officer_stops_an_investigation", R.Step(R.STOP, "investigation", DAY, OFFICER, body=CC), ["initiative_unconditional"], ["9.2"]),
]


@pytest.mark.parametrize(("step", "expected", "articles"), [t[1:] for t in TABLE], ids=[t[0] for t in TABLE])
def test_judge_table(step, expected, articles):
    verdict = R.judge(WDA, step)
    assert [b.code for b in verdict.breaches] == expected
    assert [b.article for b in verdict.breaches] == articles
    for b in verdict.breaches:
        assert b.message.strip()


def test_the_federation_cites_its_own_rules():
    assert codes(R.Step(R.START, "investigation", DAY, MEMBER), FTU) == ["unknown_initiative"]
    v = R.judge(FTU, R.Step(R.WITHDRAW, "special_conference", DAY, MEMBER, signed=True, state=R.OPEN))
    assert v.articles == ["R13.1"]
    v = R.judge(FTU, R.Step(R.SIGN, "circulate_document", DAY, BEHIND))
    assert v.articles == ["R3.2"]
    assert R.fulfilled_by(R.rule(FTU, "special_conference")) == "meeting_convened"


WDA_TEXT = (DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(RulebookError) as exc:
        load_text(text, "broken.yaml")
    return [f"{p.line}: {p.path}: {p.message}" for p in exc.value.problems]


@pytest.mark.parametrize(("old", "new", "path", "words"), [
    ("    fulfilled_by: investigation_opened\n", "    fulfilled_by: investigation_started\n", "initiatives[1].fulfilled_by", "should be one of recorded_vote"),
    ("    convenes: congress\n", "", "initiatives[2]", "does not say which body's ('convenes')"),
    ("    convenes: congress\n", "    convenes: soviet\n", "initiatives[2].convenes", "names the body 'soviet', which is not defined"),
    ("    fulfilled_by: investigation_opened\n", "    fulfilled_by: investigation_opened\n    convenes: congress\n", "initiatives[1].convenes", "only applies to"),
    ("    threshold: {members_in_good_standing: 50}\n", "    threshold: {members_in_good_standing: 50, fraction: \"1/10\"}\n", "initiatives[0].threshold", "either 'members_in_good_standing'"),
    ("    threshold: {members_in_good_standing: 50}\n", "    threshold: {of: members_in_good_standing}\n", "initiatives[0].threshold", "either 'members_in_good_standing'"),
    ("    deadline: {days: 30, or: next_ordinary_meeting}\n", "    deadline: {days: 30, or: next_full_moon}\n", "initiatives[0].deadline.or", "should be one of next_ordinary_meeting"),
    ("  - key: investigation\n", "  - key: agenda_item\n", "initiatives[1].key", "the initiative 'agenda_item' is defined twice"),
])
def test_broken_initiatives_are_reported_where_they_are(old, new, path, words):
    assert old in WDA_TEXT
    text = WDA_TEXT.replace(old, new, 1)
    found = problems(text)
    assert len(found) == 1, found
    line, where, message = found[0].split(": ", 2)
    assert where == path and words in message and int(line) > 200  # the line of the initiatives section, not the top
