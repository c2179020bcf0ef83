"""What a person may do next in a case, with the form for it and the action it calls.

The member concerned may reply, name a companion, appeal and refer; those who brought the charge
may deliver it and (where the rules allow) ask for an interim suspension; the deciding body
schedules the hearing, records who stands aside, minutes the hearing and decides; the appeal body
hears and decides the appeal; the body an appeal is referred to decides the referral. This module
only offers steps and builds the calls: whether a step is allowed is for the rulebook to say.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from charter.discipline import actions, queries, rules
from charter.discipline import forms as F
from charter.discipline.models import Appeal, Deadline, Stage
from charter.discipline.permissions import APPEAL, BROUGHT, CONCERNED, DECIDING, REFERRAL, Access
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on


@dataclass
class Step:
    key: str
    title: str
    until: dt.date | None
    article: str
    form: forms.Form


def _deadline(access: Access, kind: str) -> Deadline | None:
    return access.case.deadlines.filter(kind=kind, state=Deadline.State.OPEN).first()


def _people(body: Body | None) -> list[tuple[str, str]]:
    return [(str(m.pk), m.name) for m in queries.members_of(body).order_by("name")] if body is not None else []


def _meetings(body: Body | None, *, upcoming: bool) -> Any:
    if body is None:
        return Meeting.objects.none()
    rows = Meeting.objects.filter(body=body)
    now = clock.now()
    return rows.filter(state=Meeting.State.CALLED, starts_at__gt=now) if upcoming else rows.filter(state=Meeting.State.HELD, starts_at__lte=now)


def _outcomes(rb: Rulebook) -> list[tuple[str, str]]:
    names = {"confirm": _("Confirm the measure"), "reduce": _("Reduce the measure"), "annul": _("Annul the measure")}
    return [(o, names[o]) for o in rules.appeal_rules(rb).get("outcomes") or ["confirm", "reduce", "annul"]]


def _pending(access: Access, stage: str) -> Appeal | None:
    return queries.pending_appeal(access.case, stage)


def _hearing_bodies(access: Access) -> Body | None:
    appeal = _pending(access, Stage.APPEAL)
    return appeal.body if appeal is not None else access.case.deciding_body


def form_for(key: str, access: Access, data: Mapping[str, Any] | None = None) -> forms.Form:
    """The (bound, when ``data`` is given) form of step ``key``."""
    case, rb = access.case, rulebook_on(clock.today())
    grounds = [(g["key"], f"{g['label']} {g['name']}") for g in rules.ground_words(rb, list(case.grounds))]
    appeal, referral = _pending(access, Stage.APPEAL), _pending(access, Stage.REFERRAL)
    if key == "reply":
        return F.ReplyForm(data)
    if key == "companion":
        return F.CompanionForm(data)
    if key in ("appeal", "refer"):
        return F.StatementForm(data)
    if key == "deliver":
        return F.EmptyForm(data)
    if key == "interim":
        return F.InterimForm(data)
    if key == "hearing":
        return F.MeetingForm(data, meetings=_meetings(case.deciding_body, upcoming=True))
    if key == "appeal_hearing":
        return F.MeetingForm(data, meetings=_meetings(appeal.body if appeal else None, upcoming=True))
    if key == "recusal":
        return F.RecusalForm(data, people=_people(_hearing_bodies(access)))
    if key == "minutes":
        return F.MinutesForm(data)
    if key == "decide":
        body = case.deciding_body
        return F.DecideForm(data, meetings=_meetings(body, upcoming=False), people=_people(body), grounds=grounds)
    if key == "decide_appeal":
        body = appeal.body if appeal else None
        return F.AppealDecisionForm(data, meetings=_meetings(body, upcoming=False), people=_people(body), outcomes=_outcomes(rb))
    if key == "decide_referral":
        body = referral.body if referral else None
        return F.AppealDecisionForm(data, meetings=_meetings(body, upcoming=False), people=_people(body), outcomes=_outcomes(rb))
    raise KeyError(key)


KEYS = ("reply", "companion", "appeal", "refer", "deliver", "interim", "hearing", "appeal_hearing", "recusal", "minutes", "decide", "decide_appeal", "decide_referral")


def _upcoming_hearing(access: Access) -> Any:
    return access.case.hearings.filter(meeting__starts_at__gt=clock.now()).select_related("meeting", "body").order_by("meeting__starts_at").first()


def _unminuted(access: Access) -> Any:
    bodies = [b.pk for b in (access.case.deciding_body, _hearing_bodies(access)) if b is not None]
    return access.case.hearings.filter(body_id__in=bodies, minutes="", meeting__starts_at__lte=clock.now()).select_related("meeting").first()


def available(access: Access) -> list[Step]:
    """The steps to offer this person now, each with until when and the article."""
    case, rb, today = access.case, rulebook_on(clock.today()), clock.today()
    out: list[Step] = []

    def offer(key: str, title: str, until: dt.date | None, article: str, initial: Mapping[str, Any] | None = None) -> None:
        form = form_for(key, access)
        if initial:
            form.initial.update(initial)
        out.append(Step(key, title, until, article, form))

    reply = case.deadlines.filter(kind=Deadline.Kind.REPLY).exclude(state=Deadline.State.MISSED).first()  # a reply may be added to
    appeal_due = _deadline(access, Deadline.Kind.APPEAL)
    referral_due = _deadline(access, Deadline.Kind.REFERRAL)
    hearing = _upcoming_hearing(access)
    appeal, referral = _pending(access, Stage.APPEAL), _pending(access, Stage.REFERRAL)
    decided_appeal = queries.last_appeal(case)
    if access.has(CONCERNED):
        if case.open and reply is not None and today <= reply.due_on:
            offer("reply", _("Reply to the charge in writing"), reply.due_on, reply.article)
        if hearing is not None and rules.companion_allowed(rb):
            offer("companion", _("Name the person who will come with you to the hearing"), hearing.meeting.starts_at.date(), rules.hearing_article(rb), {"hearing": hearing.pk, "companion": hearing.companion})
        if case.state == case.State.DECIDED and appeal_due is not None and today <= appeal_due.due_on:
            offer("appeal", _("Appeal to the %(body)s") % {"body": rb.body(rules.appeal_rules(rb)["body"])["name"]}, appeal_due.due_on, appeal_due.article)
        can_refer = decided_appeal is not None and decided_appeal.outcome != Appeal.Outcome.PENDING and rules.referral(rb) and not case.appeals.filter(stage=Stage.REFERRAL).exists()
        if can_refer and (rules.referral_window(rb) is None or (referral_due is not None and today <= referral_due.due_on)):
            ref = rules.referral(rb)
            offer("refer", _("Refer the appeal decision to the %(body)s") % {"body": rb.body(ref["to"])["name"]}, referral_due.due_on if referral_due else None, str(ref.get("article", "")))
    if access.has(BROUGHT):
        if case.charge_delivered_on is None:
            offer("deliver", _("Deliver the charge to the member in writing"), None, rules.charge_article(rb))
        interim = rules.interim_rules(rb)
        if case.open and interim.get("decided_by") and queries.interim_in_force(case) is None and not case.interim_suspensions.exists():
            offer("interim", _("Order an interim suspension"), None, str(interim.get("article", "")), {"days": interim.get("max_days")})
    if access.has(DECIDING) and case.open:
        if case.charge_delivered_on is not None:
            offer("hearing", _("Schedule the hearing, with notice"), None, rules.hearing_article(rb))
        offer("decide", _("Decide a measure"), None, str(rb.act("expel_member").get("article", "")))
    if access.has(DECIDING, APPEAL) and (case.open or appeal is not None):
        body = _hearing_bodies(access)
        offer("recusal", _("Record that a member stands aside"), None, rules.recusal_article(rb), {"body": body.pk if body else None})
    unminuted = _unminuted(access) if access.has(DECIDING, APPEAL) else None
    if unminuted is not None:
        offer("minutes", _("Minute the hearing"), None, str((rb.acts.get("minute_hearing") or {}).get("article", "")), {"hearing": unminuted.pk})
    if access.has(APPEAL) and appeal is not None:
        due = _deadline(access, Deadline.Kind.APPEAL_HEARING)
        article = str(rules.appeal_rules(rb).get("article", ""))
        offer("appeal_hearing", _("Schedule the hearing of the appeal"), due.due_on if due else None, article)
        offer("decide_appeal", _("Decide the appeal"), due.due_on if due else None, article)
    if access.has(REFERRAL) and referral is not None:
        offer("decide_referral", _("Decide the referral"), None, str(rules.referral(rb).get("article", "")))
    return out


def _votes(d: Mapping[str, Any]) -> J.Votes:
    return J.Votes(d["votes_yes"], d["votes_no"], d.get("votes_abstain") or 0)


def _taking_part(d: Mapping[str, Any]) -> list[Member] | None:
    ids = [int(x) for x in d.get("taking_part") or []]
    return list(Member.objects.filter(pk__in=ids)) if ids else None


def _hearing(access: Access, pk: int) -> Any:
    hearing = access.case.hearings.filter(pk=pk).first()
    if hearing is None:
        raise InvalidInput(_("There is no such hearing in this case."))
    return hearing


def call_for(key: str, access: Access, d: Mapping[str, Any]) -> Callable[[], object]:
    """The action step ``key`` calls, with the viewer acting (for the body the step belongs to)."""
    case, me = access.case, access.viewer

    def body_decision(body: Body | None, **extra: Any) -> Decision:
        if body is None:
            raise InvalidInput(_("There is no body to take this step in this case now."))
        return Decision(by=me, body=body, **extra)

    if key == "reply":
        return lambda: actions.reply_to_charge(case, by=me, text=d["text"], evidence=d.get("evidence", ""))
    if key == "companion":
        return lambda: actions.name_companion(_hearing(access, d["hearing"]), by=me, companion=d["companion"])
    if key == "appeal":
        return lambda: actions.file_appeal(case, by=me, statement=d["statement"])
    if key == "refer":
        last = queries.last_appeal(case)
        return lambda: actions.refer_appeal(last, by=me, statement=d["statement"]) if last else _no(_("There is no appeal decision to refer."))
    if key == "deliver":
        if case.framed_by_office:
            return lambda: actions.deliver_charge(case, by=me, office=case.framed_by_office)
        return lambda: actions.deliver_charge(case, decision=body_decision(case.framed_by))
    if key == "interim":
        days = d.get("days")
        if case.framed_by_office:
            return lambda: actions.order_interim_suspension(case, by=me, office=case.framed_by_office, days=days, reasons=d.get("reasons", ""))
        return lambda: actions.order_interim_suspension(case, decision=body_decision(case.framed_by, reasons=d.get("reasons", "")), days=days, reasons=d.get("reasons", ""))
    if key == "hearing":
        return lambda: actions.schedule_hearing(case, decision=body_decision(case.deciding_body), meeting=d["meeting"])
    if key == "appeal_hearing":
        appeal = _pending(access, Stage.APPEAL)
        return lambda: actions.schedule_appeal_hearing(appeal, decision=body_decision(appeal.body), meeting=d["meeting"]) if appeal else _no(_("There is no appeal pending."))
    if key == "recusal":
        body = Body.objects.filter(pk=d["body"]).first()
        member = Member.objects.filter(pk=int(d["member"])).first()
        return lambda: actions.record_recusal(case, member=member, decision=body_decision(body)) if member else _no(_("Choose a member."))
    if key == "minutes":
        return lambda: actions.minute_hearing(_hearing(access, d["hearing"]), decision=body_decision(_hearing(access, d["hearing"]).body), minutes=d["minutes"])
    if key == "decide":
        decision = body_decision(case.deciding_body, meeting=d["meeting"], votes=_votes(d), reasons=d.get("reasons", ""))
        return lambda: actions.decide_measure(case.member, measure=d["measure"], grounds=d.get("grounds") or [], case=case, days=d.get("days"), decision=decision, taking_part=_taking_part(d))
    if key in ("decide_appeal", "decide_referral"):
        row = _pending(access, Stage.APPEAL if key == "decide_appeal" else Stage.REFERRAL)
        if row is None:
            return lambda: _no(_("There is nothing pending to decide."))
        decision = body_decision(row.body, meeting=d["meeting"], votes=_votes(d), reasons=d.get("reasons", ""))
        act = actions.decide_appeal if key == "decide_appeal" else actions.decide_referral
        return lambda: act(row, outcome=d["outcome"], decision=decision, taking_part=_taking_part(d), measure=d.get("measure") or None, days=d.get("days"))
    raise KeyError(key)


def _no(message: str) -> object:
    raise InvalidInput(message)
