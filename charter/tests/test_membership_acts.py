"""Admission, refusal, lapse, reinstatement, resignation and transfer, each judged by the rules."""

from __future__ import annotations

import pytest

from charter.lib import clock
from charter.members.actions import (
    InvalidMember,
    admit_member,
    apply_for_membership,
    lapse_member,
    record_dues_payment,
    refuse_admission,
    resign_membership,
    send_dues_reminder,
    transfer_member,
)
from charter.members.models import Member, Status
from charter.notices.models import Notice
from charter.org.models import Body, Unit
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def rc_members(body):
    return list(Member.objects.filter(mandates__body=body, mandates__office="", mandates__ended_on__isnull=True))


def test_applicant_is_admitted_by_the_regional_committee_at_a_meeting(cast, at):
    at("2026-10-01T10:00:00")
    applicant = apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="n@example.org")
    assert applicant.status == Status.APPLICANT
    meeting = hold(cast.bodies["rc"], by=cast.rashid, present=rc_members(cast.bodies["rc"]), notice_days=8)
    admit_member(applicant, decision=Decision(by=cast.rashid, body=cast.bodies["rc"], meeting=meeting, votes=Votes(6, 0, 1)))
    applicant.refresh_from_db()
    assert applicant.status == Status.MEMBER and applicant.joined_on == clock.today()
    assert Notice.objects.filter(member=applicant, kind="admitted", channel="email").exists()
    assert [h.status_to for h in applicant.status_history.all()] == ["applicant", "member"]
    assert record.verify() is None


def test_regional_secretary_alone_cannot_admit(cast, at):
    at("2026-10-01T10:00:00")
    applicant = apply_for_membership(name="Naveed Khoso", branch=cast.karachi)
    with pytest.raises(Refused) as exc:
        admit_member(applicant, decision=Decision(by=cast.rashid, body=cast.body("branch_meeting", cast.karachi)))
    assert "1.1" in exc.value.articles and "3.5" in exc.value.articles
    applicant.refresh_from_db()
    assert applicant.status == Status.APPLICANT


def test_another_regions_committee_cannot_admit(cast, at):
    at("2026-10-01T10:00:00")
    punjab = Unit.objects.get(name="Punjab")
    other_rc = Body.objects.get(kind="regional_committee", unit=punjab)
    applicant = apply_for_membership(name="Naveed Khoso", branch=cast.karachi)
    with pytest.raises(Refused) as exc:
        admit_member(applicant, decision=Decision(by=cast.sara, body=other_rc))
    assert "body_lacks_power" in {b.code for b in exc.value.breaches}


def test_refusal_of_admission_needs_reasons(cast, at):
    at("2026-10-01T10:00:00")
    applicant = apply_for_membership(name="Naveed Khoso", branch=cast.karachi)
    meeting = hold(cast.bodies["rc"], by=cast.rashid, present=rc_members(cast.bodies["rc"]), notice_days=8)
    with pytest.raises(Refused) as exc:
        refuse_admission(applicant, decision=Decision(by=cast.rashid, body=cast.bodies["rc"], meeting=meeting, votes=Votes(5, 1, 0)))
    assert "no_reasons" in {b.code for b in exc.value.breaches}
    refuse_admission(applicant, decision=Decision(by=cast.rashid, body=cast.bodies["rc"], meeting=meeting, votes=Votes(5, 1, 0), reasons="Member of a rival party"))
    applicant.refresh_from_db()
    assert applicant.status == Status.REFUSED


def test_applying_to_an_area_is_bad_input(cast, at):
    at("2026-10-01T10:00:00")
    with pytest.raises(InvalidMember):
        apply_for_membership(name="X", branch=cast.area)


def test_lapse_only_after_six_months_and_two_reminders_thirty_days_apart(cast, at):
    at("2027-07-01T10:00:00")  # dues paid to 2026-12-10: more than six months of arrears
    member = cast.alice
    with pytest.raises(Refused) as exc:
        lapse_member(member)
    assert exc.value.articles == ["1.4"] and "reminders_missing" in {b.code for b in exc.value.breaches}
    send_dues_reminder(member)
    at("2027-07-20T10:00:00")
    send_dues_reminder(member)  # only 19 days later: does not count as the second
    with pytest.raises(Refused):
        lapse_member(member)
    at("2027-08-02T10:00:00")
    send_dues_reminder(member)
    lapse_member(member)
    member.refresh_from_db()
    assert member.status == Status.LAPSED
    # Paying the arrears within a year restores the membership.
    record_dues_payment(member, months=10)
    member.refresh_from_db()
    assert member.status == Status.MEMBER
    assert Entry.objects.order_by("-index").first().act == "reinstate_member"


def test_lapse_is_refused_while_dues_are_recent(cast, at):
    at("2026-11-01T10:00:00")
    with pytest.raises(Refused) as exc:
        lapse_member(cast.alice)
    assert "not_enough_arrears" in {b.code for b in exc.value.breaches}


def test_resignation_is_in_writing_by_the_member(cast, at):
    at("2026-11-01T10:00:00")
    with pytest.raises(Refused):
        resign_membership(cast.alice, by=cast.alice, letter="   ")
    with pytest.raises(Refused):
        resign_membership(cast.alice, by=cast.bilal, letter="She resigns")
    resign_membership(cast.alice, by=cast.alice, letter="I resign.")
    alice = Member.objects.get(pk=cast.alice.pk)
    assert alice.status == Status.RESIGNED
    assert not alice.mandates.filter(ended_on__isnull=True).exists()


def test_member_transfers_themself_to_another_branch(cast, at):
    at("2026-11-01T10:00:00")
    transfer_member(cast.farhan, to_branch=cast.hyderabad, by=cast.farhan)
    farhan = Member.objects.get(pk=cast.farhan.pk)
    assert farhan.branch == cast.hyderabad and farhan.transfers.count() == 1
    with pytest.raises(Refused):
        transfer_member(cast.farhan, to_branch=cast.karachi, by=cast.alice)
    with pytest.raises(InvalidMember):
        transfer_member(cast.farhan, to_branch=cast.area, by=cast.farhan)
