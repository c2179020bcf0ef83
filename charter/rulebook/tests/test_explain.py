"""A rulebook in plain language: `charter rules explain ACT` and the summary `charter rules check` prints."""

from __future__ import annotations

import pytest

from charter.rulebook.explain import deciding_bodies, explain, quorum_words, summary
from charter.rulebook.judge import fraction_words, majority_words
from charter.rulebook.spec import bundled

WDA = bundled("wda-2011")
FTU = bundled("ftu-2019")


def test_expulsion_under_the_wda():
    text = explain(WDA, "expel_member")
    assert text.startswith("Expel a member (article 7.3)")
    assert "the Central Committee" in text
    assert "at least two thirds of all the body's members (article 7.3)" in text
    assert "Central Committee: 14 days' notice" in text
    assert "called with full notice" in text
    assert "urgent meetings may not take this decision (article 4.1)" in text
    assert "Central Committee: more than half of its members" in text
    for ground in WDA.grounds:
        assert ground["name"] in text and ground["label"] in text
    assert "never a ground: Inactivity" in text
    assert "Due process:" in text
    assert "delivered to the member in writing (article 7.4)" in text
    assert "at least 14 days to reply in writing (article 7.4)" in text
    assert "appeal to the Control Commission within 30 days" in text
    assert "the Secretariat (article 3.3)" in text  # may not
    assert "the Regional Secretary (article 3.5)" in text


def test_expulsion_under_the_federation_names_its_own_bodies_and_rules():
    text = explain(FTU, "expel_member")
    assert text.startswith("Expel a member (article R14.3)")
    assert "the Executive Board" in text
    assert "at least three quarters of the votes cast (article R14.3)" in text
    assert "at least 21 days' notice (article R14.3)" in text
    assert "Executive Board: 7 days' notice" in text
    assert "Strike-breaking" in text
    assert "at least 21 days to reply in writing (article R15.2)" in text
    assert "appeal to the Appeals Panel within 21 days" in text
    assert "the Appeals Panel hears the appeal within 45 days" in text
    assert "refer its decision to the Delegate Conference" in text
    assert "the Affiliate Executive (article R14.3)" in text  # may not
    assert "the General Secretary (article R6.1)" in text
    for wda_word in ("Central Committee", "Control Commission", "Congress", "7.3", "two thirds"):
        assert wda_word not in text


def test_weighted_votes_are_explained():
    text = explain(FTU, "amend_rulebook")
    assert "Delegate Conference: at least one quarter of its delegates" in text
    assert "one vote per 1000 members in good standing" in text
    assert "at least two thirds of the votes cast (article R17.1)" in text
    assert "at least 90 days before the decision" in text


def test_admission_names_the_scope_the_deadline_and_who_may_not():
    text = explain(WDA, "admit_member")
    assert "the Regional Committee of the region concerned, only for members and units within it" in text
    assert "within 60 days of the application (article 1.1)" in text
    assert "no power of their own to admit" in text


def test_acts_of_one_person_and_of_the_rules():
    assert "the member themself" in explain(WDA, "resign_membership")
    assert "it is done in writing" in explain(WDA, "resign_membership")
    lapse = explain(WDA, "lapse_member")
    assert "Charter itself, applying the rule on lapse (article 1.4)" in lapse
    assert "at least 6 months of unpaid dues, after 2 written reminder(s) at least 30 days apart (article 1.4)" in lapse
    assert "It is not decided at a meeting." in lapse
    assert "after 1 written reminder(s) (article R3.3)" in explain(FTU, "lapse_member")
    assert "the General Secretary, alone (article R6.1)" in explain(FTU, "interim_suspension")


def test_conditions_in_words():
    co_opt = explain(WDA, "co_opt_to_seat")
    assert "co-opted members never exceed one third of the seats; they serve until the next election (article 3.7)" in co_opt
    assert "one quarter of the seats" in explain(FTU, "co_opt_to_seat")
    elect = explain(WDA, "elect_to_seat")
    assert "no member of the Central Committee may sit on the Control Commission (article 3.4)" in elect
    assert "nominated by 2 members of the electing body (article 5.2)" in elect
    assert "the Congress (for the Central Committee and the Control Commission)" in elect
    assert "Regional Secretary" not in elect.split("Who may not")[0]  # officers are elected by elect_officer
    assert "single transferable vote (Scottish local government rules)" in elect
    assert "the Regional Secretary is chosen from among the members of the Regional Committee (article 3.5)" in explain(WDA, "elect_officer")
    assert "no one who took part in the decision under appeal sits on it (article 8.2)" in explain(WDA, "decide_appeal")
    assert "a charge against the member is open" in explain(WDA, "interim_suspension")


