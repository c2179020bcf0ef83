"""Filling seats: elections from a count, co-option within a third, no appointment to elected seats."""

from __future__ import annotations

import pytest

from charter.elections.actions import (
    appoint_to_seat,
    co_opt_to_seat,
    elect_officer,
    elect_to_seat,
    expire_terms,
)
from charter.members.models import Member
from charter.org.models import Mandate
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def seated(body):
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True))


def test_secretariat_cannot_replace_a_regional_committee_member_by_appointment(cast, at):
    """Scenario 7's end: seats elected by the aggregate cannot be filled by appointment."""
    at("2026-11-01T10:00:00")
    secretariat = cast.bodies["secretariat"]
    meeting = hold(secretariat, by=cast.sara, present=seated(secretariat), notice_days=15)
    with pytest.raises(Refused) as exc:
        appoint_to_seat(cast.alice, body=cast.bodies["rc"], decision=Decision(by=cast.sara, body=secretariat, meeting=meeting, votes=Votes(5, 0, 0)))
    assert {"3.5", "3.7"} <= set(exc.value.articles)
    assert not Mandate.objects.filter(member=cast.alice, body=cast.bodies["rc"]).exists()


def test_co_option_is_capped_at_a_third_of_the_seats(cast, at):
    at("2026-11-01T10:00:00")
    rc = cast.bodies["rc"]
    # Free seats: end two terms.
    for mandate in Mandate.objects.current().seats().filter(body=rc).exclude(member=cast.rashid)[:3]:
        mandate.expires_on = mandate.starts_on
        mandate.save()
    expire_terms()
    meeting = hold(rc, by=cast.rashid, present=seated(rc), notice_days=8)
    decision = Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(4, 0, 0))
    extra = list(Member.objects.filter(branch=cast.karachi).exclude(mandates__body=rc))
    co_opt_to_seat(extra[0], body=rc, decision=decision)
    co_opt_to_seat(extra[1], body=rc, decision=decision)  # 2 of 7 = at most floor(7/3) = 2
    with pytest.raises(Refused) as exc:
        co_opt_to_seat(extra[2], body=rc, decision=decision)
    assert exc.value.articles == ["3.7"]


def test_cc_member_cannot_sit_on_the_control_commission(cast, at):
    at("2026-11-01T10:00:00")
    congress = cast.body("congress")
    with pytest.raises(Refused) as exc:
        elect_to_seat(cast.zainab, body=cast.bodies["commission"], decision=Decision(by=cast.zainab, body=congress), nominators=2, accepted=True, count_method="scottish-stv", seats_in_election=3)
    assert "3.4" in exc.value.articles


def test_regional_secretary_is_elected_by_the_committee_from_its_members(cast, at):
    at("2026-11-01T10:00:00")
    rc = cast.bodies["rc"]
    meeting = hold(rc, by=cast.rashid, present=seated(rc), notice_days=8)
    decision = Decision(by=cast.rashid, body=rc, meeting=meeting)
    with pytest.raises(Refused) as exc:
        elect_officer(cast.saima, body=rc, office="regional_secretary", decision=decision, count_method="irv")
    assert "office_taken" in {b.code for b in exc.value.breaches}
    Mandate.objects.filter(office="regional_secretary").update(expires_on="2026-01-01")
    expire_terms()
    with pytest.raises(Refused) as exc:
        elect_officer(cast.alice, body=rc, office="regional_secretary", decision=decision, count_method="irv")
    assert "not_drawn_from" in {b.code for b in exc.value.breaches}
    with pytest.raises(Refused) as exc:
        elect_officer(cast.saima, body=rc, office="regional_secretary", decision=decision, count_method="show-of-hands")
    assert "wrong_count_method" in {b.code for b in exc.value.breaches}
    elect_officer(cast.saima, body=rc, office="regional_secretary", decision=decision, count_method="irv")
    assert Mandate.objects.current().get(office="regional_secretary").member == cast.saima
