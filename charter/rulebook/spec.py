"""Reading and validating a rulebook file. Pure Python: no Django.

A rulebook is a YAML document (format ``charter-rulebook/1``, described in docs/rulebook.md).
:func:`load` returns a :class:`Rulebook`, or raises :class:`RulebookError` carrying every problem
found, each with the line and the path of the value at fault, so an author can fix them all at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

FORMAT = "charter-rulebook/1"

# What a body's roster is: who counts as a member of the body for quorum and votes.
ROSTERS = ("members", "members_in_good_standing", "seats", "delegates")
STATUSES = ("applicant", "member", "lapsed", "suspended", "expelled", "resigned", "refused")
MAJORITY_BASES = ("cast", "present_and_voting", "present", "members")
ELECTION_METHODS = ("scottish-stv", "meek-stv", "irv", "schulze", "block", "approval")
DECIDERS = ("body", "self", "rule", "elector", "elector_member", "appointer", "level_manager", "party", "seat_fixer", "office", "organizer", "commission_chair")
NEEDS = (
    "lapse_conditions", "arrears_paid_within_window", "in_writing", "heard_concerned", "notice",
    "agenda", "candidate_in_good_standing", "nominated", "accepted", "seat_free", "vacancy",
    "co_option_limit", "composition", "office_free", "drawn_from", "facts_stated", "open_charge",
    "due_process", "appeal_composition", "proposal_circulated", "reply_period", "companion",
    "treasurer_scope",
    "registration_open", "registrant_in_good_standing", "without_vote", "registered",
    "delegate_place_free", "commission_majority",
    "registered_with_vote", "conference_majority",
)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.path or '(top)'}: {self.message}"


class RulebookError(Exception):
    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        self.source = source
        lines = [f"{source}: {p}" if source else str(p) for p in problems]
        super().__init__("\n".join(lines))


# --- YAML with line numbers --------------------------------------------------------------------


def _line_map(
    node: yaml.Node, path: str = "", out: dict[str, int] | None = None, dups: list[Problem] | None = None
) -> dict[str, int]:
    """Map every path in the document to a line. A mapping entry's line is the line of its key, so
    a problem with a section (``acts: is missing ...``) points at the line that names it."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            sub = f"{path}.{key}" if path else key
            if key in seen and dups is not None:
                dups.append(Problem(sub, key_node.start_mark.line + 1, f"'{key}' is given twice here; only the last one would count"))
            seen.add(key)
            out[sub] = key_node.start_mark.line + 1
            _line_map(value_node, sub, out, dups)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, f"{path}[{i}]", out, dups)
    return out


