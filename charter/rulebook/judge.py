"""Judging a proposed act against a rulebook. Pure Python: no Django.

The caller gathers the facts (who acts, for which body, on whom, at which meeting, with what
votes and what has happened in the case) into a :class:`Proposal`; :func:`judge` returns a
:class:`Verdict` that lists every rule the act would break, each with its article and a sentence
a member can read. Nothing here reads a database or the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from charter.rulebook import compute
from charter.rulebook.spec import Rulebook, parse_fraction


def _(text: str) -> str:
    """Marks a message for translation; the web layer translates it when it shows it."""
    return text


@dataclass(frozen=True)
class Unit:
    id: int
    level: str
    ancestors: tuple[int, ...]  # ids from the top unit down to this one, inclusive
    name: str = ""

    def within(self, other: Unit) -> bool:
        return other.id in self.ancestors


@dataclass(frozen=True)
class Seat:
    body_id: int
    body_kind: str
    office: str = ""  # "" for a plain seat
    filled_by: str = "elected"
    suspended: bool = False


@dataclass(frozen=True)
class Person:
    id: int
    status: str
    good_standing: bool
    unit: Unit | None
    seats: tuple[Seat, ...] = ()
    name: str = ""

    def sits_on(self, body_id: int) -> bool:
        return any(s.body_id == body_id and not s.suspended for s in self.seats)

    def sits_on_kind(self, kind: str) -> bool:
        return any(s.body_kind == kind and not s.suspended for s in self.seats)

    def offices(self) -> list[str]:
        return [s.office for s in self.seats if s.office]


@dataclass(frozen=True)
class Body:
    id: int
    kind: str
    unit: Unit
    name: str = ""


@dataclass(frozen=True)
class Votes:
    yes: int
    no: int
    abstain: int = 0


@dataclass(frozen=True)
class Meeting:
    id: int
    body: Body
    notice_hours: float
    urgent: bool = False
    urgency_reason: str = ""
    roster_size: int = 0  # members of the body on the day
    quorum_base: int = 0  # the number quorum is counted against (e.g. members in good standing)
    present: int = 0
    held: bool = True
    # For a body whose votes are weighted (vote_weight): the total weight of its members and of
    # those present. Votes are then weighted totals; 0 means the body's votes are not weighted.
    roster_weight: int = 0
    present_weight: int = 0


@dataclass(frozen=True)
class Proposal:
    act: str
    on: dt.date
    actor: Person | None  # None: Charter itself, applying a rule
    body: Body | None = None  # the body whose decision this is
    office: str = ""  # the office the actor claims to act under, alone
    target: Person | None = None
    target_unit: Unit | None = None
    meeting: Meeting | None = None
    votes: Votes | None = None
    grounds: tuple[str, ...] = ()
    reasons: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Breach:
    article: str
    code: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The sentence as data (the record's copy): untranslated, days as ISO dates."""
        return self.template % plain(self.params) if self.params else self.template

    def as_dict(self) -> dict[str, Any]:
        return {"article": self.article, "code": self.code, "message": self.message}


