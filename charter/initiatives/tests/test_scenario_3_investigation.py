"""Scenario 3: hundreds ask the Control Commission to investigate (Article 9.2).

When the signatures of members in good standing reach one tenth of them, the obligation exists,
once; the Commission must open the investigation within 30 days. Members see the count, the
threshold, the deadline and whether it was met; a missed deadline is on the record.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from charter.initiatives.actions import sign_initiative, start_initiative, withdraw_signature
from charter.initiatives.fulfilment import check_initiative_deadlines, open_investigation
from charter.initiatives.models import Initiative, Obligation, Signature
from charter.lib import clock
from charter.members.models import Member
from charter.notices.models import Notice
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def detail(entry: Entry) -> dict:
    return json.loads(entry.body)["detail"]


def demand(cast) -> Initiative:  # type: ignore[no-untyped-def]
    return start_initiative(
        by=cast.alice, kind="investigation", title="How were the Sindh expulsions decided?",
        text="We require the Control Commission to investigate how the expulsions of Farhan Shaikh, Saima Jatoi and Tariq Mirani were decided.",
    )


def reach(cast, ini: Initiative) -> Initiative:  # type: ignore[no-untyped-def]
    for member in cast.signers[: ini.needed]:
        sign_initiative(ini, by=member)
    return Initiative.objects.get(pk=ini.pk)


def test_one_tenth_of_members_in_good_standing_creates_the_obligation_once(hundreds):
    cast = hundreds
    ini = demand(cast)
    assert ini.addressed_to == cast.bodies["commission"]  # the rules name the body: 9.2
    assert (ini.members_in_good_standing, ini.needed) == (280, 28)  # the 20 in arrears are not counted
    start = Entry.objects.get(index=ini.entry_index)
    assert start.act == "start_initiative" and detail(start)["text_sha256"] == ini.text_sha256
    assert cast.alice.name not in start.body and "expulsions" not in start.body  # ids and hashes only

    # A member behind with their dues is refused and does not count; their slip is not public.
    entries = Entry.objects.count()
    with pytest.raises(Refused) as refused:
        sign_initiative(ini, by=cast.behind[0])
    assert [b.code for b in refused.value.breaches] == ["not_in_good_standing"] and refused.value.articles == ["1.3"]
    assert Entry.objects.count() == entries and not Signature.objects.filter(initiative=ini).exists()

    # 27 sign; one withdraws and the count goes down; still collecting, no obligation.
    for member in cast.signers[:27]:
        sign_initiative(ini, by=member)
    withdraw_signature(ini, by=cast.signers[0])
    ini.refresh_from_db()
    assert (ini.signature_count, ini.state) == (26, "collecting") and not Obligation.objects.exists()

    # The 28th counted signature reaches one tenth: the obligation, with its 30 days.
    for member in cast.signers[27:29]:
        sign_initiative(ini, by=member)
    ini.refresh_from_db()
    assert (ini.signature_count, ini.state) == (28, "open")
    obligation = Obligation.objects.get(initiative=ini)
    assert obligation.due_on == dt.date(2026, 12, 1) and obligation.signature_count == 28 and obligation.needed == 28
    reached = Entry.objects.get(index=obligation.entry_index)
    assert reached.act == "initiative_threshold_reached" and detail(reached)["signatures"] == 28 and reached.body.count("p:") == 0
    # The Commission is told what it must do, and by when.
    told = Notice.objects.filter(kind="initiative_obligation", channel="inbox")
    assert [n.member for n in told] == [cast.imran] and "1 December 2026" in told[0].subject  # in his language (English)

    # A second signature is refused; a withdrawal after the threshold is refused with 9.2.
    with pytest.raises(Refused) as twice:
        sign_initiative(ini, by=cast.signers[5])
    assert [b.code for b in twice.value.breaches] == ["already_signed"]
    with pytest.raises(Refused) as late:
        withdraw_signature(ini, by=cast.signers[5])
    assert [b.code for b in late.value.breaches] == ["threshold_reached"] and late.value.articles == ["9.2"]

    # More members may still sign; the count rises and the obligation stays one.
    for member in cast.signers[29:60]:
        sign_initiative(ini, by=member)
    ini.refresh_from_db()
    assert ini.signature_count == 59 and Obligation.objects.filter(initiative=ini).count() == 1
    assert Entry.objects.filter(act="initiative_threshold_reached").count() == 1
    assert Entry.objects.filter(act="sign_initiative").count() == 27 + 2 + 31
    assert record.verify() is None


def test_the_commission_opens_the_investigation_within_30_days(hundreds):
    cast = hundreds
    ini = reach(cast, demand(cast))
    commission = cast.bodies["commission"]

    # The Central Committee cannot answer for the Commission: refused with 9.2, on the record.
    cc = cast.bodies["cc"]
    members = list(cc.mandates.filter(ended_on__isnull=True, office="").values_list("member", flat=True))
    meeting = hold(cc, by=cast.zainab, present=list(Member.objects.filter(pk__in=members)), notice_days=15)
    with pytest.raises(Refused) as wrong:
        open_investigation(ini, decision=Decision(by=cast.zainab, body=cc, meeting=meeting, votes=Votes(15, 0, 0)))
    assert "not_addressed" in [b.code for b in wrong.value.breaches] and wrong.value.entry_index is not None
    assert Entry.objects.get(index=wrong.value.entry_index).outcome == "refused"

    sitting = hold(commission, by=cast.imran, present=[cast.imran], notice_days=15)  # 1 December, the last day
    obligation = open_investigation(ini, decision=Decision(by=cast.imran, body=commission, meeting=sitting, votes=Votes(1, 0, 0), reasons="Members asked under 9.2"))
    ini.refresh_from_db()
    assert ini.state == "fulfilled" and obligation.on_time and obligation.motion is not None and obligation.motion.outcome == "carried"
    done = Entry.objects.get(index=obligation.fulfilled_entry_index)
    assert done.act == "initiative_fulfilled" and detail(done)["on_time"] is True and detail(done)["motion"] == obligation.motion.pk
    # Nothing is missed afterwards, and nobody can answer it twice.
    clock.set_frozen(dt.datetime(2027, 1, 10, 10, tzinfo=dt.UTC))
    assert check_initiative_deadlines() == 0
    with pytest.raises(Refused):
        open_investigation(ini, decision=Decision(by=cast.imran, body=commission, meeting=sitting, votes=Votes(1, 0, 0)))
    assert record.verify() is None


def test_a_missed_deadline_is_on_the_record_and_a_late_opening_says_so(hundreds):
    cast = hundreds
    ini = reach(cast, demand(cast))
    clock.set_frozen(dt.datetime(2026, 12, 1, 23, tzinfo=dt.UTC))  # the last day: not missed yet
    assert check_initiative_deadlines() == 0
    clock.set_frozen(dt.datetime(2026, 12, 2, 8, tzinfo=dt.UTC))
    assert check_initiative_deadlines() == 1
    ini.refresh_from_db()
    obligation = Obligation.objects.get(initiative=ini)
    assert ini.state == "missed" and obligation.missed_on == dt.date(2026, 12, 2)
    missed = Entry.objects.get(index=obligation.missed_entry_index)
    assert missed.act == "initiative_deadline_missed" and missed.outcome == "done"
    assert detail(missed)["deadline"] == "2026-12-01" and detail(missed)["body"]["id"] == cast.bodies["commission"].pk
    assert check_initiative_deadlines() == 0  # once

    sitting = hold(cast.bodies["commission"], by=cast.imran, present=[cast.imran], notice_days=15)
    late = open_investigation(ini, decision=Decision(by=cast.imran, body=cast.bodies["commission"], meeting=sitting, votes=Votes(1, 0, 0)))
    assert not late.on_time and late.missed_on == dt.date(2026, 12, 2)
    assert detail(Entry.objects.get(index=late.fulfilled_entry_index))["on_time"] is False
    assert record.verify() is None


def test_a_deadline_passed_before_the_worker_noticed_is_still_recorded_as_missed(hundreds):
    cast = hundreds
    ini = reach(cast, demand(cast))
    clock.set_frozen(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC))
    sitting = hold(cast.bodies["commission"], by=cast.imran, present=[cast.imran], notice_days=15)  # 5 December
    obligation = open_investigation(ini, decision=Decision(by=cast.imran, body=cast.bodies["commission"], meeting=sitting, votes=Votes(1, 0, 0)))
    assert obligation.missed_on == dt.date(2026, 12, 2) and not obligation.on_time
    assert Entry.objects.filter(act="initiative_deadline_missed").count() == 1


def test_a_lost_vote_does_not_open_the_investigation(hundreds):
    cast = hundreds
    ini = reach(cast, demand(cast))
    sitting = hold(cast.bodies["commission"], by=cast.imran, present=[cast.imran], notice_days=15)
    with pytest.raises(Refused) as lost:
        open_investigation(ini, decision=Decision(by=cast.imran, body=cast.bodies["commission"], meeting=sitting, votes=Votes(0, 1, 0)))
    assert lost.value.outcome == "lost"
    ini.refresh_from_db()
    assert ini.state == "open" and Obligation.objects.get(initiative=ini).fulfilled_at is None
