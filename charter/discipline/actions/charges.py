"""The charge and the steps before a decision: framing, delivery, reply, hearing, companion,
recusal and the minutes of the hearing. Each is an act the rulebook judges."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from django.utils.translation import gettext as _

from charter.discipline import queries, rules
from charter.discipline.actions import acting, notify, timeline
from charter.discipline.models import Case, Deadline, Hearing, Recusal, Reply, Stage
from charter.lib import clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.store import rulebook_on


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("member", "member__branch", "framed_by", "deciding_body").get(pk=case.pk)


@consequential
def frame_charge(
    member: Member,
    *,
    grounds: Iterable[str],
    facts: str,
    decision: Decision | None = None,
    by: Member | None = None,
    office: str = "",
    bringers: Iterable[Member] = (),
    deciding_body: Body | None = None,
    evidence: str = "",
) -> Case:
    """Frame a charge: the grounds (from the rules' list), the facts relied on, who brings it (the
    framing body or officer, and the members bringing it) and the body that will hear and decide it."""
    grounds = acting.ground_keys(grounds)
    actor = acting.acting_person(decision, by, office)
    text = _("Frame a charge against %(name)s") % {"name": member.number}
    rb = acting.judge("frame_charge", decision=decision, by=by, office=office, target=member, grounds=grounds, facts={"facts": facts.strip()}, text=text, subjects=[member])
    framed_by = decision.body if decision is not None else queries.body_over(member, str(rb.office(office)["body"]))
    if framed_by is None:
        raise InvalidInput(_("The body of this office does not exist here."))
    if deciding_body is not None and deciding_body.pk not in {b.pk for b in queries.deciding_bodies(rb, member)}:
        names = ", ".join(b.name for b in queries.deciding_bodies(rb, member))
        raise InvalidInput(_("The %(body)s may not decide any measure concerning this member; the rules let these decide: %(bodies)s.") % {"body": deciding_body.name, "bodies": names})
    case = Case.objects.create(
        member=member, framed_by=framed_by, framed_by_office=office, grounds=grounds, facts=facts.strip(), evidence=evidence.strip(),
        deciding_body=deciding_body or queries.default_deciding_body(rb, member, framed_by), opened_on=clock.today(),
    )
    case.bringers.set([actor, *bringers])
    entry = acting.done("frame_charge", rb, decision=decision, by=by, office=office, text=text, subjects=[member], detail={"case": case.pk})
    case.entry_index = entry.index
    case.save(update_fields=["entry_index"])
    return case


@consequential
def deliver_charge(case: Case, *, decision: Decision | None = None, by: Member | None = None, office: str = "") -> Case:
    """Deliver the charge to the member in writing (inbox, email and SMS). The delivery date starts
    the reply period."""
    case = _locked(case)
    acting.acting_person(decision, by, office)
    text = _("Deliver the charge in case %(n)s") % {"n": case.pk}
    rb = acting.judge("deliver_charge", decision=decision, by=by, office=office, target=case.member, facts={"open_charge": case.open}, text=text, subjects=[case.member], detail={"case": case.pk})
    if case.charge_delivered_on is not None:
        raise InvalidInput(_("The charge was already delivered on %(date)s.") % {"date": dates.day(case.charge_delivered_on)})
    today = clock.today()
    case.charge_delivered_on = today
    case.state = Case.State.DELIVERED
    case.save(update_fields=["charge_delivered_on", "state"])
    channels = [c for c, has in (("inbox", True), ("email", bool(case.member.email)), ("sms", bool(case.member.phone))) if has]
    entry = acting.done("deliver_charge", rb, decision=decision, by=by, office=office, text=text, subjects=[case.member], detail={"case": case.pk, "channels": channels})
    reply = timeline.open_period(case, Deadline.Kind.REPLY, start=today, period=rules.reply_period(rb), body=None, entry_index=entry.index)
    for _act, period in rules.act_deadlines_from(rb, "charge_delivered"):
        timeline.open_period(case, Deadline.Kind.DECISION, start=today, period=period, body=case.deciding_body, entry_index=entry.index)
    decider = case.deciding_body.name if case.deciding_body else _("body the rules name")
    notify.charge_delivered(case, rb, entry.index, reply_until=reply.due_on.isoformat() if reply else "", decider=decider)
    return case


@consequential
def reply_to_charge(case: Case, *, by: Member, text: str, evidence: str = "") -> Reply:
    """The member's reply in writing, within the reply period."""
    case = _locked(case)
    facts = {"open_charge": case.open, "in_writing": bool(text.strip()), "charge_delivered_on": case.charge_delivered_on}
    rb = acting.judge("reply_to_charge", by=by, target=case.member, facts=facts, subjects=[case.member], detail={"case": case.pk})
    today = clock.today()
    reply = Reply.objects.create(case=case, text=text.strip(), evidence=evidence.strip(), received_on=today)
    case.replied_on = case.replied_on or today
    if case.state in (Case.State.FRAMED, Case.State.DELIVERED):
        case.state = Case.State.REPLIED
    case.save(update_fields=["replied_on", "state"])
    entry = acting.done("reply_to_charge", rb, by=by, subjects=[case.member], detail={"case": case.pk})
    reply.entry_index = entry.index
    reply.save(update_fields=["entry_index"])
    timeline.settle(case, Deadline.Kind.REPLY)
    n = case.replies.count()
    notify.to_member(case, kind="reply_received", key=f"case:{case.pk}:reply:{n}", entry_index=entry.index, channels=("inbox", "email"),
                     words=lambda: (_("Your reply was received"), _("Your written reply to the charge was received and added to your case file.")))
    return reply