def plain(params: Mapping[str, Any]) -> dict[str, Any]:
    """A breach's parameters for the record: a day as its ISO date (pages say it in the reader's
    language: ``lib.dates.breach_message``)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in params.items()}


@dataclass(frozen=True)
class Verdict:
    act: str
    breaches: tuple[Breach, ...]

    @property
    def allowed(self) -> bool:
        return not self.breaches

    @property
    def articles(self) -> list[str]:
        seen: list[str] = []
        for b in self.breaches:
            if b.article and b.article not in seen:
                seen.append(b.article)
        return seen


class _Judgement:
    def __init__(self, rb: Rulebook, p: Proposal) -> None:
        self.rb = rb
        self.p = p
        self.act = rb.act(p.act)
        self.breaches: list[Breach] = []
        self.authorised = False  # set when one of the act's deciders allows the actor

    def breach(self, article: str | None, code: str, template: str, **params: Any) -> None:
        self.breaches.append(Breach(article or self.act["article"], code, template, params))

    def body_name(self, kind: str) -> str:
        try:
            return str(self.rb.body(kind)["name"])
        except KeyError:
            return kind

    def act_name(self) -> str:
        return str(self.act["name"]).lower()


def judge(rb: Rulebook, p: Proposal) -> Verdict:
    try:
        j = _Judgement(rb, p)
    except KeyError:
        return Verdict(p.act, (Breach("", "unknown_act", _("This organization's rules do not provide for the act '%(act)s'."), {"act": p.act}),))
    if _unknown_references(j):
        return Verdict(p.act, tuple(j.breaches))
    _authority(j)
    _target(j)
    _grounds(j)
    _limits(j)
    _needs(j)
    _meeting(j)
    _window(j)
    return Verdict(p.act, tuple(j.breaches))


def _unknown_references(j: _Judgement) -> bool:
    """A proposal naming a body, office or level these rules do not have is refused, not an error.

    (It happens when facts gathered under one rulebook are judged under another.)"""
    p, rb = j.p, j.rb
    bodies = {str(b["key"]) for b in rb.bodies}
    offices = {str(o["key"]) for o in rb.offices}
    levels = {str(lvl["key"]) for lvl in rb.levels}
    found = False
    named_bodies = [
        p.body.kind if p.body is not None else None,
        p.meeting.body.kind if p.meeting is not None else None,
        p.facts.get("seat_body_kind"),
        p.facts.get("meeting_body_kind"),
    ]
    for kind in dict.fromkeys(k for k in named_bodies if k):
        if kind not in bodies:
            j.breach(None, "unknown_body", _("These rules have no body called '%(key)s'."), key=kind)
            found = True
    for office in dict.fromkeys(o for o in (p.office, p.facts.get("office")) if o):
        if office not in offices:
            j.breach(None, "unknown_office", _("These rules have no office called '%(key)s'."), key=office)
            found = True
    level = p.facts.get("level")
    if level and level not in levels:
        j.breach(None, "unknown_level", _("These rules have no level called '%(key)s'."), key=level)
        found = True
    return found


# --- who may act ---------------------------------------------------------------------------------


def _decider_allows(j: _Judgement, d: Mapping[str, Any]) -> bool:
    p, rb = j.p, j.rb
    if d.get("self"):
        return p.actor is not None and p.target is not None and p.actor.id == p.target.id and p.body is None
    if d.get("party"):
        return p.actor is not None and p.target is not None and p.actor.id == p.target.id
    if "rule" in d:
        return p.actor is None
    if "office" in d:
        return p.actor is not None and p.body is None and p.office == d["office"] and d["office"] in p.actor.offices()
    if d.get("elector_member"):
        # A member of the electing body, personally (a nomination): the caller states whether the
        # actor is on that body's roster on the day.
        return p.actor is not None and p.body is None and bool(p.facts.get("actor_on_electing_body"))
    if d.get("organizer"):
        # An organizer of the conference, named when it was convened: a fact the action reads.
        return p.actor is not None and p.body is None and bool(p.facts.get("actor_organizes"))
    if d.get("commission_chair"):
        return p.actor is not None and p.body is None and bool(p.facts.get("actor_chairs"))
    if p.body is None:
        return False
    if "body" in d:
        if d["body"] == "self":
            return p.facts.get("concerns_body_id") == p.body.id
        if p.body.kind != d["body"]:
            return False
        if d.get("scope") == "within":
            unit = p.target.unit if p.target is not None else p.target_unit
            return unit is not None and unit.within(p.body.unit)
        return True
    if d.get("elector"):
        seat_kind = p.facts.get("seat_body_kind")
        office = p.facts.get("office")
        if office:
            return rb.office(office).get("elected_by") == p.body.kind
        if seat_kind:
            return rb.body(seat_kind).get("elected_by") == p.body.kind
        return False
    if d.get("appointer"):
        seat_kind = p.facts.get("seat_body_kind")
        return bool(seat_kind) and rb.body(str(seat_kind)).get("appointed_by") == p.body.kind
    if d.get("seat_fixer"):
        seat_kind = p.facts.get("seat_body_kind")
        if not seat_kind:
            return False
        seats = rb.body(str(seat_kind)).get("seats")
        return isinstance(seats, dict) and seats.get("fixed_by") == p.body.kind
    if d.get("level_manager"):
        level = p.facts.get("level")
        return bool(level) and rb.level(str(level)).get("managed_by") == p.body.kind
    return False


def _who_may(j: _Judgement) -> str:
    names: list[str] = []
    for d in j.act["decided_by"]:
        if "body" in d and d["body"] != "self":
            names.append(_("the %(body)s") % {"body": j.body_name(d["body"])})
        elif d.get("self"):
            names.append(_("the member themself"))
        elif d.get("elector"):
            names.append(_("the body that elects to it"))
        elif d.get("elector_member"):
            names.append(_("a member of the body that elects to it"))
        elif d.get("appointer"):
            names.append(_("the body that appoints to it"))
        elif d.get("level_manager"):
            names.append(_("the body in charge of that level"))
        elif d.get("seat_fixer"):
            names.append(_("the body that fixes the number of seats"))
        elif d.get("party"):
            names.append(_("a party to the case"))
        elif "rule" in d:
            names.append(_("Charter, applying the rule"))
        elif d.get("body") == "self":
            names.append(_("the body itself"))
        elif "office" in d:
            names.append(_("the %(office)s") % {"office": j.rb.office(d["office"])["name"]})
        elif d.get("organizer"):
            names.append(_("an organizer of the conference"))
        elif d.get("commission_chair"):
            names.append(_("the chair of the commission"))
    return ", ".join(names) or _("nobody")


def _authority(j: _Judgement) -> None:
    p, rb, act = j.p, j.rb, j.act
    deciders = act["decided_by"]
    if not deciders:
        j.breach(None, "nobody_may", act.get("note") or _("Nobody may %(act)s under these rules."), act=j.act_name())
        return
    if any(_decider_allows(j, d) for d in deciders):
        j.authorised = True
        _actor_speaks_for_body(j)
        return
    if p.body is not None:
        rule = next((r for r in rb.body(p.body.kind).get("may_not") or [] if p.act in r["acts"]), None)
        if rule is not None:
            j.breach(rule["article"], "body_may_not", rule.get("note") or _("The %(body)s may not %(act)s."), body=j.body_name(p.body.kind), act=j.act_name())
        elif _appointment_to_elected_seat(j):
            pass
        elif any(d.get("body") == p.body.kind and d.get("scope") == "within" for d in deciders):
            level = rb.body(p.body.kind)["level"]
            # Same code as a body without the power: for this member or unit it has none.
            j.breach(None, "body_lacks_power", _("The %(body)s may %(act)s only within its own %(level)s; this concerns someone or something outside it."), body=p.body.name or j.body_name(p.body.kind), act=j.act_name(), level=str(rb.level(level)["name"]).lower())
        else:
            j.breach(None, "body_lacks_power", _("The %(body)s has no power to %(act)s; under these rules only %(who)s may."), body=j.body_name(p.body.kind), act=j.act_name(), who=_who_may(j))
        _actor_speaks_for_body(j)
    elif p.office:
        if p.actor is not None and p.office not in p.actor.offices() and any(d.get("office") == p.office for d in deciders):
            office = rb.office(p.office)
            j.breach(office["article"], "not_office_holder", _("Only the %(office)s may %(act)s, and you do not hold that office."), office=office["name"], act=j.act_name())
        else:
            _office_has_no_power(j, p.office)
    else:
        j.breach(None, "not_authorised", _("Only %(who)s may %(act)s."), who=_who_may(j), act=j.act_name())


def _appointment_to_elected_seat(j: _Judgement) -> bool:
    """An appointment to a seat the rules fill by election is refused with the seat's own articles."""
    kind = j.p.facts.get("seat_body_kind")
    if j.p.act != "appoint_to_seat" or not kind:
        return False
    seat_body = j.rb.body(kind)
    if seat_body.get("appointed_by"):
        return False
    elector = seat_body.get("elected_by")
    j.breach(seat_body["article"], "seat_is_elected", _("Seats on the %(body)s are filled by election by the %(elector)s; nobody may appoint to them."), body=seat_body["name"], elector=j.body_name(elector) if elector else _("its electors"))
    co = j.rb.section("co_option")
    if co:
        j.breach(co["article"], "seat_is_elected", _("A vacancy may only be filled by the %(body)s itself, by co-option until the next election."), body=seat_body["name"])
    return True