def _parse(text: str, source: str = "") -> tuple[Any, dict[str, int], list[Problem]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark is not None and context_mark.line + 1 != line:
            reason = f"{reason} ({context} that starts on line {context_mark.line + 1})"
        raise RulebookError([Problem("", line, f"not valid YAML: {reason}")], source) from None
    if node is None:
        raise RulebookError([Problem("", 1, "the file is empty")], source)
    dups: list[Problem] = []
    lines = _line_map(node, dups=dups)
    return data, lines, dups


def parse_text(text: str, source: str = "") -> tuple[Any, dict[str, int]]:
    data, lines, _dups = _parse(text, source)
    return data, lines


# --- A small declarative schema ------------------------------------------------------------------


class _Checker:
    def __init__(self, lines: dict[str, int]) -> None:
        self.lines = lines
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        line = self.lines.get(path)
        probe = path
        while line is None and probe:
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""
            line = self.lines.get(probe)
        self.problems.append(Problem(path, line, message))


Validator = Callable[[_Checker, str, Any], None]


def _kind(name: str, test: Callable[[Any], bool]) -> Validator:
    def check(c: _Checker, path: str, value: Any) -> None:
        if not test(value):
            c.fail(path, f"should be {name}, not {_describe(value)}")

    return check


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{value!r}"
    if isinstance(value, (dict, list)):
        return "a " + ("mapping" if isinstance(value, dict) else "list")
    return repr(value)


STR = _kind("text", lambda v: isinstance(v, str) and v.strip() != "")
BOOL = _kind("true or false", lambda v: isinstance(v, bool))
DATE = _kind("a date (YYYY-MM-DD)", lambda v: isinstance(v, dt.date))
ARTICLE = _kind("an article number in quotes, like \"7.3\"", lambda v: isinstance(v, str) and v.strip() != "")


def INT(minimum: int = 0) -> Validator:  # noqa: N802
    return _kind(
        f"a whole number of at least {minimum}",
        lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= minimum,
    )


def FRACTION(c: _Checker, path: str, value: Any) -> None:  # noqa: N802
    try:
        f = parse_fraction(value)
    except ValueError:
        c.fail(path, f"should be a fraction in quotes like \"2/3\", not {_describe(value)}")
        return
    if not 0 < f <= 1:
        c.fail(path, f"should be a fraction above 0 and at most 1, not {value}")


def ONE_OF(*choices: str) -> Validator:  # noqa: N802
    def check(c: _Checker, path: str, value: Any) -> None:
        if value not in choices:
            c.fail(path, f"should be one of {', '.join(choices)}; not {_describe(value)}")

    return check


def LIST(item: Validator, min_len: int = 0) -> Validator:  # noqa: N802
    def check(c: _Checker, path: str, value: Any) -> None:
        if not isinstance(value, list):
            c.fail(path, f"should be a list, not {_describe(value)}")
            return
        if len(value) < min_len:
            c.fail(path, f"should have at least {min_len} item(s)")
        for i, v in enumerate(value):
            item(c, f"{path}[{i}]", v)

    return check


def MAP(required: Mapping[str, Validator] | None = None, optional: Mapping[str, Validator] | None = None) -> Validator:  # noqa: N802
    req = dict(required or {})
    opt = dict(optional or {})

    def check(c: _Checker, path: str, value: Any) -> None:
        if not isinstance(value, dict):
            c.fail(path, f"should be a mapping of names to values, not {_describe(value)}")
            return
        for key in req:
            if key not in value:
                c.fail(path, f"is missing '{key}'")
        for key, v in value.items():
            sub = f"{path}.{key}" if path else str(key)
            if key in req:
                req[key](c, sub, v)
            elif key in opt:
                opt[key](c, sub, v)
            else:
                known = ", ".join(sorted([*req, *opt]))
                c.fail(sub, f"'{key}' is not a known setting here (known: {known})")

    return check


def DICT_OF(value_check: Validator | None = None) -> Validator:  # noqa: N802
    """A mapping from names the author chooses to values (checked later when value_check is None)."""

    def check(c: _Checker, path: str, value: Any) -> None:
        if not isinstance(value, dict) or not value:
            c.fail(path, f"should be a mapping of names to definitions, not {_describe(value)}")
            return
        for key, v in value.items():
            if not isinstance(key, str) or not key.replace("_", "").isalnum():
                c.fail(f"{path}.{key}", f"'{key}' is not a valid name (use letters, digits and _)")
            elif value_check is not None:
                value_check(c, f"{path}.{key}", v)

    return check


def EITHER(first: Validator, second: Validator, name: str) -> Validator:  # noqa: N802
    def check(c: _Checker, path: str, value: Any) -> None:
        trial = _Checker(c.lines)
        first(trial, path, value)
        if not trial.problems:
            return
        trial2 = _Checker(c.lines)
        second(trial2, path, value)
        if not trial2.problems:
            return
        c.fail(path, f"should be {name}")

    return check


def parse_fraction(value: Any) -> Fraction:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str) and "/" in value:
        num, den = value.split("/", 1)
        try:
            return Fraction(int(num.strip()), int(den.strip()))
        except ZeroDivisionError:
            raise ValueError(value) from None
    raise ValueError(value)