def _check_meeting(meeting: Meeting, body: Body) -> float:
    """Hours of notice the member gets of a hearing at ``meeting`` of ``body``, or InvalidInput."""
    if meeting.body_id != body.pk:
        raise InvalidInput(_("The hearing is held at a meeting of the %(body)s itself.") % {"body": body.name})
    now = clock.now()
    if meeting.state != Meeting.State.CALLED or meeting.starts_at <= now:
        raise InvalidInput(_("Choose a meeting that has been called and has not yet begun."))
    return (meeting.starts_at - now).total_seconds() / 3600


@consequential
def schedule_hearing(case: Case, *, decision: Decision, meeting: Meeting) -> Hearing:
    """The deciding body offers the member a hearing at one of its meetings, with the rules' notice.
    The body that hears the charge is the one that decides it."""
    case = _locked(case)
    hours = _check_meeting(meeting, decision.body)
    if case.charge_delivered_on is None:
        raise InvalidInput(_("Deliver the charge first: the member must know what they will answer."))
    facts = {"open_charge": case.open, "meeting_body_kind": meeting.body.kind, "notice_hours": hours, "urgent": False}
    step = Decision(by=decision.by, body=decision.body)
    text = _("Schedule the hearing in case %(n)s") % {"n": case.pk}
    rb = acting.judge("schedule_hearing", decision=step, target=case.member, facts=facts, text=text, subjects=[case.member], detail={"case": case.pk, "hearing_meeting": meeting.pk})
    hearing = Hearing.objects.create(case=case, stage=Stage.CHARGE, body=decision.body, meeting=meeting, scheduled_on=clock.today())
    if case.deciding_body_id != decision.body.pk:
        timeline.drop(case, Deadline.Kind.HEARING)
    case.hearing_offered = True
    case.deciding_body = decision.body
    case.save(update_fields=["hearing_offered", "deciding_body"])
    entry = acting.done("schedule_hearing", rb, decision=step, text=text, subjects=[case.member], detail={"case": case.pk, "hearing": hearing.pk, "hearing_meeting": meeting.pk})
    hearing.entry_index = entry.index
    hearing.save(update_fields=["entry_index"])
    timeline.open_deadline(case, Deadline.Kind.HEARING, due_on=meeting.starts_at.date(), article=rules.hearing_article(rb), body=decision.body, entry_index=entry.index)
    notify.hearing_scheduled(hearing, rb, entry.index, others=case.bringers.exclude(pk=case.member_id))
    return hearing