def _office_has_no_power(j: _Judgement, office_key: str) -> None:
    try:
        office = j.rb.office(office_key)
    except KeyError:
        return
    note = office.get("no_power_note") or _("The %(office)s has no power of their own to %(act)s.")
    j.breach(office["article"], "office_has_no_power", note, office=office["name"], act=j.act_name())


def _actor_speaks_for_body(j: _Judgement) -> None:
    """The person recording a body's decision must belong to that body."""
    p = j.p
    if p.body is None or p.actor is None:
        return
    roster = j.rb.body(p.body.kind)["roster"]
    if roster in ("seats", "delegates"):
        member = p.actor.sits_on(p.body.id)
    else:
        member = p.actor.unit is not None and p.actor.unit.within(p.body.unit) and p.actor.status in ("member", "suspended")
    if member:
        return
    offices = p.actor.offices()
    if offices:
        for office in offices:
            _office_has_no_power(j, office)
    else:
        j.breach(None, "not_on_body", _("You are not a member of the %(body)s, so you cannot record its decisions."), body=j.body_name(p.body.kind))


# --- on whom ----------------------------------------------------------------------------------


def _target(j: _Judgement) -> None:
    p, act = j.p, j.act
    statuses = act.get("target_status")
    if act.get("target") == "member" and p.target is None:
        j.breach(None, "no_target", _("This act must name the member it concerns."))
        return
    if statuses and p.target is not None and p.target.status not in statuses:
        j.breach(None, "target_status", _("This act applies to someone whose membership is %(allowed)s; this person's is %(status)s."), allowed=" or ".join(statuses), status=p.target.status)


def _grounds(j: _Judgement) -> None:
    p, rb, act = j.p, j.rb, j.act
    needs_grounds = act.get("grounds") == "required" or "grounds_allowed" in act
    if not needs_grounds and not p.grounds:
        return
    known = {g["key"]: g for g in rb.grounds}
    never = {g["key"]: g for g in rb.never_grounds}
    grounds_article = rb.grounds[0]["article"] if rb.grounds else act["article"]
    if needs_grounds and not p.grounds:
        j.breach(grounds_article, "no_grounds", _("A disciplinary act must state its ground under article %(ground_article)s."), ground_article=grounds_article)
    for g in p.grounds:
        if g in never:
            j.breach(never[g]["article"], "never_a_ground", never[g].get("note") or _("%(ground)s is never a ground for a disciplinary measure."), ground=never[g]["name"])
            j.breach(grounds_article, "not_a_ground", _("%(ground)s is not one of the grounds in article %(ground_article)s."), ground=never[g]["name"], ground_article=grounds_article)
        elif g not in known:
            j.breach(grounds_article, "not_a_ground", _("'%(ground)s' is not one of the grounds in article %(ground_article)s."), ground=g, ground_article=grounds_article)
        elif "grounds_allowed" in act and g not in act["grounds_allowed"]:
            allowed = ", ".join(known[k].get("label", k) for k in act["grounds_allowed"])
            j.breach(None, "ground_not_allowed_here", _("This act is only possible on the grounds %(allowed)s."), allowed=allowed)