TERM = MAP(optional={"months": INT(1), "until_next": STR})
QUORUM = MAP(
    required={"fraction": FRACTION},
    optional={"strict": BOOL, "minimum": INT(0), "of": ONE_OF(*ROSTERS), "article": ARTICLE},
)
MAJORITY = MAP(
    required={"fraction": FRACTION},
    optional={"of": ONE_OF(*MAJORITY_BASES), "strict": BOOL, "article": ARTICLE},
)
DECIDER = MAP(
    optional={
        "body": STR, "scope": ONE_OF("within", "any"), "self": BOOL, "rule": STR, "elector": BOOL,
        "elector_member": BOOL, "appointer": BOOL, "level_manager": BOOL, "party": BOOL, "seat_fixer": BOOL, "office": STR,
        "organizer": BOOL, "commission_chair": BOOL,
    }
)
BODY = MAP(
    required={"key": STR, "name": STR, "level": STR, "roster": ONE_OF(*ROSTERS), "quorum": QUORUM, "article": ARTICLE},
    optional={
        "seats": EITHER(INT(1), MAP(required={"min": INT(1), "max": INT(1)}, optional={"fixed_by": STR}), "a number of seats or {min, max, fixed_by}"),
        "elected_by": STR, "appointed_by": STR, "drawn_from": STR, "incompatible_with": LIST(STR),
        "election_method": ONE_OF(*ELECTION_METHODS), "term": TERM, "notice_days": INT(0),
        "urgent_notice_hours": INT(1), "meets_every_months": INT(1),
        "delegates": MAP(
            required={"elected_by": STR},
            optional={"per_members_in_good_standing": INT(1), "minimum_per_unit": INT(0), "weight": MAP(optional={"per_members_in_good_standing": INT(1), "minimum": INT(0)}), "article": ARTICLE},
        ),
        "vote_weight": MAP(required={"by": ONE_OF("members_in_good_standing", "fixed")}, optional={"per": INT(1), "minimum": INT(0), "value": INT(1), "article": ARTICLE}),
        "may_not": LIST(MAP(required={"acts": LIST(STR, 1), "article": ARTICLE}, optional={"note": STR})),
        "description": STR,
    },
)
OFFICE = MAP(
    required={"key": STR, "name": STR, "body": STR, "article": ARTICLE},
    optional={"elected_by": STR, "drawn_from": STR, "term": TERM, "powers": LIST(STR), "no_power_note": STR},
)
ACT = MAP(
    required={"name": STR, "category": STR, "decided_by": LIST(DECIDER), "article": ARTICLE},
    optional={
        "target": ONE_OF("member", "unit", "body"), "target_status": LIST(ONE_OF(*STATUSES)),
        "at_meeting": BOOL, "full_notice": BOOL, "majority": MAJORITY, "reasons_required": BOOL,
        "grounds": ONE_OF("required", "optional"), "grounds_allowed": LIST(STR), "needs": LIST(ONE_OF(*NEEDS)),
        "deadline": MAP(required={"days": INT(1)}, optional={"from": STR}),
        "window": MAP(required={"days": INT(1)}, optional={"from": STR}),
        "max_days": INT(1), "max_days_article": ARTICLE, "by_count": BOOL,
        "notice_days": INT(0), "notice_article": ARTICLE, "circulated_days_before": INT(1), "lapses_unless_decided_by": STR, "note": STR,
    },
)
LEVEL = MAP(
    required={"key": STR, "name": STR},
    optional={"managed_by": STR, "must_hear": STR, "min_members": INT(1), "article": ARTICLE},
)
GROUND = MAP(required={"key": STR, "name": STR, "article": ARTICLE}, optional={"label": STR, "note": STR})
THRESHOLD = MAP(
    optional={
        "members_in_good_standing": INT(1), "fraction": FRACTION, "of": ONE_OF("members_in_good_standing"),
        "or_bodies": MAP(required={"kind": STR, "count": INT(1)}),
    }
)
# What closes the obligation an initiative creates (docs/rulebook.md, `initiatives`).
FULFILMENTS = ("recorded_vote", "investigation_opened", "meeting_convened", "circulated_unaltered")
INITIATIVE = MAP(
    required={"key": STR, "name": STR, "threshold": THRESHOLD, "addressed_to": STR, "deadline": MAP(required={"days": INT(1)}, optional={"or": ONE_OF("next_ordinary_meeting")}), "article": ARTICLE},
    optional={"fulfilled_by": ONE_OF(*FULFILMENTS), "convenes": STR},
)
ROOT = MAP(
    required={
        "format": ONE_OF(FORMAT),
        "organization": MAP(required={"name": STR}, optional={"short_name": STR}),
        "document": MAP(required={"title": STR, "version": STR, "effective_from": DATE}, optional={"adopted_by": STR, "adopted_on": DATE}),
        "levels": LIST(LEVEL, 1),
        "membership": MAP(
            required={"home_level": STR},
            optional={
                "home_article": ARTICLE,
                "admission": MAP(optional={"recommended_by": STR, "decided_by": STR, "within_days": INT(1), "article": ARTICLE}),
                "good_standing": MAP(required={"max_arrears_months": INT(0), "article": ARTICLE}),
                "lapse": MAP(required={"after_arrears_months": INT(1), "article": ARTICLE}, optional={"reminders": INT(0), "reminder_interval_days": INT(0), "restore_within_days": INT(0)}),
                "never_grounds": LIST(GROUND),
                "resignation": MAP(optional={"in_writing": BOOL, "article": ARTICLE}),
                "rights": LIST(MAP(required={"key": STR, "article": ARTICLE}, optional={"needs_good_standing": BOOL})),
            },
        ),
        "bodies": LIST(BODY, 1),
        "acts": DICT_OF(),
    },
    optional={
        "offices": LIST(OFFICE),
        "co_option": MAP(required={"max_fraction": FRACTION, "article": ARTICLE}, optional={"until": STR}),
        # Conferences and congresses (docs/rulebook.md, "conferences"): whether members who register
        # vote, and the body a commission's decisions go to as recommendations.
        "conferences": MAP(required={"article": ARTICLE}, optional={"members_vote": BOOL, "recommendations_to": STR}),
        "meetings": MAP(
            optional={
                "notice_article": ARTICLE, "agenda_with_notice": BOOL, "quorum_article": ARTICLE,
                "urgent": MAP(optional={"reason_required": BOOL, "forbidden_categories": LIST(STR), "article": ARTICLE}),
                "default_majority": MAJORITY, "secret_ballot_on_request": BOOL,
                "minutes": MAP(optional={"approved_at": STR, "article": ARTICLE}),
            }
        ),
        "elections": MAP(
            optional={
                "multi_seat_method": ONE_OF(*ELECTION_METHODS), "single_seat_method": ONE_OF(*ELECTION_METHODS),
                "nominators": INT(0), "written_acceptance": BOOL, "candidates_in_good_standing": BOOL,
                "secret": BOOL, "article": ARTICLE, "candidacy_article": ARTICLE,
            }
        ),
        "discipline": MAP(
            optional={
                "grounds": LIST(GROUND),
                "due_process": MAP(optional={
                    "charge_in_writing": MAP(optional={"article": ARTICLE}), "reply_days": INT(0), "reply_article": ARTICLE,
                    "hearing": MAP(optional={"companion": BOOL, "article": ARTICLE}), "recusal": MAP(optional={"article": ARTICLE}),
                    "written_decision": MAP(optional={"article": ARTICLE}),
                }),
                "appeal": MAP(
                    required={"body": STR, "within_days": INT(1), "article": ARTICLE},
                    optional={
                        "heard_within_days": INT(1), "outcomes": LIST(ONE_OF("confirm", "reduce", "annul")),
                        "exclude_participants": BOOL, "exclusion_article": ARTICLE,
                        "referral": MAP(required={"to": STR}, optional={"final": BOOL, "article": ARTICLE}),
                        "offices_while_pending": ONE_OF("suspended", "kept", "vacated"), "pending_article": ARTICLE,
                    },
                ),
            }
        ),
        "initiatives": LIST(INITIATIVE),
        "finance": MAP(required={"audited_by": STR, "article": ARTICLE}, optional={"currency": STR, "note": STR}),
    },
)


