"""Holding a meeting in tests, through the actions: call it with notice, then record who came."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from charter.lib import clock
from charter.meetings.actions import convene_meeting, record_attendance
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body


def hold(body: Body, *, by: Member, present: Iterable[Member], notice_days: float = 15, title: str = "Meeting", agenda: str = "1. Business", urgent: bool = False, reason: str = "") -> Meeting:
    """Call a meeting ``notice_days`` ahead, move the clock to it, record attendance."""
    start = clock.now()
    when = start + dt.timedelta(days=notice_days)
    meeting = convene_meeting(body, by=by, title=title, starts_at=when, agenda=agenda, urgent=urgent, urgency_reason=reason)
    clock.set_frozen(when)
    return record_attendance(meeting, by=by, present=list(present))
