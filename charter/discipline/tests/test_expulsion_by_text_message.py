"""Scenario 1: a Regional Secretary 'expels' three members by text message. It must be impossible."""

from __future__ import annotations

import json

import pytest

from charter.discipline.actions import decide_measure
from charter.discipline.models import Measure
from charter.elections.actions import remove_from_seat
from charter.members.models import Member
from charter.notices.models import Notice
from charter.org.models import Mandate
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused

pytestmark = pytest.mark.django_db


def snapshot(members: list[Member]) -> list[tuple]:
    return [
        (m.status, m.branch_id, sorted(Mandate.objects.current().filter(member=m).values_list("body_id", "office", "suspended")))
        for m in Member.objects.filter(pk__in=[x.pk for x in members]).order_by("pk")
    ]


def test_regional_secretary_cannot_expel_by_text_message(cast, at):
    at("2026-11-01T10:00:00")
    three = [cast.farhan, cast.saima, cast.tariq]
    before = snapshot(three)
    notices_before = Notice.objects.count()
    size_before = Entry.objects.count()
    refusals = []
    for member in three:
        with pytest.raises(Refused) as exc:
            decide_measure(
                member, measure="expulsion", grounds=["inactivity"],
                decision=Decision(by=cast.rashid, body=cast.bodies["secretariat"], reasons="inactivity"),
            )
        refusals.append(exc.value)
    articles = set(refusals[0].articles)
    # The Regional Secretary holds no disciplinary power; the Secretariat may not decide a measure;
    # inactivity is not a ground; no charge was delivered and no reply period ran.
    assert {"3.5", "3.3", "1.4", "7.1", "7.4"} <= articles
    codes = {b.code for b in refusals[0].breaches}
    assert {"office_has_no_power", "body_may_not", "never_a_ground", "not_a_ground", "no_charge", "no_reply_period"} <= codes
    # Nothing about the three members changed, no measure exists, nobody was notified.
    assert snapshot(three) == before
    assert not Measure.objects.exists()
    assert Notice.objects.count() == notices_before
    # Each attempt is itself on the record, naming the articles, with the officer as actor.
    new = list(Entry.objects.filter(index__gte=size_before).order_by("index"))
    assert [e.outcome for e in new] == ["refused"] * 3
    body = json.loads(new[0].body)
    assert body["act"] == "expel_member" and "3.5" in body["articles"]
    about_rashid = {e.index for e in record.entries_about(cast.rashid)}
    assert {e.index for e in new} <= about_rashid
    about_farhan = {e.index for e in record.entries_about(cast.farhan)}
    assert new[0].index in about_farhan
    assert record.verify() is None


def test_refused_entry_names_no_one(cast, at):
    at("2026-11-01T10:00:00")
    with pytest.raises(Refused):
        decide_measure(cast.farhan, measure="expulsion", grounds=["inactivity"], decision=Decision(by=cast.rashid, body=cast.bodies["secretariat"], reasons="x"))
    last = Entry.objects.order_by("-index").first()
    for person in (cast.farhan, cast.rashid):
        assert person.name not in last.body and person.number not in last.body and person.email not in last.body and person.phone not in last.body


def test_newly_elected_committee_member_cannot_be_removed_outside_the_rules(cast, at):
    at("2026-11-01T10:00:00")
    seat = Mandate.objects.current().get(member=cast.saima, body=cast.bodies["rc"], office="")
    with pytest.raises(Refused) as exc:
        remove_from_seat(seat, by=cast.rashid)
    assert "3.7" in exc.value.articles
    with pytest.raises(Refused) as exc:
        remove_from_seat(seat, by=cast.sara, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]))
    assert "3.7" in exc.value.articles
    seat.refresh_from_db()
    assert seat.ended_on is None
    assert Entry.objects.order_by("-index").first().outcome == "refused"