def _limits(j: _Judgement) -> None:
    p, act = j.p, j.act
    if "max_days" in act and p.facts.get("days") is not None and int(p.facts["days"]) > int(act["max_days"]):
        j.breach(act.get("max_days_article"), "too_long", _("This may last at most %(max)s days; %(days)s were asked for."), max=act["max_days"], days=p.facts["days"])
    outcome = p.facts.get("appeal_outcome")
    appeal = j.rb.section("discipline").get("appeal") or {}
    if outcome is not None and appeal.get("outcomes") and outcome not in appeal["outcomes"]:
        j.breach(appeal.get("article"), "outcome_not_allowed", _("An appeal may %(allowed)s the measure, not %(outcome)s it."), allowed=" or ".join(appeal["outcomes"]), outcome=outcome)
    if act.get("reasons_required") and not p.reasons.strip():
        dp = j.rb.section("discipline").get("due_process") or {}
        article = (dp.get("written_decision") or {}).get("article") if act.get("category") == "discipline" else None
        j.breach(article, "no_reasons", _("The decision must state its reasons in writing."))


# --- conditions the act needs ---------------------------------------------------------------------


def _needs(j: _Judgement) -> None:
    for need in j.act.get("needs") or []:
        _NEEDS[need](j)


def _due_process(j: _Judgement) -> None:
    f, rb = j.p.facts, j.rb
    dp = rb.section("discipline").get("due_process") or {}
    art = (dp.get("charge_in_writing") or {}).get("article")
    delivered: dt.date | None = f.get("charge_delivered_on")
    reply_days = int(dp.get("reply_days", 0))
    reply_art = dp.get("reply_article", art)
    if delivered is None:
        j.breach(art, "no_charge", _("No charge, with its grounds and the facts relied on, was delivered to the member in writing."))
        if reply_days:
            j.breach(reply_art, "no_reply_period", _("The member was given no period of %(days)s days to reply in writing."), days=reply_days)
    elif reply_days and not f.get("replied_on"):
        ends = delivered + dt.timedelta(days=reply_days)
        if j.p.on < ends:
            j.breach(reply_art, "reply_period_running", _("The member's %(days)s days to reply run until %(ends)s."), days=reply_days, ends=ends)
    hearing = dp.get("hearing")
    if hearing and not f.get("hearing_offered"):
        j.breach(hearing.get("article", art), "no_hearing", _("The member was not offered a hearing before the deciding body."))
    _recusal(j)
    uncharged = [str(g) for g in f.get("uncharged_grounds") or []]
    if uncharged:
        j.breach(art, "ground_not_charged", _("A decision may rest only on the grounds of the charge delivered to the member; %(grounds)s was not charged."), grounds=", ".join(uncharged))


def _recusal(j: _Judgement) -> None:
    """Those who brought the charge or have a personal interest take no part: none of them among
    those taking part, and no more votes counted than members taking part."""
    f, dp = j.p.facts, j.rb.section("discipline").get("due_process") or {}
    recusal = dp.get("recusal")
    if not recusal:
        return
    art = recusal.get("article") or (dp.get("charge_in_writing") or {}).get("article")
    if int(f.get("conflicted_voters", 0)) > 0:
        j.breach(art, "not_recused", _("%(n)s of those voting brought the charge or have a personal interest and must not take part."), n=f["conflicted_voters"])
    votes, taking_part = j.p.votes, f.get("participants")
    if votes is not None and taking_part is not None and votes.yes + votes.no + votes.abstain > int(taking_part):
        j.breach(art, "votes_beyond_participants", _("%(cast)s votes were counted, but only %(n)s members took part in the decision: the votes of members who must stand aside cannot count."), cast=votes.yes + votes.no + votes.abstain, n=taking_part)


def _reply_period(j: _Judgement) -> None:
    """A written reply is received while the reply period runs: from delivery, ``reply_days`` days."""
    dp = j.rb.section("discipline").get("due_process") or {}
    art = (dp.get("charge_in_writing") or {}).get("article")
    delivered: dt.date | None = j.p.facts.get("charge_delivered_on")
    if delivered is None:
        j.breach(art, "charge_not_delivered", _("The charge has not been delivered in writing yet, so there is nothing to reply to."))
        return
    days = int(dp.get("reply_days", 0))
    ends = delivered + dt.timedelta(days=days)
    if days and j.p.on > ends:
        j.breach(dp.get("reply_article", art), "reply_period_over", _("The %(days)s days to reply in writing ran from %(delivered)s and ended on %(ends)s."), days=days, delivered=delivered, ends=ends)


