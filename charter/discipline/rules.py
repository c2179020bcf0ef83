"""What the rulebook says about a disciplinary case: periods, bodies and articles.

Pure reading of a :class:`Rulebook` (no database): every number and body the case workflow uses
comes from here, so a rulebook with other periods, bodies or appeal route needs no code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from charter.rulebook.spec import Rulebook

MEASURE_ACTS = {"warning": "warn_member", "suspension": "suspend_member", "expulsion": "expel_member"}
GRAVITY = ("warning", "suspension", "expulsion")


@dataclass(frozen=True)
class Period:
    days: int
    article: str


def _act(rb: Rulebook, name: str) -> dict[str, Any]:
    return rb.acts.get(name) or {}


def due_process(rb: Rulebook) -> dict[str, Any]:
    return rb.section("discipline").get("due_process") or {}


def appeal_rules(rb: Rulebook) -> dict[str, Any]:
    return rb.section("discipline").get("appeal") or {}


def charge_article(rb: Rulebook) -> str:
    dp = due_process(rb)
    return str((dp.get("charge_in_writing") or {}).get("article") or _act(rb, "frame_charge").get("article", ""))


def reply_period(rb: Rulebook) -> Period | None:
    dp = due_process(rb)
    days = int(dp.get("reply_days", 0))
    return Period(days, str(dp.get("reply_article") or charge_article(rb))) if days else None


def hearing_article(rb: Rulebook) -> str:
    return str((due_process(rb).get("hearing") or {}).get("article") or charge_article(rb))


def companion_allowed(rb: Rulebook) -> bool:
    return bool((due_process(rb).get("hearing") or {}).get("companion"))


def recusal_article(rb: Rulebook) -> str:
    return str((due_process(rb).get("recusal") or {}).get("article") or charge_article(rb))


def _window(rb: Rulebook, act: str, fallback_days: Any = None, fallback_article: Any = None) -> Period | None:
    a = _act(rb, act)
    if not a or not a.get("decided_by"):
        return None
    w = a.get("window")
    if w:
        return Period(int(w["days"]), str(a["article"]))
    if fallback_days:
        return Period(int(fallback_days), str(fallback_article or a["article"]))
    return None


def appeal_window(rb: Rulebook) -> Period | None:
    """How long the member has to appeal, from receiving the decision (None: no appeal)."""
    ap = appeal_rules(rb)
    if not ap:
        return None
    return _window(rb, "file_appeal", ap.get("within_days"), ap.get("article"))


def appeal_hearing_period(rb: Rulebook) -> Period | None:
    """How long the appeal body has to hear and decide, from the filing."""
    ap = appeal_rules(rb)
    a = _act(rb, "decide_appeal")
    deadline = a.get("deadline")
    if deadline:
        return Period(int(deadline["days"]), str(a["article"]))
    if ap.get("heard_within_days"):
        return Period(int(ap["heard_within_days"]), str(ap.get("article") or a.get("article", "")))
    return None


def referral(rb: Rulebook) -> dict[str, Any]:
    return appeal_rules(rb).get("referral") or {}


def referral_window(rb: Rulebook) -> Period | None:
    """How long a party has to refer the appeal decision further (None: no time limit, or no referral)."""
    if not referral(rb):
        return None
    return _window(rb, "refer_appeal")


def offices_while_pending(rb: Rulebook) -> str:
    """'suspended', 'kept' or 'vacated': a member's offices while an expulsion can still be appealed.
    Without an appeal route an expulsion is final at once: 'vacated'."""
    ap = appeal_rules(rb)
    if not ap or appeal_window(rb) is None:
        return "vacated"
    return str(ap.get("offices_while_pending") or "suspended")


def interim_rules(rb: Rulebook) -> dict[str, Any]:
    return _act(rb, "interim_suspension")


def act_deadlines_from(rb: Rulebook, event: str) -> list[tuple[str, Period]]:
    """Acts that must be decided within so many days of ``event`` (``deadline: {days, from}``)."""
    out = []
    for name in MEASURE_ACTS.values():
        a = _act(rb, name)
        d = a.get("deadline")
        if d and d.get("from") == event:
            out.append((name, Period(int(d["days"]), str(a["article"]))))
    return out


def body_deciders(rb: Rulebook, act: str) -> list[tuple[str, str]]:
    """(body kind, scope) of each body that may take ``act``."""
    return [(str(d["body"]), str(d.get("scope", "any"))) for d in _act(rb, act).get("decided_by") or [] if "body" in d and d["body"] != "self"]


def office_deciders(rb: Rulebook, act: str) -> list[str]:
    return [str(d["office"]) for d in _act(rb, act).get("decided_by") or [] if "office" in d]


def measure_body_kinds(rb: Rulebook) -> list[str]:
    """Kinds of body that may decide some measure, the gravest measure's bodies first."""
    kinds: list[str] = []
    for measure in reversed(GRAVITY):
        for kind, _scope in body_deciders(rb, MEASURE_ACTS[measure]):
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def ground_words(rb: Rulebook, keys: list[str]) -> list[dict[str, str]]:
    """The grounds as members cite them: label, name, article (unknown keys as they are)."""
    known = {g["key"]: g for g in rb.grounds}
    return [
        {"key": k, "label": str(known[k].get("label", k)), "name": str(known[k]["name"]), "article": str(known[k]["article"])} if k in known
        else {"key": k, "label": k, "name": k, "article": ""}
        for k in keys
    ]


def lesser(kind: str, days: int | None, than_kind: str, than_days: int | None) -> bool:
    """Is (kind, days) a lighter measure than (than_kind, than_days)?"""
    a, b = GRAVITY.index(kind), GRAVITY.index(than_kind)
    if a != b:
        return a < b
    return kind == "suspension" and days is not None and than_days is not None and days < than_days
