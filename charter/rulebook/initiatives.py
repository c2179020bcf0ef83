"""Members' initiatives under a rulebook's ``initiatives`` section. Pure Python: no Django.

An initiative is something a number of members may require of a body (an item on its agenda, an
investigation, a special congress) or a document they may have circulated. The rulebook gives, for
each kind, the threshold (so many members in good standing, or a fraction of them, or so many
bodies of a kind), the body addressed, the deadline and what fulfils the obligation. This module
computes thresholds and deadlines and judges each step (:func:`judge`): the caller gathers the
facts into a :class:`Step`; the verdict lists every rule the step would break, with its article.
Nothing here names an organization, reads a database or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from charter.rulebook import compute
from charter.rulebook import judge as J
from charter.rulebook.spec import Rulebook


def _(text: str) -> str:
    """Marks a message for translation; the web layer translates it when it shows it."""
    return text


# The steps, by the name they carry on the record.
START = "start_initiative"
SIGN = "sign_initiative"
WITHDRAW = "withdraw_signature"
ENDORSE = "endorse_initiative"  # a body of the kind the threshold allows supports it, by a decision
ANSWER = "answer_initiative"  # the body addressed fulfils the obligation by a decision
STOP = "stop_circulation"  # an attempt to hold back a document the members have the right to circulate
ALTER = "alter_document"  # an attempt to change its text
STEPS = (START, SIGN, WITHDRAW, ENDORSE, ANSWER, STOP, ALTER)

# The life of an initiative: signatures are collected until the threshold is reached; then the
# obligation stands until it is fulfilled; a deadline that passes first is missed (and the
# obligation can still be fulfilled, late).
COLLECTING, OPEN, FULFILLED, MISSED = "collecting", "open", "fulfilled", "missed"

FULFILMENT_WORDS = {
    "recorded_vote": _("The %(body)s must decide it by a recorded vote"),
    "investigation_opened": _("The %(body)s must open the investigation"),
    "meeting_convened": _("A meeting of the %(convenes)s must be convened"),
    "circulated_unaltered": _("The document is circulated unaltered to every addressee"),
}


@dataclass(frozen=True)
class Step:
    act: str  # one of STEPS
    kind: str  # the initiative's key in the rulebook
    on: dt.date
    actor: J.Person | None
    addressed: J.Body | None = None  # the body the initiative is addressed to (None: all members)
    body: J.Body | None = None  # the body whose decision this is, or whose authority is claimed
    office: str = ""  # the office whose authority is claimed
    state: str = COLLECTING
    signed: bool = False  # the actor has a signature on it already
    endorsed: bool = False  # the body has endorsed it already
    fulfils: str = ""  # ANSWER: what the decision does (recorded_vote, investigation_opened)


def rule(rb: Rulebook, kind: str) -> dict[str, Any]:
    for ini in rb.initiatives:
        if ini.get("key") == kind:
            return dict(ini)
    raise KeyError(f"the rulebook has no initiative '{kind}'")


def fulfilled_by(ini: Mapping[str, Any]) -> str:
    return str(ini.get("fulfilled_by", "recorded_vote"))


def circulates(ini: Mapping[str, Any]) -> bool:
    """A document the members circulate: fulfilled by Charter itself, the moment it is co-signed."""
    return fulfilled_by(ini) == "circulated_unaltered"


# --- numbers ------------------------------------------------------------------------------------


def needed(ini: Mapping[str, Any], members_in_good_standing: int) -> int:
    """Signatures of members in good standing needed, against the membership on the day."""
    return compute.threshold_needed(dict(ini["threshold"]), members_in_good_standing)


def bodies_needed(ini: Mapping[str, Any]) -> int:
    """Bodies whose support reaches the threshold on its own (0: the rules give no such way)."""
    alt = ini["threshold"].get("or_bodies")
    return int(alt["count"]) if alt else 0


def reached(ini: Mapping[str, Any], *, signatures: int, members_in_good_standing: int, endorsements: int = 0) -> bool:
    if signatures >= needed(ini, members_in_good_standing):
        return True
    count = bodies_needed(ini)
    return bool(count) and endorsements >= count


def due_on(ini: Mapping[str, Any], reached_on: dt.date) -> dt.date:
    """The last day on which the obligation may be fulfilled in time."""
    return reached_on + dt.timedelta(days=int(ini["deadline"]["days"]))


def deadline(ini: Mapping[str, Any], reached_on: dt.date, next_meeting_on: dt.date | None = None) -> dt.date:
    """``due_on``, or the day of the body's next ordinary meeting when that comes first and the
    rules say so (``deadline: {days: 30, or: next_ordinary_meeting}``)."""
    last = due_on(ini, reached_on)
    if ini["deadline"].get("or") == "next_ordinary_meeting" and next_meeting_on is not None:
        return min(last, next_meeting_on)
    return last


def missed(ini: Mapping[str, Any], reached_on: dt.date, today: dt.date, next_meeting_on: dt.date | None = None) -> bool:
    return today > deadline(ini, reached_on, next_meeting_on)


# --- words --------------------------------------------------------------------------------------


def threshold_words(rb: Rulebook, ini: Mapping[str, Any]) -> str:
    """'one tenth of the members in good standing', '20 members in good standing', '…, or 3 Regional
    Committees'."""
    t = ini["threshold"]
    if "members_in_good_standing" in t:
        text = _("%(n)s members in good standing") % {"n": t["members_in_good_standing"]}
    else:
        text = _("%(fraction)s of the members in good standing") % {"fraction": J.fraction_words(t["fraction"])}
    alt = t.get("or_bodies")
    if alt:
        text += ", " + _("or %(n)s bodies: %(body)s") % {"n": alt["count"], "body": _body_name(rb, alt["kind"])}
    return text