def _companion(j: _Judgement) -> None:
    hearing = (j.rb.section("discipline").get("due_process") or {}).get("hearing")
    if not hearing or not hearing.get("companion"):
        article = (hearing or {}).get("article")
        j.breach(article, "no_companion_right", _("These rules give no right to bring a companion to the hearing."))


def _lapse_conditions(j: _Judgement) -> None:
    f = j.p.facts
    lapse = j.rb.section("membership").get("lapse") or {}
    if int(f.get("arrears_months", 0)) < int(lapse.get("after_arrears_months", 0)):
        j.breach(lapse.get("article"), "not_enough_arrears", _("Membership lapses only after %(months)s months of arrears; this member owes %(owed)s."), months=lapse.get("after_arrears_months"), owed=f.get("arrears_months", 0))
    needed = int(lapse.get("reminders", 0))
    sent: list[dt.date] = sorted(f.get("reminder_dates") or [])
    gap = int(lapse.get("reminder_interval_days", 0))
    spaced = [sent[0]] if sent else []
    for d in sent[1:]:
        if (d - spaced[-1]).days >= gap:
            spaced.append(d)
    if len(spaced) < needed:
        j.breach(lapse.get("article"), "reminders_missing", _("Membership lapses only after %(n)s written reminders at least %(gap)s days apart; %(sent)s were sent."), n=needed, gap=gap, sent=len(spaced))


def _treasurer_scope(j: _Judgement) -> None:
    """An officer keeps the accounts of the unit of the body their office belongs to, and of the
    units below it. ``facts["office_unit_ids"]``: the units where the actor holds the office."""
    p = j.p
    if not p.office or p.actor is None or p.office not in p.actor.offices():
        return  # no office claimed, or not held: the question of authority answers it
    unit = p.target.unit if p.target is not None else p.target_unit
    held = {int(u) for u in p.facts.get("office_unit_ids") or ()}
    if unit is None or not (held & {unit.id, *unit.ancestors}):
        office = j.rb.office(p.office)
        j.breach(office["article"], "outside_office_unit", _("The %(office)s keeps the accounts of their own unit only; this concerns someone or something outside it."), office=office["name"])


def _arrears_paid(j: _Judgement) -> None:
    f = j.p.facts
    lapse = j.rb.section("membership").get("lapse") or {}
    lapsed_on: dt.date | None = f.get("lapsed_on")
    window = int(lapse.get("restore_within_days", 0))
    if not f.get("arrears_paid"):
        j.breach(lapse.get("article"), "arrears_unpaid", _("The arrears have not been paid."))
    if lapsed_on is not None and window and (j.p.on - lapsed_on).days > window:
        j.breach(lapse.get("article"), "restore_window_passed", _("Paying the arrears restores membership only within %(days)s days of the lapse."), days=window)


def _simple(flag: str, code: str, message: str, article_from: str | None = None) -> Any:
    def check(j: _Judgement) -> None:
        if not j.p.facts.get(flag):
            art = None
            if article_from:
                sec, _sep, key = article_from.partition(".")
                art = j.rb.section(sec).get(key)
            j.breach(art, code, message)

    return check


def _notice(j: _Judgement) -> None:
    p, rb = j.p, j.rb
    kind = p.facts.get("meeting_body_kind") or (p.body.kind if p.body else None)
    if not kind:
        return
    body = rb.body(kind)
    m = rb.section("meetings")
    art = m.get("notice_article")
    hours = float(p.facts.get("notice_hours", 0))
    if p.facts.get("urgent"):
        urgent = m.get("urgent") or {}
        limit = body.get("urgent_notice_hours")
        if limit is None:
            j.breach(urgent.get("article", art), "no_urgent_meetings", _("The %(body)s cannot be called urgently."), body=body["name"])
        elif hours < float(limit):
            j.breach(urgent.get("article", art), "urgent_notice_short", _("An urgent meeting needs %(h)s hours' notice; %(given)s were given."), h=limit, given=int(hours))
        if urgent.get("reason_required") and not str(p.facts.get("urgency_reason", "")).strip():
            j.breach(urgent.get("article", art), "urgent_no_reason", _("An urgent meeting must state the reason for urgency."))
    else:
        days = int(body.get("notice_days", 0))
        if hours < days * 24:
            j.breach(art, "notice_short", _("The %(body)s must be called with %(days)s days' notice; %(given)s were given."), body=body["name"], days=days, given=_days_text(hours))


def _days_text(hours: float) -> str:
    if hours < 24:
        return f"{int(hours)} hours"
    days = hours / 24
    return f"{int(days)} days" if days == int(days) else f"{days:.1f} days"


def _agenda(j: _Judgement) -> None:
    m = j.rb.section("meetings")
    if m.get("agenda_with_notice") and not str(j.p.facts.get("agenda", "")).strip():
        j.breach(m.get("notice_article"), "no_agenda", _("The notice must carry the agenda."))