def test_time_windows():
    assert "may only be done within 30 days of receiving the decision (article 8.1)" in explain(WDA, "file_appeal")
    assert "may only be done within 21 days of receiving the decision (article R16.1)" in explain(FTU, "file_appeal")
    assert "must be decided within 45 days of the appeal being filed (article R16.1)" in explain(FTU, "decide_appeal")
    interim = explain(WDA, "interim_suspension")
    assert "lasts at most 30 days (article 7.5)" in interim
    assert "lapses unless the Central Committee decides within that time" in interim
    assert "Grounds (only these)" in interim and "7.1(c)" in interim and "7.1(b)" not in interim
    assert "lasts at most 183 days (article 7.2)" in explain(WDA, "suspend_member")


def test_meetings_notice_and_urgency():
    text = explain(WDA, "convene_meeting")
    assert "any body, for its own meetings and business" in text
    assert "Branch Meeting: 7 days' notice, with the agenda; no urgent meetings" in text
    assert "Regional Committee: 7 days' notice, with the agenda; an urgent meeting may be called on 48 hours' notice with the reason for urgency stated" in text
    assert "an urgent meeting may not take decisions of the kind: discipline (article 4.1)" in text
    assert "Branch Meeting: at least one third of its members in good standing, and at least 3" in explain(WDA, "decide_motion")


def test_an_act_nobody_may_take():
    text = explain(WDA, "remove_from_seat")
    assert "nobody: Nobody may remove an elected member" in text


@pytest.mark.parametrize("rb", [WDA, FTU], ids=["wda", "ftu"])
def test_every_act_can_be_explained(rb):
    for act in rb.acts:
        text = explain(rb, act)
        assert rb.act(act)["name"] in text and f"(article {rb.act(act)['article']})" in text


def test_an_unknown_act_lists_the_known_ones():
    with pytest.raises(KeyError) as exc:
        explain(WDA, "abolish_congress")
    message = exc.value.args[0]
    assert "abolish_congress" in message
    for act in WDA.acts:
        assert act in message
    with pytest.raises(KeyError, match="central_committee_decision") as exc:
        explain(FTU, "central_committee_decision")
    assert "expel_member" in exc.value.args[0] and "interim_suspension" in exc.value.args[0]


def test_summary():
    text = summary(WDA)
    assert text.splitlines()[0] == "Workers' Democratic Alliance (WDA)"
    assert "version 2011" in text and "in force from 2011-07-01" in text
    assert "Levels: Section > Region > Area > Branch (members belong to a Branch)" in text
    assert "Central Committee (Section): 15 seats, elected by the Congress" in text
    assert "Regional Committee (Region): 5 to 9 seats (number fixed by the Regional Aggregate)" in text
    assert "Branch Meeting (Branch): all members of the branch; quorum at least one third of its members in good standing, and at least 3" in text
    assert f"Acts: {len(WDA.acts)}" in text
    assert WDA.sha256 in text
    fed = summary(FTU)
    assert fed.startswith("Federation of Trade Unions (FTU)")
    assert "Delegate Conference (Federation): delegates: 1 per affiliated union, elected by the Affiliate Council" in fed
    assert "quorum at least one quarter of its delegates" in fed
    assert "Executive Board (Federation): 11 seats, elected by the Delegate Conference by single transferable vote (Meek method)" in fed
    assert "appeals to the Appeals Panel within 21 days" in fed


def test_words_for_numbers():
    assert fraction_words("1/2") == "half"
    assert fraction_words("2/3") == "two thirds"
    assert fraction_words("3/4") == "three quarters"
    assert fraction_words("1/20") == "one twentieth"
    assert fraction_words("7/12") == "7/12"
    assert fraction_words(1) == "all"
    assert majority_words({"fraction": "1/2", "of": "cast", "strict": True}) == "more than half of the votes cast"
    assert majority_words({"fraction": "2/3", "of": "members"}) == "at least two thirds of all the body's members"
    assert majority_words({"fraction": "3/5", "of": "present_and_voting"}) == "at least three fifths of those present and voting"
    assert majority_words({"fraction": 1, "of": "present"}) == "all of those present"
    assert quorum_words(WDA, WDA.body("congress")) == "more than half of its delegates"
    assert deciding_bodies(WDA, WDA.act("create_unit")) == ["central_committee", "regional_committee"]
    assert "the Central Committee (for each Region); the Regional Committee (for each Area and each Branch, after hearing the Branch Meeting concerned)" in explain(WDA, "create_unit")


def test_explanations_are_whole_sentences_a_translator_can_reorder():
    """Each message is one whole phrase with named placeholders, translated as a unit (the web layer
    passes Django's gettext): a translation that marks every message shows no English glued around it."""
    marked = explain(WDA, "expel_member", gettext=lambda text: f"«{text}»")
    assert "«the member has at least %(days)s to reply in writing»" not in marked  # placeholders are filled
    assert "«the member has at least «14 days» to reply in writing»" in marked
    assert "«the member may appeal to the Control Commission within «30 days» of receiving the decision»" in marked
    assert marked.startswith("«Expel a member (article 7.3)»")
    assert explain(WDA, "expel_member") == explain(WDA, "expel_member", gettext=None)  # English by default
