"""A rulebook in plain language: what an act needs, and what a rulebook contains. Pure Python.

:func:`explain` answers "who may do this, how, and under which articles?" for one act, from the
rulebook alone (``charter rules explain ACT``); :func:`summary` describes a whole rulebook in a few
lines (``charter rules check FILE`` prints it when the file is valid). Nothing here names an
organization: every body, number and article comes from the rulebook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from charter.rulebook.judge import fraction_words, majority_words
from charter.rulebook.spec import Rulebook

_gettext: ContextVar[Callable[[str], str] | None] = ContextVar("explain_gettext", default=None)


def _(text: str) -> str:
    """Marks a message for translation, and translates it with the function the caller passed to
    :func:`explain` (the web layer passes Django's gettext); English otherwise. Messages are whole
    sentences or phrases with named placeholders, so a translator can reorder them."""
    translate = _gettext.get()
    return translate(text) if translate else text


METHODS = {
    "scottish-stv": _("single transferable vote (Scottish local government rules)"),
    "meek-stv": _("single transferable vote (Meek method)"),
    "irv": _("instant-runoff vote"),
    "schulze": _("Schulze method"),
    "block": _("block vote"),
    "approval": _("approval vote"),
}

_ROSTER_PLURAL = {
    "members": _("members"),
    "members_in_good_standing": _("members in good standing"),
    "seats": _("members"),
    "delegates": _("delegates"),
}

_FROM = {
    "applied": _("the application"),
    "appeal_filed": _("the appeal being filed"),
    "appeal_decided": _("the appeal decision"),
    "decision_delivered": _("receiving the decision"),
    "charge_delivered": _("the charge being delivered"),
}


# --- small pieces -------------------------------------------------------------------------------


def _art(article: Any) -> str:
    return _("article %(article)s") % {"article": article} if article else ""


def _with_art(text: str, article: Any) -> str:
    return _("%(text)s (article %(article)s)") % {"text": text, "article": article} if article else text


def _unless_same(article: Any, heading_article: Any) -> Any:
    return None if article == heading_article else article


def _body_name(rb: Rulebook, key: str) -> str:
    try:
        return str(rb.body(key)["name"])
    except KeyError:
        return key


def _office_name(rb: Rulebook, key: str) -> str:
    try:
        return str(rb.office(key)["name"])
    except KeyError:
        return key


def _level_name(rb: Rulebook, key: str) -> str:
    try:
        return str(rb.level(key)["name"])
    except KeyError:
        return key


def _method(key: str) -> str:
    return _(METHODS[key]) if key in METHODS else key


def _join(items: Iterable[str], last: str = _("and")) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _from(key: str | None) -> str:
    if not key:
        return _("the start")
    return _(_FROM[key]) if key in _FROM else key.replace("_", " ")


def _days(n: Any) -> str:
    return (_("%(n)s day") if int(n) == 1 else _("%(n)s days")) % {"n": n}


def quorum_words(rb: Rulebook, body: Mapping[str, Any]) -> str:
    """'more than half of its members', 'at least one third of its members in good standing, and at
    least 3'."""
    q = body["quorum"]
    who = _(_ROSTER_PLURAL[q.get("of", body["roster"])])
    frac = fraction_words(q["fraction"])
    if frac == "all":
        text = _("all of its %(who)s") % {"who": who}
    elif q.get("strict"):
        text = _("more than %(fraction)s of its %(who)s") % {"fraction": _(frac), "who": who}
    else:
        text = _("at least %(fraction)s of its %(who)s") % {"fraction": _(frac), "who": who}
    if int(q.get("minimum", 0)):
        text = _("%(quorum)s, and at least %(minimum)s") % {"quorum": text, "minimum": q["minimum"]}
    return text


def seats_words(rb: Rulebook, body: Mapping[str, Any]) -> str:
    seats = body.get("seats")
    if seats is None:
        return ""
    if isinstance(seats, int):
        return f"{seats} {_('seat') if seats == 1 else _('seats')}"
    text = f"{seats['min']} {_('to')} {seats['max']} {_('seats')}"
    if seats.get("fixed_by"):
        text += f" ({_('number fixed by the')} {_body_name(rb, seats['fixed_by'])})"
    return text


def roster_words(rb: Rulebook, body: Mapping[str, Any]) -> str:
    """Who the body's members are."""
    level = _level_name(rb, body["level"]).lower()
    roster = body["roster"]
    if roster == "members":
        return f"{_('all members of the')} {level}"
    if roster == "members_in_good_standing":
        return f"{_('all members in good standing of the')} {level}"
    if roster == "delegates":
        d = body.get("delegates") or {}
        elector = rb.body(d["elected_by"]) if d.get("elected_by") in {b["key"] for b in rb.bodies} else None
        unit = _level_name(rb, elector["level"]).lower() if elector else _("unit")
        if d.get("per_members_in_good_standing"):
            text = f"{_('delegates: one per')} {d['per_members_in_good_standing']} {_('members in good standing')}"
            if int(d.get("minimum_per_unit", 0)):
                text += f", {_('at least')} {d['minimum_per_unit']} {_('per')} {unit}"
        else:
            text = f"{_('delegates')}: {d.get('minimum_per_unit', 1)} {_('per')} {unit}"
        if elector:
            text += f", {_('elected by the')} {elector['name']}"
        return text
    text = seats_words(rb, body)
    how = []
    if body.get("elected_by"):
        method = body.get("election_method") or rb.section("elections").get("multi_seat_method")
        how.append(f"{_('elected by the')} {_body_name(rb, body['elected_by'])}" + (f" {_('by')} {METHODS.get(method, method)}" if method else ""))
    if body.get("appointed_by"):
        how.append(f"{_('appointed by the')} {_body_name(rb, body['appointed_by'])}")
    if body.get("drawn_from"):
        how.append(f"{_('from among the members of the')} {_body_name(rb, body['drawn_from'])}")
    return ", ".join([text, *how]) if text else ", ".join(how)


def weight_words(rule: Mapping[str, Any] | None) -> str:
    if not rule:
        return ""
    if rule["by"] == "fixed":
        return f"{_('each vote counts')} {rule.get('value', 1)}"
    text = f"{_('votes are weighted: one vote per')} {rule.get('per', 1)} {_('members in good standing of the unit represented')}"
    if int(rule.get("minimum", 0)):
        text += f", {_('at least')} {rule['minimum']}"
    return text


# --- who decides --------------------------------------------------------------------------------


def _pairs(items: Iterable[tuple[str, str]]) -> str:
    """'the Congress (for the Central Committee and the Control Commission); the ...'"""
    grouped: dict[str, list[str]] = {}
    for decider, what in items:
        grouped.setdefault(decider, []).append(what)
    return "; ".join(_("the %(decider)s (for %(what)s)") % {"decider": d, "what": _join(whats)} for d, whats in grouped.items())


def _elected(rb: Rulebook, act: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The bodies and offices an electing act fills: offices when the act needs an office free or
    drawn from a body, seats when it needs a free seat, otherwise both."""
    needs = set(act.get("needs") or [])
    offices = bool(needs & {"office_free", "drawn_from"})
    seats = bool(needs & {"seat_free", "vacancy"})
    if not offices and not seats:
        offices = seats = True
    return [b for b in rb.bodies if seats and b.get("elected_by")] + [o for o in rb.offices if offices and o.get("elected_by")]


def _electors(rb: Rulebook, act: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(_body_name(rb, x["elected_by"]), _("the %(body)s") % {"body": x["name"]}) for x in _elected(rb, act)]


def _decider_words(rb: Rulebook, act: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    if "body" in d:
        if d["body"] == "self":
            return _("any body, for its own meetings and business")
        body = rb.body(d["body"])
        if d.get("scope") == "within":
            text = _("the %(body)s of the %(level)s concerned, only for members and units within it") % {"body": body["name"], "level": _level_name(rb, body["level"]).lower()}
        else:
            text = _("the %(body)s") % {"body": body["name"]}
        return _with_art(text, body.get("article"))
    if d.get("self"):
        return _("the member themself")
    if d.get("party"):
        return _("the member concerned, as a party to the case")
    if "rule" in d:
        article = (rb.section("membership").get(d["rule"]) or {}).get("article") or act.get("article")
        return f"{_('Charter itself, applying the rule on')} {str(d['rule']).replace('_', ' ')} ({_art(article)}) {_('when its conditions are met')}"
    if "office" in d:
        office = rb.office(d["office"])
        return _with_art(_("the %(office)s, alone") % {"office": office["name"]}, office.get("article"))
    if d.get("elector"):
        pairs = _electors(rb, act)
        return f"{_('the body that elects to the seat or office concerned')}: {_pairs(pairs)}" if pairs else _("the electing body (these rules name none)")
    if d.get("elector_member"):
        pairs = _electors(rb, act)
        return f"{_('any member of the body that elects to the seat or office concerned')}: {_pairs(pairs)}" if pairs else _("a member of the electing body (these rules name none)")
    if d.get("appointer"):
        pairs = [(_body_name(rb, b["appointed_by"]), f"{_('the')} {b['name']}") for b in rb.bodies if b.get("appointed_by")]
        return f"{_('the body that appoints to the seats concerned')}: {_pairs(pairs)}" if pairs else _("the appointing body (these rules have no appointed seats)")
    if d.get("level_manager"):
        pairs = []
        for lvl in rb.levels:
            if lvl.get("managed_by"):
                what = f"{_('each')} {lvl['name']}"
                if lvl.get("must_hear"):
                    what += f", {_('after hearing the')} {_body_name(rb, lvl['must_hear'])} {_('concerned')}"
                pairs.append((_body_name(rb, lvl["managed_by"]), what))
        return f"{_('the body in charge of the level concerned')}: {_pairs(pairs)}"
    if d.get("seat_fixer"):
        pairs = [(_body_name(rb, b["seats"]["fixed_by"]), f"{_('the')} {b['name']}") for b in rb.bodies if isinstance(b.get("seats"), dict) and b["seats"].get("fixed_by")]
        return f"{_('the body that fixes the number of seats')}: {_pairs(pairs)}" if pairs else _("the body that fixes the number of seats (these rules name none)")
    return _("(an unrecognised decider)")


def deciding_bodies(rb: Rulebook, act: Mapping[str, Any]) -> list[str]:
    """The keys of every body that may take the act, in rulebook order."""
    keys: set[str] = set()
    for d in act.get("decided_by") or []:
        if d.get("body") == "self":
            keys.update(b["key"] for b in rb.bodies)
        elif "body" in d:
            keys.add(d["body"])
        elif d.get("elector") or d.get("elector_member"):
            keys.update(x["elected_by"] for x in _elected(rb, act))
        elif d.get("appointer"):
            keys.update(b["appointed_by"] for b in rb.bodies if b.get("appointed_by"))
        elif d.get("level_manager"):
            keys.update(lvl["managed_by"] for lvl in rb.levels if lvl.get("managed_by"))
        elif d.get("seat_fixer"):
            keys.update(b["seats"]["fixed_by"] for b in rb.bodies if isinstance(b.get("seats"), dict) and b["seats"].get("fixed_by"))
    return [b["key"] for b in rb.bodies if b["key"] in keys]


# --- conditions ---------------------------------------------------------------------------------


def _need_words(rb: Rulebook, act: Mapping[str, Any], need: str) -> str | None:
    m = rb.section("membership")
    e = rb.section("elections")
    meetings = rb.section("meetings")
    lapse = m.get("lapse") or {}
    if need == "lapse_conditions":
        text = _("at least %(n)s months of unpaid dues") % {"n": lapse.get("after_arrears_months", 0)}
        if int(lapse.get("reminders", 0)):
            if int(lapse.get("reminder_interval_days", 0)):
                text = _("%(text)s, after %(n)s written reminder(s) at least %(days)s apart") % {"text": text, "n": lapse["reminders"], "days": _days(lapse["reminder_interval_days"])}
            else:
                text = _("%(text)s, after %(n)s written reminder(s)") % {"text": text, "n": lapse["reminders"]}
        return _with_art(text, lapse.get("article"))
    if need == "arrears_paid_within_window":
        text = _("the arrears have been paid")
        if int(lapse.get("restore_within_days", 0)):
            text = _("the arrears have been paid, within %(days)s of the lapse") % {"days": _days(lapse["restore_within_days"])}
        return _with_art(text, lapse.get("article"))
    if need == "in_writing":
        return _("it is done in writing")
    if need == "heard_concerned":
        hearers = [f"{_('the')} {_body_name(rb, lvl['must_hear'])} ({lvl['name']})" for lvl in rb.levels if lvl.get("must_hear")]
        return f"{_('the units concerned have been heard first')}" + (f": {_join(hearers)}" if hearers else "")
    if need == "notice":
        urgent = meetings.get("urgent") or {}
        text = _("the meeting is called with the notice set out above")
        if urgent.get("forbidden_categories"):
            text += "; " + _with_art(f"{_('an urgent meeting may not take decisions of the kind')}: {_join(urgent['forbidden_categories'])}", urgent.get("article"))
        return text
    if need == "agenda":
        if meetings.get("agenda_with_notice"):
            return _with_art(_("the notice carries the agenda"), meetings.get("notice_article"))
        return None
    if need == "candidate_in_good_standing":
        return _with_art(_("the candidate is a member in good standing"), e.get("candidacy_article") or (m.get("good_standing") or {}).get("article"))
    if need == "nominated":
        n = int(e.get("nominators", 0))
        return _with_art(_("the candidate is nominated by %(n)s members of the electing body") % {"n": n}, e.get("candidacy_article")) if n else None
    if need == "accepted":
        return _with_art(_("the candidate has accepted the nomination in writing"), e.get("candidacy_article")) if e.get("written_acceptance") else None
    if need == "seat_free":
        return _("a seat on the body is free")
    if need == "vacancy":
        return _("there is a vacancy on the body")
    if need == "co_option_limit":
        co = rb.section("co_option")
        if not co:
            return _("co-option is allowed (these rules do not allow it)")
        text = _("co-opted members never exceed %(fraction)s of the seats") % {"fraction": _(fraction_words(co["max_fraction"]))}
        if co.get("until"):
            text = _("%(text)s; they serve until the %(until)s") % {"text": text, "until": str(co["until"]).replace("_", " ")}
        return _with_art(text, co["article"])
    if need == "composition":
        rules = []
        for b in rb.bodies:
            for other in b.get("incompatible_with") or []:
                rules.append(_with_art(_("no member of the %(other)s may sit on the %(body)s") % {"other": _body_name(rb, other), "body": b["name"]}, b.get("article")))
            if b.get("drawn_from"):
                rules.append(_with_art(_("members of the %(body)s come from the %(source)s") % {"body": b["name"], "source": _body_name(rb, b["drawn_from"])}, b.get("article")))
        return f"{_('the body stays properly composed')}" + (f": {'; '.join(rules)}" if rules else "")
    if need == "office_free":
        return _("the office is vacant")
    if need == "drawn_from":
        rules = [_with_art(_("the %(office)s is chosen from among the members of the %(body)s") % {"office": o["name"], "body": _body_name(rb, o["drawn_from"])}, o.get("article")) for o in rb.offices if o.get("drawn_from")]
        return "; ".join(rules) or None
    if need == "facts_stated":
        return _("the charge states the facts relied on")
    if need == "open_charge":
        return _("a charge against the member is open")
    if need == "appeal_composition":
        appeal = rb.section("discipline").get("appeal") or {}
        if appeal.get("exclude_participants"):
            return _with_art(_("no one who took part in the decision under appeal sits on it"), appeal.get("exclusion_article"))
        return None
    if need == "reply_period":
        dp = rb.section("discipline").get("due_process") or {}
        text = _("the charge has been delivered in writing")
        if int(dp.get("reply_days", 0)):
            text = _("the charge has been delivered in writing, and the reply comes within %(days)s of its delivery") % {"days": _days(dp["reply_days"])}
        return _with_art(text, dp.get("reply_article") or (dp.get("charge_in_writing") or {}).get("article"))
    if need == "companion":
        hearing = (rb.section("discipline").get("due_process") or {}).get("hearing") or {}
        if hearing.get("companion"):
            return _with_art(_("the member may bring a person of their choice to the hearing"), hearing.get("article"))
        return _("the rules give a right to bring a companion (these rules do not)")
    if need == "proposal_circulated":
        days = act.get("circulated_days_before")
        return _with_art(_("the proposal was circulated to the members at least %(days)s before the decision") % {"days": _days(days or 0)}, act.get("article"))
    if need == "registered_with_vote":
        return _with_art(_("the member is registered at the conference with a vote"), act.get("article"))
    if need == "conference_majority":
        spec = act.get("majority") or meetings.get("default_majority") or {"fraction": "1/2", "of": "cast", "strict": True}
        return _with_art(_("the conference votes for it: %(rule)s") % {"rule": majority_words(spec)}, spec.get("article") or act.get("article"))
    return None  # due_process has its own section


def _due_process_lines(rb: Rulebook) -> list[str]:
    dp = rb.section("discipline").get("due_process") or {}
    lines = []
    if "charge_in_writing" in dp:
        lines.append(_with_art(_("the charge, with its grounds and the facts relied on, is delivered to the member in writing"), (dp["charge_in_writing"] or {}).get("article")))
    if int(dp.get("reply_days", 0)):
        lines.append(_with_art(_("the member has at least %(days)s to reply in writing") % {"days": _days(dp["reply_days"])}, dp.get("reply_article")))
    if "hearing" in dp:
        hearing = dp["hearing"] or {}
        text = _("the member has the right to be heard by the deciding body")
        if hearing.get("companion"):
            text = _("the member has the right to be heard by the deciding body, with a person of their choice")
        lines.append(_with_art(text, hearing.get("article")))
    if "recusal" in dp:
        lines.append(_with_art(_("members who brought the charge or have a personal interest take no part in the decision"), (dp["recusal"] or {}).get("article")))
    if "written_decision" in dp:
        lines.append(_with_art(_("the decision states its grounds and is delivered in writing"), (dp["written_decision"] or {}).get("article")))
    return lines


def _appeal_lines(rb: Rulebook) -> list[str]:
    appeal = rb.section("discipline").get("appeal") or {}
    if not appeal:
        return []
    body = _body_name(rb, appeal["body"])
    lines = [_with_art(_("the member may appeal to the %(body)s within %(days)s of receiving the decision") % {"body": body, "days": _days(appeal["within_days"])}, appeal.get("article"))]
    if appeal.get("heard_within_days"):
        lines.append(_with_art(_("the %(body)s hears the appeal within %(days)s") % {"body": body, "days": _days(appeal["heard_within_days"])}, appeal.get("article")))
    if appeal.get("outcomes"):
        lines.append(_("it may %(outcomes)s the measure") % {"outcomes": _join(appeal["outcomes"], _("or"))})
    if appeal.get("exclude_participants"):
        lines.append(_with_art(_("a member of it who took part in the decision under appeal may not sit"), appeal.get("exclusion_article")))
    ref = appeal.get("referral")
    if ref:
        if ref.get("final"):
            text = _("either party may refer its decision to the %(body)s, whose decision is final") % {"body": _body_name(rb, ref["to"])}
        else:
            text = _("either party may refer its decision to the %(body)s") % {"body": _body_name(rb, ref["to"])}
        lines.append(_with_art(text, ref.get("article")))
    pending = appeal.get("offices_while_pending")
    if pending:
        lines.append(_with_art(_("while an appeal is pending, offices the member holds are %(state)s") % {"state": _(str(pending))}, appeal.get("pending_article")))
    return lines


# --- the two entry points -----------------------------------------------------------------------


def explain(rb: Rulebook, act: str, *, gettext: Callable[[str], str] | None = None) -> str:
    """What the rulebook says about one act, in plain language, citing its articles; in English, or
    translated by ``gettext`` (the web layer passes Django's, for the reader's language).

    Raises KeyError, listing the rulebook's acts, when ``act`` is not one of them."""
    token = _gettext.set(gettext)
    try:
        return _explain(rb, act)
    finally:
        _gettext.reset(token)


def _explain(rb: Rulebook, act: str) -> str:
    if act not in rb.acts:
        raise KeyError(f"the rulebook has no act '{act}'; its acts are: {', '.join(sorted(rb.acts))}")
    a = rb.act(act)
    meetings = rb.section("meetings")
    discipline = rb.section("discipline")
    out: list[str] = [_("%(name)s (article %(article)s)") % {"name": a["name"], "article": a["article"]}, _("Act: %(act)s; category: %(category)s") % {"act": act, "category": a["category"]}, ""]

    def section(title: str, lines: Iterable[str]) -> None:
        lines = [line for line in lines if line]
        if lines:
            out.append(f"{title}:")
            out.extend(f"  - {line}" for line in lines)
            out.append("")

    deciders = a.get("decided_by") or []
    if deciders:
        section(_("Who may do it"), [_decider_words(rb, a, d) for d in deciders])
    else:
        section(_("Who may do it"), [_("nobody: %(note)s") % {"note": a["note"]} if a.get("note") else _("nobody")])

    bodies = deciding_bodies(rb, a)
    urgent = meetings.get("urgent") or {}
    urgent_forbidden = bool(a.get("full_notice")) or a.get("category") in (urgent.get("forbidden_categories") or [])
    if a.get("at_meeting"):
        if a.get("full_notice"):
            how = _("It is decided at a meeting of the deciding body, called with full notice (not an urgent meeting).")
        else:
            how = _("It is decided at a meeting of the deciding body.")
        out += [how, ""]
    elif deciders:
        out += [_("It is not decided at a meeting."), ""]

    if bodies and (a.get("at_meeting") or "notice" in (a.get("needs") or [])):
        lines = []
        for key in bodies:
            body = rb.body(key)
            values = {"body": body["name"], "days": _days(body.get("notice_days", 0)), "hours": body.get("urgent_notice_hours")}
            if meetings.get("agenda_with_notice"):
                text = _("%(body)s: %(days)s' notice, with the agenda") % values
            else:
                text = _("%(body)s: %(days)s' notice") % values
            if body.get("urgent_notice_hours"):
                if urgent.get("reason_required"):
                    urgent_text = _("an urgent meeting may be called on %(hours)s hours' notice with the reason for urgency stated") % values
                else:
                    urgent_text = _("an urgent meeting may be called on %(hours)s hours' notice") % values
                text = f"{text}; {urgent_text}"
            else:
                text = f"{text}; {_('no urgent meetings')}"
            lines.append(text)
        if a.get("notice_days") and a.get("at_meeting"):
            lines.append(_with_art(_("this decision needs a meeting called with at least %(days)s' notice") % {"days": _days(a["notice_days"])}, a.get("notice_article") or a["article"]))
        if urgent_forbidden and a.get("at_meeting") and urgent.get("article"):
            lines.append(_with_art(_("urgent meetings may not take this decision"), urgent.get("article")))
        section(_with_art(_("Notice"), meetings.get("notice_article")), lines)

    if bodies and a.get("at_meeting"):
        section(_with_art(_("Quorum"), meetings.get("quorum_article")), [
            _with_art(f"{rb.body(key)['name']}: {quorum_words(rb, rb.body(key))}", _unless_same(rb.body(key)["quorum"].get("article"), meetings.get("quorum_article"))) for key in bodies
        ] + [_("a meeting without quorum may not decide")])

    if a.get("by_count"):
        e = rb.section("elections")
        lines = [_("decided by the count, not by a show of hands")]
        if e.get("multi_seat_method"):
            lines.append(_("several seats: %(method)s, unless the body has its own method") % {"method": _method(e["multi_seat_method"])})
        own = [f"{b['name']}: {_method(b['election_method'])}" for b in rb.bodies if b.get("election_method")]
        lines += own
        if e.get("single_seat_method"):
            lines.append(_("a single seat or office: %(method)s") % {"method": _method(e["single_seat_method"])})
        if e.get("secret"):
            lines.append(_("always by secret ballot"))
        section(_with_art(_("Majority"), e.get("article")), lines)
    elif a.get("at_meeting"):
        spec = a.get("majority") or meetings.get("default_majority") or {"fraction": "1/2", "of": "cast", "strict": True}
        lines = [_with_art(majority_words(spec), spec.get("article") or a["article"])]
        weighted = [f"{rb.body(k)['name']}: {weight_words(rb.body(k)['vote_weight'])}" for k in bodies if rb.body(k).get("vote_weight")]
        lines += weighted
        section(_("Majority needed"), lines)

    if a.get("target") == "member" and a.get("target_status"):
        out += [_("It concerns a person whose membership is %(status)s.") % {"status": _join([_(str(x)) for x in a["target_status"]], _("or"))}, ""]

    grounds_needed = a.get("grounds") == "required" or "grounds_allowed" in a
    if grounds_needed or a.get("grounds") == "optional":
        known = {g["key"]: g for g in rb.grounds}
        keys = a.get("grounds_allowed") or list(known)
        lines = [_with_art(f"{known[k].get('label', k)} {known[k]['name']}" if known[k].get("label") else known[k]["name"], known[k]["article"]) for k in keys if k in known]
        for g in rb.never_grounds:
            never = _("never a ground: %(ground)s") % {"ground": g["name"]}
            lines.append(_with_art(f"{never}. {g['note']}" if g.get("note") else never, g["article"]))
        title = _("Grounds (one must be stated)") if grounds_needed else _("Grounds (may be stated)")
        if "grounds_allowed" in a:
            title = _("Grounds (only these)")
        section(title, lines)

    needs = a.get("needs") or []
    if "due_process" in needs:
        section(_("Due process"), _due_process_lines(rb))
    section(_("Conditions"), [w for w in (_need_words(rb, a, n) for n in needs if n != "due_process") if w])

    limits = []
    if a.get("deadline"):
        limits.append(_with_art(_("must be decided within %(days)s of %(start)s") % {"days": _days(a["deadline"]["days"]), "start": _from(a["deadline"].get("from"))}, a["article"]))
    if a.get("window"):
        limits.append(_with_art(_("may only be done within %(days)s of %(start)s") % {"days": _days(a["window"]["days"]), "start": _from(a["window"].get("from"))}, a["article"]))
    if a.get("max_days"):
        limits.append(_with_art(_("lasts at most %(days)s") % {"days": _days(a["max_days"])}, a.get("max_days_article") or a["article"]))
    if a.get("lapses_unless_decided_by"):
        limits.append(_with_art(_("lapses unless the %(body)s decides within that time") % {"body": _body_name(rb, a["lapses_unless_decided_by"])}, a["article"]))
    if a.get("reasons_required"):
        limits.append(_("the decision must state its reasons in writing"))
    section(_("Time limits and form"), limits)

    if a.get("category") in ("discipline", "appeals") and discipline.get("appeal"):
        section(_("Appeal"), _appeal_lines(rb))

    refused = []
    for body in rb.bodies:
        for rule in body.get("may_not") or []:
            if act in rule["acts"]:
                refused.append(_with_art(_("the %(body)s") % {"body": body["name"]}, rule["article"]) + (f": {rule['note']}" if rule.get("note") else ""))
    # An office's "no power" note matters for acts on a person given directly to a body or an office.
    if a.get("target") == "member" and any(d.get("body") not in (None, "self") or "office" in d for d in deciders):
        for office in rb.offices:
            if office.get("no_power_note") and act not in (office.get("powers") or []):
                refused.append(_with_art(_("the %(office)s") % {"office": office["name"]}, office["article"]) + f": {office['no_power_note']}")
    section(_("Who may not"), refused)

    if a.get("note") and deciders:
        out += [str(a["note"]), ""]
    return "\n".join(out).rstrip() + "\n"


def summary(rb: Rulebook) -> str:
    """A few lines describing a valid rulebook: organization, version, levels, bodies, acts."""
    org = rb.data["organization"]
    doc = rb.data["document"]
    name = rb.name + (f" ({org['short_name']})" if org.get("short_name") else "")
    adopted = ""
    if doc.get("adopted_on") or doc.get("adopted_by"):
        adopted = ", " + _("adopted") + (f" {doc['adopted_on'].isoformat()}" if doc.get("adopted_on") else "") + (f" {_('by')} {doc['adopted_by']}" if doc.get("adopted_by") else "")
    out = [
        name,
        f"{doc['title']}, {_('version')} {rb.version}{adopted}; {_('in force from')} {rb.effective_from.isoformat()}",
        f"{_('Levels')}: {' > '.join(lvl['name'] for lvl in rb.levels)} ({_('members belong to a')} {_level_name(rb, rb.home_level)})",
        f"{_('Bodies')}:",
    ]
    for body in rb.bodies:
        parts = [roster_words(rb, body)]
        if body.get("vote_weight"):
            parts.append(weight_words(body["vote_weight"]))
        parts.append(f"{_('quorum')} {quorum_words(rb, body)}")
        parts.append(f"{_days(body.get('notice_days', 0))}' {_('notice')}")
        out.append(f"  - {body['name']} ({_level_name(rb, body['level'])}): {'; '.join(p for p in parts if p)}")
    if rb.offices:
        offices = []
        for o in rb.offices:
            text = f"{o['name']} ({_('of the')} {_body_name(rb, o['body'])}"
            if o.get("elected_by"):
                text += f", {_('elected by the')} {_body_name(rb, o['elected_by'])}"
            offices.append(text + ")")
        out.append(f"{_('Offices')}: {'; '.join(offices)}")
    appeal = rb.section("discipline").get("appeal")
    if rb.grounds or appeal:
        text = f"{_('Discipline')}: {len(rb.grounds)} {_('grounds')}"
        if appeal:
            text += f"; {_('appeals to the')} {_body_name(rb, appeal['body'])} {_('within')} {_days(appeal['within_days'])}"
        out.append(text)
    if rb.initiatives:
        out.append(f"{_('Members initiatives')}: {len(rb.initiatives)}")
    out.append(f"{_('Acts')}: {len(rb.acts)}")
    out.append(f"sha256: {rb.sha256}")
    return "\n".join(out) + "\n"
