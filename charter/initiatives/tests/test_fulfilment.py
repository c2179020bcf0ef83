"""What closes each kind of obligation: an item decided by a recorded vote (9.1, carried or lost), an
extraordinary Congress convened (9.3, which three Regional Committees may also require)."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.initiatives.actions import endorse_initiative, sign_initiative, start_initiative
from charter.initiatives.fulfilment import (
    check_initiative_deadlines,
    decide_initiative_item,
    open_investigation,
)
from charter.initiatives.models import Endorsement, Initiative, Obligation
from charter.lib import clock
from charter.meetings.actions import convene_meeting
from charter.meetings.models import Motion
from charter.members.models import Member
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def seated(body) -> list[Member]:  # type: ignore[no-untyped-def]
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True))


def agenda_item(cast) -> Initiative:  # type: ignore[no-untyped-def]
    ini = start_initiative(by=cast.alice, kind="agenda_item", title="Branch meetings", text="Discuss why branches no longer meet.", addressed_to=cast.bodies["rc"])
    for member in cast.signers[:50]:
        sign_initiative(ini, by=member)
    ini.refresh_from_db()
    assert ini.state == "open"
    return ini


@pytest.mark.parametrize(("votes", "outcome"), [(Votes(5, 1, 1), "carried"), (Votes(1, 5, 1), "lost")])
def test_the_item_decided_by_a_recorded_vote_carried_or_lost_fulfils_9_1(hundreds, votes, outcome):
    cast = hundreds
    ini = agenda_item(cast)
    rc = cast.bodies["rc"]
    meeting = hold(rc, by=cast.rashid, present=seated(rc), notice_days=8)
    obligation = decide_initiative_item(ini, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=votes, reasons="Branches must meet."))
    assert obligation.on_time and obligation.motion.outcome == outcome and obligation.motion.meeting == meeting
    entry = Entry.objects.get(index=obligation.motion.entry_index)
    assert entry.act == "decide_motion" and entry.outcome == ("done" if outcome == "carried" else "lost")
    assert Initiative.objects.get(pk=ini.pk).state == "fulfilled"
    assert record.verify() is None


def test_investigation_is_not_answered_by_a_vote_on_the_item(hundreds):
    cast = hundreds
    ini = agenda_item(cast)
    rc = cast.bodies["rc"]
    meeting = hold(rc, by=cast.rashid, present=seated(rc), notice_days=8)
    with pytest.raises(Refused) as wrong:
        open_investigation(ini, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(5, 0, 0)))
    assert [b.code for b in wrong.value.breaches] == ["wrong_fulfilment"] and wrong.value.articles == ["9.1"]


def test_the_next_ordinary_meeting_comes_first_and_passes_without_a_decision(hundreds):
    cast = hundreds
    ini = agenda_item(cast)  # 1 November: at the latest 1 December
    rc = cast.bodies["rc"]
    meeting = hold(rc, by=cast.rashid, present=seated(rc), notice_days=8)  # 9 November, nothing decided
    assert check_initiative_deadlines() == 0  # the meeting's day
    clock.set_frozen(meeting.starts_at + dt.timedelta(days=1))
    assert check_initiative_deadlines() == 1
    obligation = Obligation.objects.get(initiative=ini)
    assert obligation.missed_on == dt.date(2026, 11, 10)
    missed = Entry.objects.get(index=obligation.missed_entry_index)
    assert '"deadline":"2026-11-09"' in missed.body


def test_three_regional_committees_or_one_fifth_require_an_extraordinary_congress(hundreds):
    cast = hundreds
    ini = start_initiative(by=cast.alice, kind="extraordinary_congress", title="An extraordinary Congress", text="On the expulsions.")
    assert ini.addressed_to == cast.bodies["cc"] and ini.needed == 56
    rc = cast.bodies["rc"]
    meeting = hold(rc, by=cast.rashid, present=seated(rc), notice_days=8)
    support = endorse_initiative(ini, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 1, 0)))
    assert support.motion.outcome == "carried" and Entry.objects.get(index=support.entry_index).act == "decide_motion"
    ini.refresh_from_db()
    assert ini.endorsement_count == 1 and ini.state == "collecting"  # 1 of 3 committees
    with pytest.raises(Refused) as twice:
        endorse_initiative(ini, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 1, 0)))
    assert [b.code for b in twice.value.breaches] == ["already_endorsed"]
    with pytest.raises(Refused) as wrong:
        endorse_initiative(ini, decision=Decision(by=cast.rashid, body=cast.bodies["cc"], meeting=meeting, votes=Votes(6, 1, 0)))
    assert [b.code for b in wrong.value.breaches] == ["wrong_body"] and wrong.value.entry_index is not None
    assert Endorsement.objects.count() == 1
    for member in cast.signers[:56]:
        sign_initiative(ini, by=member)
    ini.refresh_from_db()
    assert ini.state == "open" and Obligation.objects.get(initiative=ini).due_on == dt.date(2027, 2, 7)  # 90 days from 9 November


def test_the_congress_convened_fulfils_9_3(db):
    from charter.testing.cast import build

    cast = build(congress_delegates=3)
    clock.set_frozen(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC))
    ini = start_initiative(by=cast.alice, kind="extraordinary_congress", title="An extraordinary Congress", text="Now.")
    assert ini.needed == 7  # one fifth of 33
    for member in Member.objects.order_by("pk")[:7]:
        sign_initiative(ini, by=member)
    obligation = Obligation.objects.get(initiative=ini)
    congress = cast.body("congress")
    delegate = seated(congress)[0]
    before = Motion.objects.count()
    clock.set_frozen(dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC))
    convene_meeting(congress, by=delegate, title="Extraordinary Congress", starts_at=dt.datetime(2026, 6, 1, 10, tzinfo=dt.UTC), agenda="1. The expulsions")
    assert check_initiative_deadlines() == 1
    obligation.refresh_from_db()
    assert obligation.on_time and obligation.meeting.body == congress and Motion.objects.count() == before
    assert check_initiative_deadlines() == 0
    assert record.verify() is None