@consequential
def name_companion(hearing: Hearing, *, by: Member, companion: str) -> Hearing:
    """The member names the person of their choice who will come with them to the hearing."""
    hearing = Hearing.objects.select_for_update(of=("self",)).select_related("case", "case__member", "meeting").get(pk=hearing.pk)
    case = hearing.case
    rb = acting.judge("name_companion", by=by, target=case.member, subjects=[case.member], detail={"case": case.pk})
    if not companion.strip():
        raise InvalidInput(_("Give the name of the person who will come with you."))
    if hearing.meeting.starts_at <= clock.now():
        raise InvalidInput(_("This hearing has already begun."))
    hearing.companion = companion.strip()[:200]
    hearing.companion_named_on = clock.today()
    hearing.save(update_fields=["companion", "companion_named_on"])
    acting.done("name_companion", rb, by=by, subjects=[case.member], detail={"case": case.pk, "hearing": hearing.pk})
    return hearing


def _case_bodies(case: Case) -> set[int]:
    rb = rulebook_on(clock.today())
    found = {case.deciding_body_id} if case.deciding_body_id else {b.pk for b in queries.deciding_bodies(rb, case.member)}
    for body in (queries.appeal_body(rb, case.member), queries.referral_body(rb, case.member)):
        if body is not None:
            found.add(body.pk)
    return found


@consequential
def record_recusal(case: Case, *, member: Member, decision: Decision) -> Recusal:
    """A member of the deciding (or appeal) body stands aside from the case: a personal interest.
    (Those who brought the charge stand aside without saying so.)"""
    case = _locked(case)
    body = decision.body
    if body.pk not in _case_bodies(case):
        raise InvalidInput(_("The %(body)s neither decides this case nor hears an appeal in it.") % {"body": body.name})
    step = Decision(by=decision.by, body=body)
    text = _("Record that a member stands aside from case %(n)s") % {"n": case.pk}
    rb = acting.judge("record_recusal", decision=step, facts={"concerns_body_id": body.pk}, text=text, subjects=[case.member], detail={"case": case.pk})
    if not queries.sits_on(member, body, rb):
        raise InvalidInput(_("%(name)s does not sit on the %(body)s.") % {"name": member.name, "body": body.name})
    if Recusal.objects.filter(case=case, member=member, body=body).exists():
        raise InvalidInput(_("%(name)s already stands aside.") % {"name": member.name})
    row = Recusal.objects.create(case=case, member=member, body=body, recorded_on=clock.today())
    entry = acting.done("record_recusal", rb, decision=step, text=text, subjects=[case.member], detail={"case": case.pk})
    row.entry_index = entry.index
    row.save(update_fields=["entry_index"])
    return row


@consequential
def minute_hearing(hearing: Hearing, *, decision: Decision, minutes: str) -> Hearing:
    """The minutes of a hearing, kept in the case file (the record keeps only their hash)."""
    hearing = Hearing.objects.select_for_update(of=("self",)).select_related("case", "case__member", "meeting", "body").get(pk=hearing.pk)
    if decision.body.pk != hearing.body_id:
        raise InvalidInput(_("The minutes of a hearing are kept by the body that held it, the %(body)s.") % {"body": hearing.body.name})
    step = Decision(by=decision.by, body=decision.body)
    rb = acting.judge("minute_hearing", decision=step, facts={"concerns_body_id": hearing.body_id}, subjects=[hearing.case.member], detail={"case": hearing.case_id})
    if hearing.meeting.starts_at > clock.now():
        raise InvalidInput(_("The hearing has not taken place yet."))
    if not minutes.strip():
        raise InvalidInput(_("The minutes are empty."))
    hearing.minutes = minutes.strip()
    hearing.save(update_fields=["minutes"])
    digest = hashlib.sha256(hearing.minutes.encode("utf-8")).hexdigest()
    acting.done("minute_hearing", rb, decision=step, subjects=[hearing.case.member], detail={"case": hearing.case_id, "hearing": hearing.pk, "minutes_sha256": digest})
    return hearing