# --- The rulebook object ------------------------------------------------------------------------


@dataclass
class Rulebook:
    """A validated rulebook. Accessors return the plain mappings from the file."""

    data: dict[str, Any]
    sha256: str
    source: str = ""
    lines: dict[str, int] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        return str(self.data["organization"]["name"])

    @property
    def version(self) -> str:
        return str(self.data["document"]["version"])

    @property
    def effective_from(self) -> dt.date:
        return self.data["document"]["effective_from"]  # type: ignore[no-any-return]

    @property
    def levels(self) -> list[dict[str, Any]]:
        return list(self.data["levels"])

    def level(self, key: str) -> dict[str, Any]:
        return _by_key(self.data["levels"], key, "level")

    def level_index(self, key: str) -> int:
        return [lvl["key"] for lvl in self.data["levels"]].index(key)

    @property
    def home_level(self) -> str:
        return str(self.data["membership"]["home_level"])

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return list(self.data["bodies"])

    def body(self, key: str) -> dict[str, Any]:
        return _by_key(self.data["bodies"], key, "body")

    def bodies_at(self, level: str) -> list[dict[str, Any]]:
        return [b for b in self.data["bodies"] if b["level"] == level]

    @property
    def offices(self) -> list[dict[str, Any]]:
        return list(self.data.get("offices") or [])

    def office(self, key: str) -> dict[str, Any]:
        return _by_key(self.data.get("offices") or [], key, "office")

    def office_name(self, key: str) -> str:
        """The office's name in these rules; its key when they have no such office (any more), so
        "" (a seat that is no office) stays ""."""
        return next((str(o["name"]) for o in self.offices if o.get("key") == key), key)

    @property
    def acts(self) -> dict[str, dict[str, Any]]:
        return dict(self.data["acts"])

    def act(self, key: str) -> dict[str, Any]:
        try:
            return dict(self.data["acts"][key])
        except KeyError:
            raise KeyError(f"the rulebook has no act '{key}'") from None

    @property
    def grounds(self) -> list[dict[str, Any]]:
        return list((self.data.get("discipline") or {}).get("grounds") or [])

    @property
    def never_grounds(self) -> list[dict[str, Any]]:
        return list(self.data["membership"].get("never_grounds") or [])

    def section(self, name: str) -> dict[str, Any]:
        return dict(self.data.get(name) or {})

    @property
    def initiatives(self) -> list[dict[str, Any]]:
        return list(self.data.get("initiatives") or [])

    def seats_of(self, body_kind: str) -> tuple[int, int]:
        seats = self.body(body_kind).get("seats")
        if seats is None:
            return (0, 0)
        if isinstance(seats, int):
            return (seats, seats)
        return (int(seats["min"]), int(seats["max"]))


