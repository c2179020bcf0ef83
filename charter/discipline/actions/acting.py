"""Who takes a step in a case, and how it is judged and recorded.

A step is taken by a body's decision (recorded by one of its members, at a meeting or not), by an
officer alone under an office the rules empower, by the member concerned personally, or by Charter
applying a rule (no actor). Each is judged by the rulebook before anything changes; refusals of a
body's or an office's claimed authority go on the record (``enforce.consequential``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.members.models import Member
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook import enforce
from charter.rulebook.enforce import Decision
from charter.rulebook.spec import Rulebook

GROUND_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")


def judge(
    act: str,
    *,
    decision: Decision | None = None,
    by: Member | None = None,
    office: str = "",
    target: Member | None = None,
    grounds: Iterable[str] = (),
    facts: Mapping[str, Any] | None = None,
    reasons: str = "",
    text: str = "",
    subjects: Iterable[Member] = (),
    detail: Mapping[str, Any] | None = None,
) -> Rulebook:
    """Ask the rulebook; raise ``Refused`` (with its articles) unless the step is allowed."""
    if decision is not None:
        return judge_decision(act, decision, text=text or act, target=target, grounds=grounds, facts=facts, subjects=subjects, detail=detail)
    prop = enforce.proposal(act, actor=by, office=office, target=target, grounds=grounds, reasons=reasons, facts=facts)
    full = {**(detail or {}), **({"office": office} if office else {})}
    return enforce.check(prop, actor=by, subjects=subjects, detail=full)


def done(
    act: str,
    rb: Rulebook,
    *,
    decision: Decision | None = None,
    by: Member | None = None,
    office: str = "",
    text: str = "",
    subjects: Iterable[Member] = (),
    detail: Mapping[str, Any] | None = None,
) -> Entry:
    """Put the step on the record (and, for a decision taken at a meeting, in its minutes)."""
    if decision is not None:
        return carried(act, decision, rb, text=text or act, subjects=subjects, detail=detail)
    full = {**(detail or {}), **({"office": office} if office else {})}
    return record.append(act, "done", actor=by, subjects=subjects, detail=full, articles=[rb.act(act)["article"]])


def ground_keys(grounds: Iterable[str]) -> list[str]:
    """Grounds are named by their keys (``breach_of_document``), never by free text: a refusal
    quotes them on the public record, which must carry no free text."""
    keys = [str(g).strip() for g in grounds]
    if any(not GROUND_KEY.fullmatch(k) for k in keys):
        raise InvalidInput(_("Name each ground by its key in the rules (such as breach_of_document), not in your own words."))
    return keys


def acting_person(decision: Decision | None, by: Member | None, office: str) -> Member:
    """The person taking a step for a body or under an office; one of the two must be given."""
    if decision is not None:
        return decision.by
    if by is None or not office:
        raise InvalidInput(_("Say who takes this step: a body, by its decision, or an officer under the office the rules name."))
    return by
