"""Convening meetings, recording attendance, deciding motions, approving minutes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from charter.lib import clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.meetings.models import Attendance, Meeting
from charter.members.models import Member
from charter.notices import outbox
from charter.org.models import Body
from charter.record import log as record
from charter.rulebook import compute, enforce, rosters
from charter.rulebook.enforce import Decision, consequential


@consequential
def convene_meeting(
    body: Body,
    *,
    by: Member,
    title: str,
    starts_at: dt.datetime,
    agenda: str,
    urgent: bool = False,
    urgency_reason: str = "",
) -> Meeting:
    now = clock.now()
    if starts_at <= now:
        raise InvalidInput(_("A meeting must be called for a time in the future."))
    notice_hours = (starts_at - now).total_seconds() / 3600
    prop = enforce.proposal(
        "convene_meeting", actor=by, decision=Decision(by=by, body=body),
        facts={"concerns_body_id": body.pk, "notice_hours": notice_hours, "agenda": agenda, "urgent": urgent, "urgency_reason": urgency_reason, "meeting_body_kind": body.kind},
    )
    rb = enforce.check(prop, actor=by, detail=enforce.detail_for(body=body, starts_at=starts_at.isoformat()))
    meeting = Meeting.objects.create(
        body=body, title=title, called_at=now, starts_at=starts_at, agenda=agenda,
        urgent=urgent, urgency_reason=urgency_reason,
    )
    entry = record.append(
        "convene_meeting", "done", actor=by,
        detail=enforce.detail_for(body=body, meeting=meeting, starts_at=starts_at.strftime("%Y-%m-%dT%H:%MZ"), urgent=urgent, agenda_sha256=_sha(agenda)),
        articles=[rb.act("convene_meeting")["article"]],
    )
    meeting.entry_index = entry.index
    meeting.save(update_fields=["entry_index"])
    invitees = rosters.attendees(body, now.date(), rb)

    def render() -> tuple[str, str]:  # the same for every invitee who reads a language: rendered once per language
        when = dates.moment(starts_at)  # in the reader's language
        subject = _("%(body)s meets on %(when)s") % {"body": body.name, "when": when}
        text = _("The %(body)s has been called to meet on %(when)s: %(title)s.\n\nAgenda:\n%(agenda)s") % {"body": body.name, "when": when, "title": title, "agenda": agenda}
        if urgent:
            text += "\n\n" + _("This is an urgent meeting. Reason: %(reason)s") % {"reason": urgency_reason}
        return subject, text

    outbox.queue(invitees.select_related(None), kind="meeting_called", render=render, key=f"meeting:{meeting.pk}", entry_index=entry.index, channels=("inbox", "email"))
    return meeting


def _sha(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@consequential
def record_attendance(meeting: Meeting, *, by: Member, present: Iterable[Member]) -> Meeting:
    """Record who came. Fixes the roster, the quorum base and the quorum on the day."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    day = clock.today()
    if meeting.state == Meeting.State.CANCELLED:
        raise InvalidInput(_("This meeting was cancelled."))
    if meeting.starts_at.date() > day:
        raise InvalidInput(_("Attendance can be recorded only once the meeting has begun."))
    prop = enforce.proposal("record_attendance", actor=by, decision=Decision(by=by, body=meeting.body), facts={"concerns_body_id": meeting.body_id})
    rb = enforce.check(prop, actor=by, detail=enforce.detail_for(body=meeting.body, meeting=meeting))
    spec = rb.body(meeting.body.kind)
    attend_roster = rosters.attendees(meeting.body, day, rb)
    present_ids = {m.pk for m in present}
    allowed = set(attend_roster.filter(pk__in=present_ids).values_list("pk", flat=True))
    strangers = present_ids - allowed
    if strangers:
        raise InvalidInput(_("%(n)s of the people listed are not members of the %(body)s.") % {"n": len(strangers), "body": meeting.body.name})
    voters = set(rosters.roster(meeting.body, day, rb).filter(pk__in=present_ids).values_list("pk", flat=True))
    Attendance.objects.filter(meeting=meeting).delete()
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk, voting=pk in voters) for pk in sorted(present_ids)])
    base = rosters.quorum_base(meeting.body, day, rb)
    meeting.roster_size = rosters.roster(meeting.body, day, rb).count()
    meeting.quorum_base = base
    meeting.present_count = len(voters)
    meeting.quorum_needed = compute.fraction_needed(spec["quorum"], base)
    meeting.state = Meeting.State.HELD
    meeting.save()
    record.append(
        "record_attendance", "done", actor=by,
        detail=enforce.detail_for(body=meeting.body, meeting=meeting, present=meeting.present_count, roster=meeting.roster_size, quorum_needed=meeting.quorum_needed),
        articles=[rb.act("record_attendance")["article"]],
    )
    return meeting


@consequential
def decide_motion(meeting: Meeting, *, by: Member, text: str, votes: enforce.J.Votes, reasons: str = "") -> int:
    """A general decision of a body (majority of votes cast unless the rules say otherwise)."""
    if not text.strip():
        raise InvalidInput(_("A motion needs its text."))
    decision = Decision(by=by, body=meeting.body, meeting=meeting, votes=votes, reasons=reasons)
    rb = judge_decision("decide_motion", decision, text=text, facts={"concerns_body_id": meeting.body_id})
    return carried("decide_motion", decision, rb, text=text).index


@consequential
def approve_minutes(previous: Meeting, *, at: Meeting, by: Member, minutes: str, votes: enforce.J.Votes) -> Meeting:
    if previous.body_id != at.body_id or previous.starts_at >= at.starts_at:
        raise InvalidInput(_("Minutes are approved at a later meeting of the same body."))
    decision = Decision(by=by, body=at.body, meeting=at, votes=votes)
    text = _("Approve the minutes of %(title)s") % {"title": previous.title}
    rb = judge_decision("approve_minutes", decision, text=text, facts={"concerns_body_id": at.body_id})
    previous.minutes = minutes
    previous.minutes_approved_at = at
    previous.save(update_fields=["minutes", "minutes_approved_at"])
    carried("approve_minutes", decision, rb, text=text, detail={"approved_meeting": previous.pk, "minutes_sha256": _sha(minutes)})
    return previous
