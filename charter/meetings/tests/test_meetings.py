"""Convening with notice, attendance and quorum, motions and their majority, minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.lib import clock
from charter.meetings.actions import (
    InvalidInput,
    approve_minutes,
    convene_meeting,
    decide_motion,
    record_attendance,
)
from charter.meetings.models import Meeting, Motion
from charter.members.models import Member
from charter.notices.models import Notice
from charter.record.models import Entry
from charter.rulebook.enforce import Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def test_branch_meeting_needs_seven_days_notice(cast, at):
    at("2026-11-01T10:00:00")
    branch_meeting = cast.body("branch_meeting", cast.karachi)
    with pytest.raises(Refused) as exc:
        convene_meeting(branch_meeting, by=cast.bilal, title="Monthly", starts_at=clock.now() + dt.timedelta(days=5), agenda="1. Reports")
    assert exc.value.articles == ["4.1"]
    assert not Meeting.objects.exists()
    assert Entry.objects.order_by("-index").first().outcome == "refused"
    meeting = convene_meeting(branch_meeting, by=cast.bilal, title="Monthly", starts_at=clock.now() + dt.timedelta(days=7), agenda="1. Reports")
    invited = Notice.objects.filter(kind="meeting_called", channel="inbox").count()
    assert invited == Member.objects.filter(branch=cast.karachi).count()
    assert meeting.entry_index is not None


def test_urgent_meeting_needs_a_reason_and_cannot_be_called_for_a_branch(cast, at):
    at("2026-11-01T10:00:00")
    soon = clock.now() + dt.timedelta(hours=50)
    with pytest.raises(Refused) as exc:
        convene_meeting(cast.bodies["rc"], by=cast.rashid, title="Urgent", starts_at=soon, agenda="1. Flood relief", urgent=True)
    assert "urgent_no_reason" in {b.code for b in exc.value.breaches}
    convene_meeting(cast.bodies["rc"], by=cast.rashid, title="Urgent", starts_at=soon, agenda="1. Flood relief", urgent=True, urgency_reason="Floods in the region")
    with pytest.raises(Refused) as exc:
        convene_meeting(cast.body("branch_meeting", cast.karachi), by=cast.bilal, title="Urgent", starts_at=soon, agenda="x", urgent=True, urgency_reason="y")
    assert "no_urgent_meetings" in {b.code for b in exc.value.breaches}


def test_only_members_of_a_body_can_call_it(cast, at):
    at("2026-11-01T10:00:00")
    with pytest.raises(Refused) as exc:
        convene_meeting(cast.bodies["cc"], by=cast.rashid, title="CC", starts_at=clock.now() + dt.timedelta(days=20), agenda="x")
    assert "3.5" in exc.value.articles  # the Regional Secretary has no power of their own


def test_meeting_in_the_past_is_bad_input(cast, at):
    at("2026-11-01T10:00:00")
    with pytest.raises(InvalidInput):
        convene_meeting(cast.bodies["rc"], by=cast.rashid, title="x", starts_at=clock.now() - dt.timedelta(days=1), agenda="x")


def test_quorum_of_a_committee_is_more_than_half(cast, at):
    at("2026-11-01T10:00:00")
    rc = cast.bodies["rc"]
    roster = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    assert len(roster) == 7
    meeting = hold(rc, by=cast.rashid, present=roster[:3], notice_days=8)
    assert (meeting.roster_size, meeting.quorum_needed, meeting.present_count) == (7, 4, 3)
    with pytest.raises(Refused) as exc:
        decide_motion(meeting, by=cast.rashid, text="Hold a regional school", votes=Votes(3, 0, 0))
    assert exc.value.articles == ["4.2"]
    assert Motion.objects.get(meeting=meeting).outcome == Motion.Outcome.REFUSED
    meeting = record_attendance(meeting, by=cast.rashid, present=roster[:4])
    index = decide_motion(meeting, by=cast.rashid, text="Hold a regional school", votes=Votes(3, 1, 0))
    assert Entry.objects.get(index=index).outcome == "done"


def test_a_motion_needs_a_majority_of_votes_cast(cast, at):
    at("2026-11-01T10:00:00")
    rc = cast.bodies["rc"]
    roster = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    meeting = hold(rc, by=cast.rashid, present=roster, notice_days=8)
    with pytest.raises(Refused) as exc:
        decide_motion(meeting, by=cast.rashid, text="Close the office", votes=Votes(3, 3, 1))
    assert exc.value.outcome == "lost"
    assert Entry.objects.order_by("-index").first().outcome == "lost"
    assert Motion.objects.get(meeting=meeting).outcome == Motion.Outcome.LOST


def test_attendance_of_strangers_is_bad_input(cast, at):
    at("2026-11-01T10:00:00")
    meeting = convene_meeting(cast.bodies["rc"], by=cast.rashid, title="x", starts_at=clock.now() + dt.timedelta(days=8), agenda="x")
    at("2026-11-09T11:00:00")
    with pytest.raises(InvalidInput):
        record_attendance(meeting, by=cast.rashid, present=[cast.rashid, cast.sara])


def test_branch_quorum_counts_members_in_good_standing_with_a_minimum_of_three(cast, at):
    at("2026-11-01T10:00:00")
    branch = cast.body("branch_meeting", cast.karachi)
    members = list(Member.objects.filter(branch=cast.karachi))
    meeting = hold(branch, by=cast.bilal, present=members[:3], notice_days=8)
    # 12 members in good standing: one third is 4.
    assert meeting.quorum_base == len(members) and meeting.quorum_needed == 4


def test_minutes_are_approved_at_the_next_meeting(cast, at):
    at("2026-10-01T10:00:00")
    rc = cast.bodies["rc"]
    roster = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    first = hold(rc, by=cast.rashid, present=roster, notice_days=8)
    second = hold(rc, by=cast.rashid, present=roster, notice_days=8)
    approve_minutes(first, at=second, by=cast.rashid, minutes="Present: all. Decided: nothing.", votes=Votes(6, 0, 1))
    first.refresh_from_db()
    assert first.minutes_approved_at == second
    with pytest.raises(InvalidInput):
        approve_minutes(second, at=first, by=cast.rashid, minutes="x", votes=Votes(6, 0, 0))