def _by_key(items: list[dict[str, Any]], key: str, what: str) -> dict[str, Any]:
    for item in items:
        if item.get("key") == key:
            return dict(item)
    raise KeyError(f"the rulebook has no {what} '{key}'")


def _iter_refs(data: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """Yield (path, namespace, key) for every cross-reference in the file."""
    for i, lvl in enumerate(data.get("levels") or []):
        for fld in ("managed_by", "must_hear"):
            if fld in lvl:
                yield f"levels[{i}].{fld}", "body", lvl[fld]
    m = data.get("membership") or {}
    yield "membership.home_level", "level", m.get("home_level")
    for fld in ("recommended_by", "decided_by"):
        if fld in (m.get("admission") or {}):
            yield f"membership.admission.{fld}", "body", m["admission"][fld]
    for i, body in enumerate(data.get("bodies") or []):
        p = f"bodies[{i}]"
        yield f"{p}.level", "level", body.get("level")
        for fld in ("elected_by", "appointed_by", "drawn_from"):
            if fld in body:
                yield f"{p}.{fld}", "body", body[fld]
        for j, other in enumerate(body.get("incompatible_with") or []):
            yield f"{p}.incompatible_with[{j}]", "body", other
        if isinstance(body.get("seats"), dict) and "fixed_by" in body["seats"]:
            yield f"{p}.seats.fixed_by", "body", body["seats"]["fixed_by"]
        if "delegates" in body:
            yield f"{p}.delegates.elected_by", "body", body["delegates"].get("elected_by")
        term = body.get("term") or {}
        if "until_next" in term:
            yield f"{p}.term.until_next", "body", term["until_next"]
        for j, rule in enumerate(body.get("may_not") or []):
            for k, act in enumerate(rule.get("acts") or []):
                yield f"{p}.may_not[{j}].acts[{k}]", "act", act
    for i, off in enumerate(data.get("offices") or []):
        p = f"offices[{i}]"
        for fld in ("body", "elected_by", "drawn_from"):
            if fld in off:
                yield f"{p}.{fld}", "body", off[fld]
        for j, act in enumerate(off.get("powers") or []):
            yield f"{p}.powers[{j}]", "act", act
    acts: dict[str, Any] = data["acts"] if isinstance(data.get("acts"), dict) else {}
    for name, act in acts.items():
        if not isinstance(act, dict):
            continue
        p = f"acts.{name}"
        for j, d in enumerate(act.get("decided_by") or []):
            if isinstance(d, dict) and isinstance(d.get("body"), str) and d["body"] != "self":
                yield f"{p}.decided_by[{j}].body", "body", d["body"]
            if isinstance(d, dict) and "office" in d:
                yield f"{p}.decided_by[{j}].office", "office", d["office"]
        for j, g in enumerate(act.get("grounds_allowed") or []):
            yield f"{p}.grounds_allowed[{j}]", "ground", g
        if "lapses_unless_decided_by" in act:
            yield f"{p}.lapses_unless_decided_by", "body", act["lapses_unless_decided_by"]
    conf = data.get("conferences") or {}
    if isinstance(conf, dict) and "recommendations_to" in conf:
        yield "conferences.recommendations_to", "body", conf["recommendations_to"]
    d = data.get("discipline") or {}
    if "appeal" in d:
        yield "discipline.appeal.body", "body", d["appeal"].get("body")
        if "referral" in d["appeal"]:
            yield "discipline.appeal.referral.to", "body", d["appeal"]["referral"].get("to")
    if isinstance(data.get("finance"), dict) and "audited_by" in data["finance"]:
        yield "finance.audited_by", "body", data["finance"]["audited_by"]
    for i, ini in enumerate(data.get("initiatives") or []):
        if ini.get("addressed_to") != "any_body":
            yield f"initiatives[{i}].addressed_to", "body", ini.get("addressed_to")
        ob = (ini.get("threshold") or {}).get("or_bodies")
        if isinstance(ob, dict):
            yield f"initiatives[{i}].threshold.or_bodies.kind", "body", ob.get("kind")
        if "convenes" in ini:
            yield f"initiatives[{i}].convenes", "body", ini["convenes"]


# Acts Charter itself carries out: every rulebook must define them (maybe with nobody allowed).
REQUIRED_ACTS = (
    "admit_member", "refuse_admission", "lapse_member", "reinstate_member", "resign_membership",
    "transfer_member", "create_unit", "merge_units", "dissolve_unit", "convene_meeting",
    "record_attendance", "decide_motion", "approve_minutes", "elect_to_seat", "co_opt_to_seat",
    "appoint_to_seat", "elect_officer", "remove_from_seat", "frame_charge", "warn_member",
    "suspend_member", "expel_member", "file_appeal", "decide_appeal", "apply_for_membership",
    "amend_rulebook",
)


def _semantic(c: _Checker, data: dict[str, Any]) -> None:
    names: dict[str, set[str]] = {"level": set(), "body": set(), "office": set(), "act": set(), "ground": set()}
    for ns, items in (("level", data.get("levels")), ("body", data.get("bodies")), ("office", data.get("offices"))):
        for i, item in enumerate(items or []):
            key = item.get("key") if isinstance(item, dict) else None
            if key in names[ns]:
                c.fail(f"{ns if ns != 'body' else 'bodie'}s[{i}].key", f"the {ns} '{key}' is defined twice")
            if isinstance(key, str):
                names[ns].add(key)
    grounds = ((data.get("discipline") or {}).get("grounds") or []) + ((data.get("membership") or {}).get("never_grounds") or [])
    names["ground"] = {str(g.get("key")) for g in grounds if isinstance(g, dict)}
    if isinstance(data.get("acts"), dict):
        names["act"] = set(data["acts"])
        for name, act in data["acts"].items():
            ACT(c, f"acts.{name}", act)
        for name in REQUIRED_ACTS:
            if name not in data["acts"]:
                c.fail("acts", f"is missing the act '{name}' (give it an empty decided_by list if nobody may do it)")
    for path, ns, key in _iter_refs(data):
        if key is None or not isinstance(key, str):
            continue
        if key not in names[ns]:
            known = ", ".join(sorted(names[ns])) or "none"
            c.fail(path, f"names the {ns} '{key}', which is not defined (defined: {known})")
    for i, body in enumerate(data.get("bodies") or []):
        seats = body.get("seats") if isinstance(body, dict) else None
        if isinstance(seats, dict) and isinstance(seats.get("min"), int) and isinstance(seats.get("max"), int):
            if seats["min"] > seats["max"]:
                c.fail(f"bodies[{i}].seats", f"min {seats['min']} is more than max {seats['max']}")
        if isinstance(body, dict) and body.get("roster") == "seats" and "seats" not in body:
            c.fail(f"bodies[{i}]", "has roster 'seats' but no 'seats'")
        if isinstance(body, dict) and body.get("roster") == "delegates" and "delegates" not in body:
            c.fail(f"bodies[{i}]", "has roster 'delegates' but no 'delegates' rule")
    _deciders(c, data)
    _initiatives(c, data)
    doc = data.get("document") or {}
    if isinstance(doc.get("adopted_on"), dt.date) and isinstance(doc.get("effective_from"), dt.date):
        if doc["effective_from"] < doc["adopted_on"]:
            c.fail("document.effective_from", "is before the date of adoption")


# Each entry of an act's decided_by names exactly one kind of decider.
_DECIDER_KINDS = ("body", "self", "rule", "elector", "elector_member", "appointer", "level_manager", "party", "seat_fixer", "office", "organizer", "commission_chair")


def _deciders(c: _Checker, data: dict[str, Any]) -> None:
    acts = data.get("acts") if isinstance(data.get("acts"), dict) else {}
    for name, act in (acts or {}).items():
        if not isinstance(act, dict):
            continue
        for j, d in enumerate(act.get("decided_by") or []):
            if not isinstance(d, dict):
                continue
            path = f"acts.{name}.decided_by[{j}]"
            kinds = [k for k in _DECIDER_KINDS if k in d and d[k] is not False]
            if len(kinds) != 1:
                c.fail(path, f"should name exactly one decider ({', '.join(_DECIDER_KINDS)}), not {len(kinds)}")
            for k in ("self", "elector", "appointer", "level_manager", "party", "seat_fixer", "organizer", "commission_chair"):
                if d.get(k) is False:
                    c.fail(f"{path}.{k}", f"'{k}: false' means nothing; leave the entry out instead")
            if "scope" in d and "body" not in d:
                c.fail(f"{path}.scope", "'scope' only applies to a decider given as 'body'")
    # An office's listed powers and the acts that name the office as a decider must agree.
    for i, off in enumerate(data.get("offices") or []):
        if not isinstance(off, dict):
            continue
        key = off.get("key")
        for j, act_name in enumerate(off.get("powers") or []):
            act = acts.get(act_name) if isinstance(acts, dict) else None
            if isinstance(act, dict) and not any(isinstance(d, dict) and d.get("office") == key for d in act.get("decided_by") or []):
                c.fail(f"offices[{i}].powers[{j}]", f"lists '{act_name}', but acts.{act_name}.decided_by does not name the office '{key}'")
    for name, act in (acts or {}).items():
        if not isinstance(act, dict):
            continue
        for j, d in enumerate(act.get("decided_by") or []):
            if not isinstance(d, dict) or "office" not in d:
                continue
            office = next((o for o in data.get("offices") or [] if isinstance(o, dict) and o.get("key") == d["office"]), None)
            if office is not None and name not in (office.get("powers") or []):
                c.fail(f"acts.{name}.decided_by[{j}].office", f"names the office '{d['office']}', whose 'powers' do not list '{name}'")


def _initiatives(c: _Checker, data: dict[str, Any]) -> None:
    """An initiative's threshold is a number or a fraction of members in good standing, not both;
    one fulfilled by a meeting says which body's meeting (``convenes``), and only then."""
    seen: set[str] = set()
    for i, ini in enumerate(data.get("initiatives") or []):
        if not isinstance(ini, dict):
            continue
        p = f"initiatives[{i}]"
        if ini.get("key") in seen:
            c.fail(f"{p}.key", f"the initiative '{ini.get('key')}' is defined twice")
        seen.add(str(ini.get("key")))
        threshold = ini.get("threshold")
        if isinstance(threshold, dict) and ("members_in_good_standing" in threshold) == ("fraction" in threshold):
            c.fail(f"{p}.threshold", "should give either 'members_in_good_standing' (a number) or 'fraction' (of the members in good standing)")
        convened = ini.get("fulfilled_by") == "meeting_convened"
        if convened and "convenes" not in ini:
            c.fail(p, "is fulfilled by a meeting convened but does not say which body's ('convenes')")
        if "convenes" in ini and not convened:
            c.fail(f"{p}.convenes", "only applies to an initiative with 'fulfilled_by: meeting_convened'")


def load_text(text: str, source: str = "") -> Rulebook:
    data, lines, duplicates = _parse(text, source)
    c = _Checker(lines)
    c.problems.extend(duplicates)
    ROOT(c, "", data)
    if isinstance(data, dict):
        try:
            _semantic(c, data)
        except (TypeError, AttributeError, KeyError, ValueError):
            pass  # a part too malformed to cross-check: its structural problem is already reported
    if c.problems:
        c.problems.sort(key=lambda p: (p.line or 0, p.path))
        raise RulebookError(c.problems, source)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Rulebook(data=data, sha256=digest, source=source, lines=lines)


def load(path: str | Path) -> Rulebook:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulebookError([Problem("", None, f"cannot read the file: {exc}")], str(p)) from None
    return load_text(text, str(p))


DATA_DIR = Path(__file__).resolve().parent / "data"


def bundled(name: str = "wda-2011") -> Rulebook:
    """A rulebook shipped with Charter (the demo organization's, and the examples)."""
    return load(DATA_DIR / f"{name}.yaml")
