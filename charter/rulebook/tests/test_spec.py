"""Loading rulebooks: the bundled ones load; broken ones say what is wrong, where, all at once.

Each broken rulebook is the WDA's, with one targeted edit; the test finds the line of the edit in
the edited text, so the expectations do not drift when the file gains a line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from charter.rulebook import spec
from charter.rulebook.spec import (
    DATA_DIR,
    REQUIRED_ACTS,
    Problem,
    RulebookError,
    bundled,
    load,
    load_text,
)

WDA = (DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8")


def edit(old: str, new: str, text: str = WDA) -> str:
    """Replace the first occurrence of ``old``, which must be there."""
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, needle: str, after: str | None = None) -> int:
    """The 1-based line of the first ``needle`` (after the first ``after``, when given)."""
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


def problems(text: str) -> list[Problem]:
    with pytest.raises(RulebookError) as exc:
        load_text(text, "broken.yaml")
    return exc.value.problems


# --- the bundled rulebooks -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["wda-2011", "ftu-2019"])
def test_bundled_rulebooks_load(name):
    rb = bundled(name)
    assert rb.source.endswith(f"{name}.yaml")
    assert len(rb.sha256) == 64
    assert set(REQUIRED_ACTS) <= set(rb.acts)
    for act in rb.acts.values():
        assert act["article"]


def test_the_wda_rulebook_reads_as_its_constitution():
    rb = bundled()
    assert rb.name == "Workers' Democratic Alliance" and rb.version == "2011"
    assert rb.effective_from == dt.date(2011, 7, 1)
    assert [lvl["key"] for lvl in rb.levels] == ["section", "region", "area", "branch"]
    assert rb.home_level == "branch"
    assert rb.seats_of("central_committee") == (15, 15)
    assert rb.seats_of("regional_committee") == (5, 9)
    assert rb.seats_of("branch_meeting") == (0, 0)
    assert rb.body("control_commission")["incompatible_with"] == ["central_committee"]
    assert rb.act("expel_member")["majority"] == {"fraction": "2/3", "of": "members", "article": "7.3"}
    assert [b["key"] for b in rb.bodies_at("region")] == ["regional_aggregate", "regional_committee"]
    # No power of their own to admit, suspend or expel (3.5); only the accounts of the region (10.1).
    assert {rb.act(a)["category"] for a in rb.office("regional_secretary")["powers"]} == {"finance"}
    assert rb.level_index("branch") == 3


def test_the_federation_rulebook_is_a_different_organization():
    rb = bundled("ftu-2019")
    assert rb.name == "Federation of Trade Unions"
    assert [lvl["key"] for lvl in rb.levels] == ["federation", "affiliate", "local"]
    assert rb.body("delegate_conference")["vote_weight"]["per"] == 1000
    assert rb.seats_of("executive_board") == (11, 11)
    assert rb.seats_of("affiliate_executive") == (3, 7)
    assert rb.section("discipline")["appeal"]["body"] == "appeals_panel"
    assert not {b["key"] for b in rb.bodies} & {b["key"] for b in bundled().bodies}
    assert all(str(act["article"]).startswith("R") for act in rb.acts.values())


def test_accessors_raise_keyerror_naming_what_is_missing():
    rb = bundled()
    for call, word in ((rb.body, "body"), (rb.office, "office"), (rb.level, "level"), (rb.act, "act")):
        with pytest.raises(KeyError, match=word):
            call("nonesuch")


# --- broken rulebooks ------------------------------------------------------------------------------

# (id, edited text, path of the problem, function giving its line in the edited text, words of the message)
Case = tuple[str, str, str, Callable[[str], int], str]

_bad_yaml = edit("    notice_days: 14\n", "    notice_days: 14: fourteen\n")
_tab = edit("    notice_days: 14\n", "\tnotice_days: 14\n")
_unknown_key = edit("organization:\n", "bylaws:\n  - keep the peace\norganization:\n")
_missing_roster = edit("    roster: seats\n", "")
_wrong_type = edit("    notice_days: 14\n", "    notice_days: fourteen\n")
_unknown_body = edit("    decided_by: [{body: central_committee}]\n    grounds: required\n    needs: [due_process]\n    at_meeting: true\n    full_notice: true", "    decided_by: [{body: politburo}]\n    grounds: required\n    needs: [due_process]\n    at_meeting: true\n    full_notice: true")
_three_halves = edit('  max_fraction: "1/3"', '  max_fraction: "3/2"')
_in_words = edit('majority: {fraction: "2/3", of: members', "majority: {fraction: two thirds, of: members")
_zero_denominator = edit('  max_fraction: "1/3"', '  max_fraction: "1/0"')
_seats = edit("seats: {min: 5, max: 9", "seats: {min: 10, max: 9")
_duplicate_body = edit("\noffices:\n", "\n  - key: regional_aggregate\n    name: Regional Assembly\n    level: region\n    roster: members\n    quorum: {fraction: \"1/2\"}\n    article: \"3.5\"\n\noffices:\n")
_dates = edit("  effective_from: 2011-07-01", "  effective_from: 2011-06-01")
_missing_act = edit("  resign_membership:\n    name: Resign\n    category: membership\n    target: member\n    target_status: [member, suspended]\n    decided_by: [{self: true}]\n    needs: [in_writing]\n    article: \"1.5\"\n", "")
_unknown_level = edit("    level: branch\n    roster: members\n", "    level: cell\n    roster: members\n")
_unknown_ground = edit("grounds_allowed: [misuse_of_funds, harassment_or_violence]", "grounds_allowed: [misuse_of_funds, disloyalty]")
_yaml_duplicate = edit("    notice_days: 14\n", "    notice_days: 14\n    notice_days: 7\n")
_two_deciders = edit("decided_by: [{body: regional_committee, scope: within}]\n    at_meeting: true\n    deadline", "decided_by: [{body: regional_committee, scope: within, self: true}]\n    at_meeting: true\n    deadline")
_scope_alone = edit("decided_by: [{rule: lapse}]", "decided_by: [{rule: lapse, scope: within}]")
_office_power = edit("    powers: [record_dues_payment, assign_dues_band, import_bank_statement, open_fund, receive_contribution]\n    article: \"3.5\"", "    powers: [admit_member, record_dues_payment, assign_dues_band, import_bank_statement, open_fund, receive_contribution]\n    article: \"3.5\"")
_unknown_auditor = edit("  audited_by: control_commission", "  audited_by: treasury")
_unknown_setting_in_act = edit("    max_days: 30\n", "    max_days: 30\n    max_weeks: 4\n")
_bad_need = edit("needs: [facts_stated]", "needs: [facts_stated, good_vibes]")
_bad_format = edit("format: charter-rulebook/1", "format: charter-rulebook/9")
_conference_recommends_to = edit("  recommendations_to: central_committee\n", "  recommendations_to: politburo\n")
_roster_without_seats = edit("    roster: seats\n    seats: 15\n", "    roster: seats\n")

CASES: list[Case] = [
    ("bad_yaml", _bad_yaml, "", lambda t: line_of(t, "notice_days: 14: fourteen"), "not valid YAML"),
    ("tab_indentation", _tab, "", lambda t: line_of(t, "\tnotice_days"), "not valid YAML"),
    ("unknown_top_level_key", _unknown_key, "bylaws", lambda t: line_of(t, "bylaws:"), "'bylaws' is not a known setting here"),
    ("missing_required_field", _missing_roster, "bodies[1]", lambda t: line_of(t, "- key: central_committee"), "is missing 'roster'"),
    ("wrong_type", _wrong_type, "bodies[1].notice_days", lambda t: line_of(t, "notice_days: fourteen"), "should be a whole number of at least 0, not 'fourteen'"),
    ("unknown_body_in_act", _unknown_body, "acts.expel_member.decided_by[0].body", lambda t: line_of(t, "{body: politburo}"), "names the body 'politburo', which is not defined"),
    ("fraction_above_one", _three_halves, "co_option.max_fraction", lambda t: line_of(t, '"3/2"'), "should be a fraction above 0 and at most 1, not 3/2"),
    ("fraction_in_words", _in_words, "acts.expel_member.majority.fraction", lambda t: line_of(t, "fraction: two thirds"), "should be a fraction in quotes like \"2/3\", not 'two thirds'"),
    ("fraction_over_zero", _zero_denominator, "co_option.max_fraction", lambda t: line_of(t, '"1/0"'), "should be a fraction"),
    ("seats_min_above_max", _seats, "bodies[5].seats", lambda t: line_of(t, "seats: {min: 10"), "min 10 is more than max 9"),
    ("duplicate_body_key", _duplicate_body, "bodies[7].key", lambda t: line_of(t, "- key: regional_aggregate\n    name: Regional Assembly"), "the body 'regional_aggregate' is defined twice"),
    ("effective_before_adopted", _dates, "document.effective_from", lambda t: line_of(t, "effective_from: 2011-06-01"), "is before the date of adoption"),
    ("missing_required_act", _missing_act, "acts", lambda t: line_of(t, "\nacts:") + 1, "is missing the act 'resign_membership'"),
    ("unknown_level", _unknown_level, "bodies[6].level", lambda t: line_of(t, "level: cell"), "names the level 'cell', which is not defined"),
    ("unknown_ground", _unknown_ground, "acts.interim_suspension.grounds_allowed[1]", lambda t: line_of(t, "disloyalty]"), "names the ground 'disloyalty'"),
    ("key_given_twice", _yaml_duplicate, "bodies[1].notice_days", lambda t: line_of(t, "notice_days: 7", after="key: central_committee"), "'notice_days' is given twice"),
    ("two_deciders_in_one_entry", _two_deciders, "acts.admit_member.decided_by[0]", lambda t: line_of(t, "scope: within, self: true"), "should name exactly one decider"),
    ("scope_without_body", _scope_alone, "acts.lapse_member.decided_by[0].scope", lambda t: line_of(t, "{rule: lapse, scope: within}"), "'scope' only applies to a decider given as 'body'"),
    ("office_power_not_granted", _office_power, "offices[0].powers[0]", lambda t: line_of(t, "powers: [admit_member"), "does not name the office 'regional_secretary'"),
    ("unknown_auditing_body", _unknown_auditor, "finance.audited_by", lambda t: line_of(t, "audited_by: treasury"), "names the body 'treasury', which is not defined"),
    ("unknown_setting_in_act", _unknown_setting_in_act, "acts.interim_suspension.max_weeks", lambda t: line_of(t, "max_weeks"), "'max_weeks' is not a known setting here"),
    ("unknown_need", _bad_need, "acts.frame_charge.needs[1]", lambda t: line_of(t, "good_vibes"), "should be one of"),
    ("wrong_format", _bad_format, "format", lambda t: line_of(t, "format: charter-rulebook/9"), "should be one of charter-rulebook/1"),
    ("conference_recommends_to_unknown_body", _conference_recommends_to, "conferences.recommendations_to", lambda t: line_of(t, "recommendations_to: politburo"), "names the body 'politburo', which is not defined"),
    ("roster_of_seats_without_seats", _roster_without_seats, "bodies[1]", lambda t: line_of(t, "- key: central_committee"), "has roster 'seats' but no 'seats'"),
]


@pytest.mark.parametrize(("text", "path", "line", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_rulebook_reports_the_problem_where_it_is(text, path, line, words):
    found = problems(text)
    assert len(found) == 1, [str(p) for p in found]
    problem = found[0]
    assert problem.path == path
    assert problem.line == line(text)
    assert words in problem.message


def test_the_error_message_names_the_file_line_and_path():
    with pytest.raises(RulebookError) as exc:
        load_text(_wrong_type, "broken.yaml")
    line = line_of(_wrong_type, "notice_days: fourteen")
    assert str(exc.value) == f"broken.yaml: line {line}: bodies[1].notice_days: should be a whole number of at least 0, not 'fourteen'"
    assert exc.value.source == "broken.yaml"


def test_several_problems_are_reported_at_once_sorted_by_line():
    text = edit("    notice_days: 14\n", "    notice_days: fourteen\n")  # CC
    text = edit("    election_method: scottish-stv\n    incompatible_with", "    election_method: first-past-the-post\n    incompatible_with", text)  # Control Commission
    text = edit("  nominators: 2\n", "  nominators: two\n", text)
    text = edit("  short_name: WDA\n", "  short_name: WDA\n  motto: Unity\n", text)
    text = edit("    meets_every_months: 1\n", "    meets_every_months: 0\n", text)  # branch meeting
    found = problems(text)
    assert [p.path for p in found] == [
        "organization.motto",
        "bodies[1].notice_days",
        "bodies[3].election_method",
        "bodies[6].meets_every_months",
        "elections.nominators",
    ]
    assert [p.line for p in found] == sorted(p.line for p in found)
    assert found[0].line == line_of(text, "motto: Unity")
    assert found[2].line == line_of(text, "first-past-the-post")
    assert found[4].line == line_of(text, "nominators: two")


def test_several_reference_problems_are_reported_at_once():
    text = edit("decided_by: [{body: control_commission}]", "decided_by: [{body: appeals_board}]")
    text = edit("  - key: branch\n    name: Branch\n    managed_by: regional_committee", "  - key: branch\n    name: Branch\n    managed_by: area_committee", text)
    found = problems(text)
    assert [p.path for p in found] == ["levels[3].managed_by", "acts.decide_appeal.decided_by[0].body"]
    assert found[0].line < found[1].line


def test_empty_and_non_mapping_files():
    assert [str(p) for p in problems("")] == ["line 1: (top): the file is empty"]
    assert "should be a mapping" in problems("- a\n- b\n")[0].message


def test_a_missing_file_is_a_rulebook_error(tmp_path):
    with pytest.raises(RulebookError) as exc:
        load(tmp_path / "nowhere.yaml")
    assert "cannot read the file" in str(exc.value)


def test_load_reads_a_file_and_fingerprints_its_text(tmp_path):
    path = tmp_path / "ours.yaml"
    path.write_text(WDA, encoding="utf-8")
    rb = load(path)
    assert rb.source == str(path)
    assert rb.sha256 == bundled().sha256
    assert rb.lines["acts"] == line_of(WDA, "\nacts:") + 1


@pytest.mark.parametrize(("value", "ok"), [("2/3", True), (" 1 / 2 ", True), (1, True), ("3/2", False), ("0/3", False), ("-1/2", False), ("two thirds", False), ("1/0", False), (0.5, False), (True, False), (None, False)])
def test_fractions(value, ok):
    text = edit('  max_fraction: "1/3"', f"  max_fraction: {value!r}" if not isinstance(value, str) else f'  max_fraction: "{value}"')
    if value is None:
        text = edit('  max_fraction: "1/3"', "  max_fraction:")
    if ok:
        load_text(text)
    else:
        assert [p.path for p in problems(text)] == ["co_option.max_fraction"]


def test_parse_fraction():
    assert spec.parse_fraction("2/3") * 3 == 2
    for bad in ("1/0", "x/2", "half", True, 0.5):
        with pytest.raises(ValueError):
            spec.parse_fraction(bad)


def test_structural_and_reference_problems_are_reported_together():
    text = edit("    notice_days: 14\n", "    notice_days: fourteen\n")
    text = edit("decided_by: [{body: control_commission}]", "decided_by: [{body: appeals_board}]", text)
    found = problems(text)
    assert [p.path for p in found] == ["bodies[1].notice_days", "acts.decide_appeal.decided_by[0].body"]
    assert found[1].line == line_of(text, "{body: appeals_board}")
