"""Dues by hand and in bulk, the treasurer's scope, good standing on the day, and the timeline of
reminders, lapse and reinstatement as the worker applies it."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.cli import _work
from charter.lib import clock
from charter.members.actions import record_dues_payment
from charter.members.models import DuesPayment, Member, Status
from charter.money.actions import InvalidMoney, record_dues_payments
from charter.notices.models import Notice
from charter.record import log as record
from charter.record.models import Entry
from charter.record.reconcile import problems
from charter.rulebook import rosters
from charter.rulebook.enforce import Refused, good_standing
from charter.rulebook.store import rulebook_on

pytestmark = pytest.mark.django_db


def _state(member: Member) -> tuple:  # type: ignore[type-arg]
    member.refresh_from_db()
    return member.status, member.dues_paid_until, DuesPayment.objects.filter(member=member).count()


def test_the_branch_secretary_records_a_payment_on_the_record(cast, newcomer, at):
    at("2026-03-01T10:00:00")
    before = newcomer.dues_paid_until
    record_dues_payment(
        newcomer, months=3, amount="300", reference="cash at meeting", by=cast.bilal
    )
    newcomer.refresh_from_db()
    assert newcomer.dues_paid_until == dt.date(before.year, before.month + 3, before.day)
    payment = DuesPayment.objects.get(member=newcomer, months=3)
    entry = Entry.objects.get(index=payment.entry_index)
    assert entry.act == "record_dues_payment" and entry.outcome == "done"
    assert record.verify() is None
    assert not [p for p in problems() if "DuesPayment" in p]


def test_the_regional_secretary_records_for_any_branch_of_the_region(cast, newcomer, at):
    at("2026-03-01T10:00:00")
    record_dues_payment(cast.tariq, months=1, amount="100", by=cast.rashid)
    record_dues_payment(newcomer, months=1, amount="100", by=cast.rashid)
    assert (
        DuesPayment.objects.filter(
            member__in=[cast.tariq, newcomer], entry_index__isnull=False, months=1
        ).count()
        == 2
    )


def test_a_branch_secretary_cannot_record_for_another_branch(cast, at):
    at("2026-03-01T10:00:00")
    before = _state(cast.tariq)
    with pytest.raises(Refused) as exc:
        record_dues_payment(cast.tariq, months=1, amount="100", by=cast.bilal)
    assert {b.code for b in exc.value.breaches} == {"outside_office_unit"}
    assert exc.value.articles == ["3.6"]
    assert _state(cast.tariq) == before
    last = Entry.objects.order_by("-index").first()
    assert last.act == "record_dues_payment" and last.outcome == "refused"


def test_an_ordinary_member_cannot_record_a_payment(cast, at):
    at("2026-03-01T10:00:00")
    before = _state(cast.farhan)
    with pytest.raises(Refused) as exc:
        record_dues_payment(cast.farhan, months=1, amount="100", by=cast.alice)
    assert {b.code for b in exc.value.breaches} == {"not_office_holder"}
    assert exc.value.articles == ["3.6"]
    assert _state(cast.farhan) == before


def test_bulk_payments_are_all_or_none(cast, newcomer, at):
    at("2026-03-01T10:00:00")
    before = [_state(m) for m in (cast.alice, newcomer, cast.tariq)]
    with pytest.raises(Refused):
        record_dues_payments(
            by=cast.bilal,
            payments=[(cast.alice, 1, "100"), (newcomer, 2, "200"), (cast.tariq, 1, "100")],
        )
    assert [_state(m) for m in (cast.alice, newcomer, cast.tariq)] == before
    done = record_dues_payments(
        by=cast.bilal,
        payments=[(cast.alice, 1, "100"), (newcomer, 2, "200")],
        reference="March meeting",
    )
    assert len(done) == 2
    assert (
        DuesPayment.objects.filter(reference="March meeting", entry_index__isnull=False).count()
        == 2
    )
    with pytest.raises(InvalidMoney):
        record_dues_payments(by=cast.bilal, payments=[])


def test_a_payment_restores_the_vote_and_the_quorum_on_the_day(cast, newcomer, at):
    """Good standing follows dues_paid_until as the rulebook says (3 months of arrears at most)."""
    branch_meeting = cast.body("branch_meeting", cast.karachi)
    aggregate = cast.body("regional_aggregate", cast.sindh)
    at("2026-06-15T09:00:00")  # dues paid to late January: more than 3 months behind
    rb = rulebook_on(clock.today())
    assert not good_standing(newcomer, clock.today(), rb)
    base = rosters.quorum_base(branch_meeting, clock.today(), rb)
    assert newcomer not in rosters.roster(aggregate, clock.today(), rb)
    assert newcomer in rosters.attendees(
        aggregate, clock.today(), rb
    )  # attends and speaks, does not vote
    at("2026-06-15T16:00:00")
    record_dues_payment(newcomer, months=5, amount="500", by=cast.bilal)
    assert good_standing(newcomer, clock.today(), rb)
    assert rosters.quorum_base(branch_meeting, clock.today(), rb) == base + 1
    assert newcomer in rosters.roster(aggregate, clock.today(), rb)


def _round() -> None:
    """One round of the background worker, as `charter worker --once` runs it."""
    _work(0.0, 1)


def _reminders(member: Member) -> list[dt.date]:
    return sorted(
        n.created_at.date()
        for n in Notice.objects.filter(member=member, kind="dues_reminder", channel="inbox")
    )


def test_reminders_then_lapse_then_reinstatement(cast, newcomer, at):
    """WDA 1.4: lapse after six months of arrears, and only after two written reminders 30 days apart."""
    paid = newcomer.dues_paid_until  # 2026-01-28
    at("2026-05-20T08:00:00")  # 3 months behind: still in good standing, no reminder
    _round()
    assert _reminders(newcomer) == []
    at("2026-05-29T08:00:00")  # 4 months: the first reminder
    _round()
    _round()  # a second round on the same day sends nothing more
    assert _reminders(newcomer) == [dt.date(2026, 5, 29)]
    assert (
        Notice.objects.filter(member=newcomer, kind="dues_reminder", channel="email").count() == 1
    )
    at("2026-06-20T08:00:00")  # 22 days later: too soon for the second
    _round()
    assert len(_reminders(newcomer)) == 1
    at("2026-06-28T08:00:00")  # 30 days after the first
    _round()
    assert _reminders(newcomer) == [dt.date(2026, 5, 29), dt.date(2026, 6, 28)]
    at("2026-07-20T08:00:00")  # five months: both reminders sent, but not yet six months
    _round()
    newcomer.refresh_from_db()
    assert newcomer.status == Status.MEMBER
    at("2026-07-28T08:00:00")  # six months of arrears: the lapse
    _round()
    newcomer.refresh_from_db()
    assert newcomer.status == Status.LAPSED and newcomer.dues_paid_until == paid
    lapse = Entry.objects.filter(act="lapse_member", outcome="done").get()
    assert '"1.4"' in lapse.body
    assert not newcomer.status_history.filter(reason__icontains="discipl").exists()
    assert Notice.objects.filter(member=newcomer, kind="lapsed", channel="inbox").exists()
    _round()  # nothing more to do for a lapsed member
    assert (
        Entry.objects.filter(act__in=["lapse_member", "dues_reminder"], outcome="done").count() == 3
    )
    at("2026-09-01T10:00:00")  # paying the arrears within the window restores the membership
    record_dues_payment(newcomer, months=8, amount="800", by=cast.bilal)
    newcomer.refresh_from_db()
    assert newcomer.status == Status.MEMBER
    acts = list(Entry.objects.order_by("-index").values_list("act", flat=True)[:2])
    assert acts == ["reinstate_member", "record_dues_payment"]
    assert record.verify() is None


def test_the_worker_cannot_lapse_without_the_reminders(cast, newcomer, at):
    """Arrears alone are not enough: the lapse waits until both reminders have run."""
    at("2026-07-28T08:00:00")  # already six months behind, but no reminder was ever sent
    _round()
    newcomer.refresh_from_db()
    assert newcomer.status == Status.MEMBER and len(_reminders(newcomer)) == 1
    at("2026-08-10T08:00:00")
    _round()
    newcomer.refresh_from_db()
    assert newcomer.status == Status.MEMBER and len(_reminders(newcomer)) == 1
    at("2026-08-27T08:00:00")
    _round()
    assert len(_reminders(newcomer)) == 2
    newcomer.refresh_from_db()
    assert (
        newcomer.status == Status.MEMBER
    )  # the second reminder was just sent; the lapse comes next round
    _round()
    newcomer.refresh_from_db()
    assert newcomer.status == Status.LAPSED


def test_a_part_payment_puts_the_lapse_off(cast, newcomer, at):
    """A reminder counts while it is dated after the day the dues are paid to (as the judge counts)."""
    at("2026-05-29T08:00:00")
    _round()
    assert len(_reminders(newcomer)) == 1
    at("2026-06-10T08:00:00")
    record_dues_payment(
        newcomer, months=2, amount="200", by=cast.bilal
    )  # paid to 28 March: in good standing
    at("2026-07-27T08:00:00")  # not yet four months behind the new date: nothing
    _round()
    assert len(_reminders(newcomer)) == 1
    at("2026-07-28T08:00:00")  # four months behind again: the second reminder
    _round()
    assert _reminders(newcomer) == [dt.date(2026, 5, 29), dt.date(2026, 7, 28)]
    at("2026-09-27T08:00:00")
    _round()
    newcomer.refresh_from_db()
    assert newcomer.status == Status.MEMBER  # six months are counted from 28 March
    at("2026-09-28T08:00:00")
    _round()
    newcomer.refresh_from_db()
    assert newcomer.status == Status.LAPSED
