"""The right to erasure: a person off the register has their personal data erased; the public
record keeps the act, still verifies, and can no longer be tied to them."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from charter.accounts.models import User
from charter.discipline.actions import deliver_charge, frame_charge, reply_to_charge
from charter.discipline.models import Case, Reply
from charter.lib import clock
from charter.members.actions import erase_person, resign_membership, send_dues_reminder
from charter.members.models import DuesPayment, Member
from charter.notices.models import Notice
from charter.record import log as record
from charter.record import reconcile
from charter.record.models import Entry, Subject
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.rulebook.spec import bundled
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def resigned_alice(cast, at) -> Member:
    at("2026-11-01T10:00:00")
    user = User.objects.create_user("alice.baloch", email="alice@example.org", password="pw-alice-1234", first_name="Alice", last_name="Baloch")
    Member.objects.filter(pk=cast.alice.pk).update(user=user)
    send_dues_reminder(cast.alice)  # a notice addressed to her
    resign_membership(cast.alice, by=cast.alice, letter="I resign.")
    return Member.objects.get(pk=cast.alice.pk)


def test_a_former_member_has_their_data_erased(cast, at):
    alice = resigned_alice(cast, at)
    name, email, phone = alice.name, alice.email, alice.phone
    subject = Subject.objects.get(member=alice)
    entries_before = set(record.entries_about(alice).values_list("index", flat=True))
    assert Notice.objects.filter(member=alice).exists() and DuesPayment.objects.filter(member=alice, reference="cast").exists()
    erase_person(alice, by=alice)

    alice.refresh_from_db()
    assert (alice.name, alice.email, alice.phone) == ("erased person", "", "")
    assert not Member.objects.filter(name=name).exists()
    assert not Member.objects.filter(email=email).exists() and not Member.objects.filter(phone=phone).exists()
    assert not User.objects.filter(email=email).exists() and not User.objects.filter(first_name="Alice").exists()
    user = User.objects.get(pk=alice.user_id)
    assert not user.is_active and not user.has_usable_password() and user.username == f"erased-{user.pk}"
    assert not DuesPayment.objects.filter(member=alice).exclude(reference="").exists()
    assert not Notice.objects.filter(member=alice).exists()
    # Her commitment can no longer be opened: the salt is gone, the commitment stays on the log.
    subject.refresh_from_db()
    assert subject.salt == "" and subject.commitment in Entry.objects.get(act="erase_person").body
    entry = Entry.objects.get(act="erase_person")
    assert entry.outcome == "done" and '"articles":["1.2"]' in entry.body and '"detail":{}' in entry.body
    assert entries_before < set(record.entries_about(alice).values_list("index", flat=True))
    # The whole log still verifies, and the tables still agree with it.
    assert record.verify() is None
    assert list(reconcile.problems()) == []
    log = "\n".join(Entry.objects.values_list("body", flat=True))
    for value in (name, email, phone, hashlib.sha256(f"member:{alice.pk}".encode()).hexdigest()):
        assert value not in log


def test_a_member_resigns_before_erasure(cast, at):
    at("2026-11-01T10:00:00")
    size = Entry.objects.count()
    with pytest.raises(Refused) as exc:
        erase_person(cast.alice, by=cast.alice)
    assert exc.value.articles == ["1.2"] and {b.code for b in exc.value.breaches} == {"target_status"}
    assert Member.objects.get(pk=cast.alice.pk).name == "Alice Baloch"
    assert Subject.objects.get(member=cast.alice).salt != ""
    assert Entry.objects.count() == size  # a person's own slip is not on the public record


def test_nobody_else_may_erase_a_person(cast, at):
    alice = resigned_alice(cast, at)
    size = Entry.objects.count()
    with pytest.raises(Refused) as exc:
        erase_person(alice, by=cast.bilal)
    assert {b.code for b in exc.value.breaches} == {"not_authorised"}
    assert Member.objects.get(pk=alice.pk).email == "alice@example.org"
    assert Entry.objects.count() == size


@pytest.mark.parametrize(("rulebook", "article"), [("wda-2011", "1.2"), ("ftu-2019", "R3.5")])
@pytest.mark.parametrize(("status", "allowed"), [("resigned", True), ("lapsed", True), ("refused", True), ("expelled", True), ("member", False), ("suspended", False), ("applicant", False)])
def test_every_bundled_rulebook_lets_a_person_off_the_register_erase_themself(rulebook, article, status, allowed):
    rb = bundled(rulebook)
    unit = J.Unit(id=9, level=rb.home_level, ancestors=(1, 9))
    person = J.Person(id=7, status=status, good_standing=False, unit=unit)
    own = J.judge(rb, J.Proposal(act="erase_person", on=clock.today(), actor=person, target=person))
    assert own.allowed is allowed and (allowed or own.articles == [article])
    other = J.Person(id=8, status="member", good_standing=True, unit=unit)
    assert not J.judge(rb, J.Proposal(act="erase_person", on=dt.date(2026, 1, 1), actor=other, target=person)).allowed


def test_what_they_wrote_in_their_own_case_goes_too(cast, at):
    at("2026-09-01T10:00:00")
    rc = cast.bodies["rc"]
    seated = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
    meeting = hold(rc, by=cast.rashid, present=seated, notice_days=8)
    case = frame_charge(cast.alice, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 0, 0)), grounds=["breach_of_document"], facts="Published the drafts.")
    deliver_charge(case, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 0, 0)))
    reply_to_charge(case, by=cast.alice, text="I, Alice Baloch, deny it.", evidence="My diary, +923001234567")
    resign_membership(cast.alice, by=cast.alice, letter="I resign.")
    erase_person(cast.alice, by=cast.alice)
    assert list(Reply.objects.filter(case=case).values_list("text", "evidence")) == [("", "")]
    assert Case.objects.get(pk=case.pk).facts == "Published the drafts."  # the body's own record stays
    assert record.verify() is None and list(reconcile.problems()) == []