def _candidate(j: _Judgement) -> None:
    t = j.p.target
    e = j.rb.section("elections")
    if t is not None and not t.good_standing:
        j.breach(e.get("candidacy_article") or j.rb.section("membership").get("good_standing", {}).get("article"), "candidate_not_in_good_standing", _("Only members in good standing may stand or be chosen for a seat."))


def _nominated(j: _Judgement) -> None:
    e = j.rb.section("elections")
    need = int(e.get("nominators", 0))
    if int(j.p.facts.get("nominators", 0)) < need:
        j.breach(e.get("candidacy_article"), "not_nominated", _("A candidate must be nominated by %(n)s members of the electing body."), n=need)


def _accepted(j: _Judgement) -> None:
    e = j.rb.section("elections")
    if e.get("written_acceptance") and not j.p.facts.get("accepted"):
        j.breach(e.get("candidacy_article"), "not_accepted", _("The candidate must accept the nomination in writing."))


def _seat_free(j: _Judgement) -> None:
    f = j.p.facts
    if int(f.get("seats_filled", 0)) >= int(f.get("seats_total", 0)):
        j.breach(None, "no_free_seat", _("Every seat on the %(body)s is filled."), body=j.body_name(f.get("seat_body_kind", "")))


def _co_option_limit(j: _Judgement) -> None:
    co = j.rb.section("co_option")
    if not co:
        j.breach(None, "no_co_option", _("These rules do not allow co-option."))
        return
    cap = compute.co_option_cap(co["max_fraction"], int(j.p.facts.get("seats_total", 0)))
    if int(j.p.facts.get("seats_co_opted", 0)) + 1 > cap:
        j.breach(co["article"], "co_option_cap", _("Co-opted members may never be more than %(frac)s of the seats (%(cap)s of %(seats)s)."), frac=co["max_fraction"], cap=cap, seats=j.p.facts.get("seats_total", 0))


def _composition(j: _Judgement) -> None:
    t, rb = j.p.target, j.rb
    kind = j.p.facts.get("seat_body_kind")
    if t is None or not kind:
        return
    body = rb.body(kind)
    for other in body.get("incompatible_with") or []:
        if t.sits_on_kind(other):
            j.breach(body["article"], "incompatible", _("A member of the %(other)s may not sit on the %(body)s."), other=j.body_name(other), body=body["name"])
    if body.get("drawn_from") and not t.sits_on_kind(body["drawn_from"]):
        j.breach(body["article"], "not_drawn_from", _("Members of the %(body)s are drawn from the %(other)s."), body=body["name"], other=j.body_name(body["drawn_from"]))


def _office_free(j: _Judgement) -> None:
    if j.p.facts.get("office_held"):
        j.breach(None, "office_taken", _("The office is already held."))


def _office_drawn_from(j: _Judgement) -> None:
    t = j.p.target
    office_key = j.p.facts.get("office")
    if t is None or not office_key:
        return
    office = j.rb.office(office_key)
    if office.get("drawn_from") and not t.sits_on_kind(office["drawn_from"]):
        j.breach(office["article"], "not_drawn_from", _("The %(office)s is chosen from among the members of the %(body)s."), office=office["name"], body=j.body_name(office["drawn_from"]))


def _appeal_composition(j: _Judgement) -> None:
    appeal = j.rb.section("discipline").get("appeal") or {}
    if appeal.get("exclude_participants") and int(j.p.facts.get("participants_sitting", 0)) > 0:
        j.breach(appeal.get("exclusion_article"), "participant_sits", _("A member who took part in the decision under appeal may not sit on the appeal."))
    _recusal(j)


def _proposal_circulated(j: _Judgement) -> None:
    days = int(j.act.get("circulated_days_before", 0))
    circulated: dt.date | None = j.p.facts.get("circulated_on")
    if circulated is None or (j.p.on - circulated).days < days:
        j.breach(None, "not_circulated", _("The proposal must be circulated to the members at least %(days)s days before it is decided."), days=days)


def _registration_open(j: _Judgement) -> None:
    f = j.p.facts
    closes = f.get("registration_closes_on")
    if f.get("conference_state") == "closed" or (closes is not None and j.p.on > closes):
        j.breach(None, "registration_closed", _("Registration for this conference is closed."))


def _registrant_in_good_standing(j: _Judgement) -> None:
    t = j.p.target
    if t is not None and not t.good_standing:
        gs = j.rb.section("membership").get("good_standing") or {}
        j.breach(gs.get("article"), "not_in_good_standing", _("Only members in good standing may register for a conference."))


def _without_vote(j: _Judgement) -> None:
    if j.p.facts.get("with_vote"):
        j.breach(None, "observer_without_vote", _("Observers and guests take part without vote."))


def _registered(j: _Judgement) -> None:
    if not j.p.facts.get("registered"):
        j.breach(None, "not_registered", _("This code is not registered for this conference."))


def _delegate_place_free(j: _Judgement) -> None:
    f = j.p.facts
    if int(f.get("delegates_elected", 0)) >= int(f.get("delegates_allocated", 0)):
        kind = f.get("seat_body_kind") or ""
        article = (j.rb.body(kind).get("delegates") or {}).get("article") if kind else None
        j.breach(article, "no_delegate_place", _("This unit has elected all %(n)s delegates the rules allocate to it."), n=f.get("delegates_allocated", 0))