def obligation_words(rb: Rulebook, ini: Mapping[str, Any], body_name: str) -> str:
    how = fulfilled_by(ini)
    convenes = _body_name(rb, ini["convenes"]) if ini.get("convenes") else ""
    text = FULFILMENT_WORDS[how] % {"body": body_name, "convenes": convenes}
    days = ini["deadline"]["days"]
    if ini["deadline"].get("or") == "next_ordinary_meeting":
        return text + " " + _("at its next ordinary meeting, and in any case within %(days)s days.") % {"days": days}
    return text + " " + _("within %(days)s days.") % {"days": days}


def _body_name(rb: Rulebook, kind: str) -> str:
    try:
        return str(rb.body(kind)["name"])
    except KeyError:
        return kind


# --- judging a step ------------------------------------------------------------------------------


class _Steps:
    def __init__(self, rb: Rulebook, step: Step, ini: dict[str, Any]) -> None:
        self.rb, self.step, self.ini = rb, step, ini
        self.breaches: list[J.Breach] = []

    def breach(self, code: str, template: str, article: str | None = None, **params: Any) -> None:
        self.breaches.append(J.Breach(article or str(self.ini["article"]), code, template, params))


def judge(rb: Rulebook, step: Step) -> J.Verdict:
    """Every rule ``step`` would break, with its article."""
    try:
        ini = rule(rb, step.kind)
    except KeyError:
        return J.Verdict(step.act, (J.Breach("", "unknown_initiative", _("These rules provide for no initiative called '%(kind)s'."), {"kind": step.kind}),))
    s = _Steps(rb, step, ini)
    {
        START: _start, SIGN: _sign, WITHDRAW: _withdraw, ENDORSE: _endorse, ANSWER: _answer, STOP: _interfere, ALTER: _interfere,
    }[step.act](s)
    return J.Verdict(step.act, tuple(s.breaches))


def _member(s: _Steps, what: str) -> bool:
    actor = s.step.actor
    if actor is None or actor.status != "member":
        s.breach("not_a_member", _("Only members may %(what)s."), what=what)
        return False
    return True


def _start(s: _Steps) -> None:
    _member(s, _("start an initiative"))
    to = str(s.ini["addressed_to"])
    addressed = s.step.addressed
    if to == "any_body":
        if addressed is None and not circulates(s.ini):
            s.breach("no_addressee", _("Say which body this initiative is addressed to."))
    elif addressed is None or addressed.kind != to:
        s.breach("wrong_addressee", _("Under these rules this initiative is addressed to the %(body)s."), body=_body_name(s.rb, to))


def _good_standing_article(s: _Steps) -> str:
    return str((s.rb.section("membership").get("good_standing") or {}).get("article") or s.ini["article"])


def _sign(s: _Steps) -> None:
    if s.step.state == FULFILLED:
        s.breach("initiative_closed", _("The obligation has been fulfilled; signatures are no longer collected."))
        return
    if not _member(s, _("sign an initiative")):
        return
    actor = s.step.actor
    if actor is not None and not actor.good_standing:
        s.breach("not_in_good_standing", _("Only the signatures of members in good standing count, and your dues are in arrears beyond the limit."), article=_good_standing_article(s))
    if s.step.signed:
        s.breach("already_signed", _("You have already signed this; each member counts once."))


def _withdraw(s: _Steps) -> None:
    if not s.step.signed:
        s.breach("not_signed", _("You have not signed this."))
    elif s.step.state != COLLECTING:
        s.breach("threshold_reached", _("The threshold has been reached and the obligation stands: a signature can no longer be withdrawn."))


def _endorse(s: _Steps) -> None:
    alt = s.ini["threshold"].get("or_bodies")
    body = s.step.body
    if not alt:
        s.breach("no_bodies_alternative", _("Under these rules only the signatures of members count for this initiative."))
        return
    if s.step.state == FULFILLED:
        s.breach("initiative_closed", _("The obligation has been fulfilled; support is no longer collected."))
    if body is None or body.kind != alt["kind"]:
        s.breach("wrong_body", _("Only a %(body)s may support this initiative as a body."), body=_body_name(s.rb, alt["kind"]))
    elif s.step.endorsed:
        s.breach("already_endorsed", _("The %(body)s has already supported this initiative."), body=body.name or _body_name(s.rb, body.kind))


def _answer(s: _Steps) -> None:
    how = fulfilled_by(s.ini)
    addressed, body = s.step.addressed, s.step.body
    if s.step.state == COLLECTING:
        s.breach("no_obligation", _("The threshold has not been reached: there is no obligation to fulfil yet."))
    elif s.step.state == FULFILLED:
        s.breach("already_fulfilled", _("This obligation has already been fulfilled."))
    if how != s.step.fulfils:
        s.breach("wrong_fulfilment", _("This obligation is not fulfilled that way. %(how)s."), how=FULFILMENT_WORDS[how] % {"body": addressed.name if addressed else "", "convenes": _body_name(s.rb, str(s.ini.get("convenes", "")))})
    if addressed is None or body is None or body.id != addressed.id:
        s.breach("not_addressed", _("This initiative is addressed to the %(body)s; only it can answer it."), body=addressed.name if addressed else _("membership"))


def _interfere(s: _Steps) -> None:
    """Nobody may stop or change what the members have the right to circulate: no officer approves it."""
    n = s.ini["threshold"].get("members_in_good_standing")
    if circulates(s.ini):
        s.breach("circulation_unconditional", _("A document co-signed by %(n)s members in good standing is circulated unaltered to its addressees; no officer or body may stop or change it."), n=n or _("enough"))
    else:
        s.breach("initiative_unconditional", _("What members require by initiative is not subject to any officer's or body's approval."))