def _commission_majority(j: _Judgement) -> None:
    spec = j.rb.section("meetings").get("default_majority") or {"fraction": "1/2", "strict": True}
    yes, no = int(j.p.facts.get("votes_yes", 0)), int(j.p.facts.get("votes_no", 0))
    if not compute.meets(dict(spec), yes, yes + no):
        j.breach(spec.get("article"), "majority_not_reached", _("The majority was not reached: %(yes)s for, %(no)s against."), yes=yes, no=no)
def _conference_majority(j: _Judgement) -> None:
    """A conference decides by the votes of its registered participants with a vote (facts
    ``votes``: yes, no, abstain), under the act's majority (or the rules' default)."""
    spec = j.act.get("majority") or j.rb.section("meetings").get("default_majority") or {"fraction": "1/2", "of": "cast", "strict": True}
    article = spec.get("article") or j.act["article"]
    v = j.p.facts.get("votes")
    if not v:
        j.breach(article, "no_vote", _("No vote was recorded."))
        return
    yes, no, abstain = int(v.get("yes", 0)), int(v.get("no", 0)), int(v.get("abstain", 0))
    of = spec.get("of", "cast")
    base = yes + no + abstain if of == "present_and_voting" else yes + no
    needed = compute.fraction_needed(spec, base)
    if yes < max(needed, 1):
        j.breach(article, "majority_not_reached", _("The motion received %(yes)s votes for, %(no)s against and %(abstain)s abstentions; it needed %(needed)s votes for (%(rule)s)."), yes=yes, no=no, abstain=abstain, needed=max(needed, 1), rule=majority_words(spec))


_NEEDS: dict[str, Any] = {
    "registration_open": _registration_open,
    "registrant_in_good_standing": _registrant_in_good_standing,
    "without_vote": _without_vote,
    "registered": _registered,
    "delegate_place_free": _delegate_place_free,
    "commission_majority": _commission_majority,
    "proposal_circulated": _proposal_circulated,
    "due_process": _due_process,
    "lapse_conditions": _lapse_conditions,
    "arrears_paid_within_window": _arrears_paid,
    "in_writing": _simple("in_writing", "not_in_writing", _("This must be done in writing.")),
    "heard_concerned": _simple("heard_concerned", "not_heard", _("The units concerned must be heard first.")),
    "notice": _notice,
    "agenda": _agenda,
    "candidate_in_good_standing": _candidate,
    "nominated": _nominated,
    "accepted": _accepted,
    "seat_free": _seat_free,
    "vacancy": _seat_free,
    "co_option_limit": _co_option_limit,
    "composition": _composition,
    "office_free": _office_free,
    "drawn_from": _office_drawn_from,
    "facts_stated": _simple("facts", "no_facts", _("A charge must state the facts relied on.")),
    "open_charge": _simple("open_charge", "no_open_charge", _("There is no open charge against this member.")),
    "appeal_composition": _appeal_composition,
    "reply_period": _reply_period,
    "companion": _companion,
    "treasurer_scope": _treasurer_scope,
    "registered_with_vote": _simple("registered_with_vote", "not_registered_with_vote", _("Only a member registered at the conference with a vote may do this.")),
    "conference_majority": _conference_majority,
}


# --- meetings, quorum and votes ------------------------------------------------------------------


def _meeting(j: _Judgement) -> None:
    p, rb, act = j.p, j.rb, j.act
    if not act.get("at_meeting") or p.body is None or not j.authorised:
        # A body without the power gets no advice on how it would have had to meet.
        return
    m = rb.section("meetings")
    if p.meeting is None:
        j.breach(None, "no_meeting", _("The %(body)s can only decide this at a meeting called with notice."), body=j.body_name(p.body.kind))
        return
    meeting = p.meeting
    if meeting.body.id != p.body.id:
        j.breach(None, "other_body_meeting", _("This meeting is a meeting of the %(other)s, not of the %(body)s."), other=meeting.body.name or j.body_name(meeting.body.kind), body=j.body_name(p.body.kind))
    body = rb.body(p.body.kind)
    notice_art = m.get("notice_article")
    urgent_rules = m.get("urgent") or {}
    if meeting.urgent:
        if act.get("full_notice"):
            j.breach(act["article"], "needs_full_notice", _("This needs a meeting called with full notice, not an urgent one."))
        if act.get("category") in (urgent_rules.get("forbidden_categories") or []):
            j.breach(urgent_rules.get("article", notice_art), "urgent_forbidden", _("An urgent meeting may not take this kind of decision."))
    elif meeting.notice_hours < int(body.get("notice_days", 0)) * 24:
        j.breach(notice_art, "notice_short", _("The meeting was called with %(given)s' notice; the %(body)s needs %(days)s days."), given=_days_text(meeting.notice_hours), body=body["name"], days=body.get("notice_days", 0))
    act_days = act.get("notice_days")
    if act_days is not None and meeting.notice_hours < int(act_days) * 24 and (meeting.urgent or int(act_days) > int(body.get("notice_days", 0))):
        j.breach(act.get("notice_article"), "act_notice_short", _("This decision may only be taken at a meeting called with at least %(days)s days' notice; this one had %(given)s."), days=act_days, given=_days_text(meeting.notice_hours))
    quorum = body["quorum"]
    needed = compute.fraction_needed(quorum, meeting.quorum_base)
    if meeting.present < needed:
        j.breach(quorum.get("article") or m.get("quorum_article"), "no_quorum", _("The meeting had no quorum: %(present)s present, %(needed)s needed."), present=meeting.present, needed=needed)
    _votes(j)


def _votes(j: _Judgement) -> None:
    p, rb, act = j.p, j.rb, j.act
    if act.get("by_count"):
        _count(j)
        return
    spec = act.get("majority") or rb.section("meetings").get("default_majority") or {"fraction": "1/2", "of": "cast", "strict": True}
    article = spec.get("article") or act["article"]
    if p.votes is None:
        j.breach(article, "no_vote", _("No vote was recorded."))
        return
    v = p.votes
    of = spec.get("of", "cast")
    meeting = p.meeting
    base = {
        "cast": v.yes + v.no,
        "present_and_voting": v.yes + v.no + v.abstain,
        "present": (meeting.present_weight or meeting.present) if meeting else 0,
        "members": (meeting.roster_weight or meeting.roster_size) if meeting else 0,
    }[of]
    needed = compute.fraction_needed(spec, base)
    if v.yes < max(needed, 1):
        j.breach(article, "majority_not_reached", _("The motion received %(yes)s votes for, %(no)s against and %(abstain)s abstentions; it needed %(needed)s votes for (%(rule)s)."), yes=v.yes, no=v.no, abstain=v.abstain, needed=max(needed, 1), rule=majority_words(spec))


def _count(j: _Judgement) -> None:
    """An election is decided by the count under the rulebook's method, not by a show of hands."""
    e = j.rb.section("elections")
    f = j.p.facts
    seats = int(f.get("seats_in_election", 1))
    method = e.get("single_seat_method" if seats == 1 else "multi_seat_method")
    seat_kind = f.get("seat_body_kind")
    if seat_kind and seats > 1:
        method = j.rb.body(seat_kind).get("election_method", method)
    if not f.get("count_elected"):
        j.breach(e.get("article"), "not_elected_by_count", _("The candidate was not elected by the count."))
    elif method and f.get("count_method") != method:
        j.breach(e.get("article"), "wrong_count_method", _("This election must be counted by %(method)s, not %(used)s."), method=method, used=f.get("count_method") or _("no stated method"))


_COUNTS = {1: _("one"), 2: _("two"), 3: _("three"), 4: _("four"), 5: _("five"), 6: _("six"), 7: _("seven"), 8: _("eight"), 9: _("nine"), 10: _("ten")}
_PARTS = {
    3: (_("third"), _("thirds")), 4: (_("quarter"), _("quarters")), 5: (_("fifth"), _("fifths")),
    6: (_("sixth"), _("sixths")), 7: (_("seventh"), _("sevenths")), 8: (_("eighth"), _("eighths")),
    9: (_("ninth"), _("ninths")), 10: (_("tenth"), _("tenths")), 20: (_("twentieth"), _("twentieths")),
    100: (_("hundredth"), _("hundredths")),
}


def fraction_words(value: Any) -> str:
    """'2/3' -> 'two thirds', '1/2' -> 'half', '1/20' -> 'one twentieth', '7/12' -> '7/12'."""
    f = parse_fraction(value)
    if f == 1:
        return _("all")
    if f.denominator == 2 and f.numerator == 1:
        return _("half")
    part = _PARTS.get(f.denominator)
    if part and f.numerator in _COUNTS:
        return f"{_COUNTS[f.numerator]} {part[0] if f.numerator == 1 else part[1]}"
    return f"{f.numerator}/{f.denominator}"


_BASES = {
    "cast": _("the votes cast"),
    "present_and_voting": _("those present and voting"),
    "present": _("those present"),
    "members": _("all the body's members"),
}


def majority_words(spec: Mapping[str, Any]) -> str:
    """A majority rule in words: 'more than half of the votes cast', 'at least two thirds of all the
    body's members'."""
    base = _BASES[spec.get("of", "cast")]
    if parse_fraction(spec["fraction"]) == 1:
        return f"{_('all of')} {base}"
    more = _("more than") if spec.get("strict") else _("at least")
    return f"{more} {fraction_words(spec['fraction'])} {_('of')} {base}"


_majority_words = majority_words


def _window(j: _Judgement) -> None:
    w = j.act.get("window")
    if not w:
        return
    start: dt.date | None = j.p.facts.get("window_from")
    if start is None:
        j.breach(None, "window_not_open", _("There is nothing to act on yet."))
        return
    ends = start + dt.timedelta(days=int(w["days"]))
    if j.p.on > ends:
        j.breach(None, "window_closed", _("The %(days)s days for this ended on %(ends)s."), days=w["days"], ends=ends)
