"""Collections and fund appeals: pledges, receipted contributions with their numbers, the totals a
conference report reads (by region of the payer), and the yearly statement's totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from charter.members.actions import record_dues_payment
from charter.money import queries
from charter.money.actions import InvalidMoney, open_fund, pledge_to_fund, receive_contribution
from charter.money.models import Contribution, Fund, Pledge
from charter.notices.models import Notice
from charter.org.models import Unit
from charter.record import log as record
from charter.record.models import Entry
from charter.record.reconcile import problems
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal(cast, at):  # type: ignore[no-untyped-def]
    """The Central Committee opens a national fighting-fund appeal at its meeting."""
    at("2026-04-01T10:00:00")
    cc = cast.bodies["cc"]
    present = list(
        cc.mandates.filter(office="", ended_on__isnull=True).values_list("member", flat=True)
    )
    from charter.members.models import Member

    meeting = hold(
        cc, by=cast.sara, present=list(Member.objects.filter(pk__in=present)), notice_days=15
    )
    return open_fund(
        kind="appeal",
        unit=cast.section,
        title="Strike fund for the port workers",
        target="100000",
        decision=Decision(by=cast.sara, body=cc, meeting=meeting, votes=Votes(14, 0, 1)),
    )


def test_appeal_with_pledges_and_receipts(cast, appeal):
    pledge_to_fund(appeal, member=cast.alice, amount="5000")
    c1 = receive_contribution(
        appeal, by=cast.bilal, amount="3000", method="cash", member=cast.alice
    )
    c2 = receive_contribution(
        appeal, by=cast.rashid, amount="2000", method="transfer", member=cast.tariq
    )
    c3 = receive_contribution(
        appeal, by=cast.bilal, amount="500", method="cash", payer="A dock worker's family"
    )
    assert [c.receipt_number for c in (c1, c2, c3)] == [
        "R-2026-000001",
        "R-2026-000002",
        "R-2026-000003",
    ]
    assert c3.unit == c1.unit == cast.karachi  # a non-member's gift counts where it was received
    t = queries.fund_totals(appeal)
    assert (t.pledged, t.received, t.cash, t.transfer, t.contributions, t.percent) == (
        Decimal("5000"),
        Decimal("5500"),
        Decimal("3500"),
        Decimal("2000"),
        3,
        5,
    )
    regions = {u.name: (total, n) for u, total, n in queries.fund_totals_by_region(appeal)}
    assert regions == {"Sindh": (Decimal("5500"), 3)}
    assert Notice.objects.filter(member=cast.alice, kind="receipt").exists()
    entry = Entry.objects.get(index=c3.entry_index)
    assert "dock" not in entry.body and '"R-2026-000003"' in entry.body
    assert record.verify() is None
    assert not [p for p in problems() if "money." in p]


def test_the_region_is_the_payers_not_the_treasurers(cast, appeal):
    punjab = Unit.objects.get(name="Punjab")
    receive_contribution(appeal, by=cast.rashid, amount="100", method="cash", member=cast.tariq)
    regions = [u for u, _t, _n in queries.fund_totals_by_region(appeal)]
    assert punjab not in regions and regions == [cast.sindh]


def test_receipt_refusals_change_nothing(cast, appeal):
    with pytest.raises(Refused) as exc:
        receive_contribution(
            appeal, by=cast.bilal, amount="100", method="cash", member=cast.tariq
        )  # Hyderabad: not his branch
    assert exc.value.articles == ["3.6"]
    with pytest.raises(Refused) as exc:
        receive_contribution(appeal, by=cast.alice, amount="100", method="cash", member=cast.alice)
    assert "not_office_holder" in {b.code for b in exc.value.breaches}
    hyderabad = open_fund(
        kind="collection", unit=cast.hyderabad, title="Hyderabad collection", by=cast.rashid
    )
    with pytest.raises(Refused):
        receive_contribution(
            hyderabad, by=cast.bilal, amount="100", method="cash", payer="Someone"
        )  # not his branch
    for amount, method, field in (
        ("0", "cash", "amount"),
        ("-5", "cash", "amount"),
        ("x", "cash", "amount"),
        ("10", "cheque", "method"),
    ):
        with pytest.raises(InvalidMoney) as bad:
            receive_contribution(
                appeal, by=cast.bilal, amount=amount, method=method, member=cast.alice
            )
        assert bad.value.field == field
    with pytest.raises(InvalidMoney) as bad:
        receive_contribution(appeal, by=cast.bilal, amount="10", method="cash")
    assert bad.value.field == "payer"
    assert not Contribution.objects.exists()


def test_a_branch_secretary_opens_a_collection_for_the_branch_only(cast, at):
    at("2026-04-01T10:00:00")
    fund = open_fund(
        kind="collection", unit=cast.karachi, title="May Day collection", by=cast.bilal
    )
    assert fund.entry_index is not None
    with pytest.raises(Refused) as exc:
        open_fund(kind="collection", unit=cast.hyderabad, title="Not mine", by=cast.bilal)
    assert exc.value.articles == ["3.6"]
    with pytest.raises(Refused):
        open_fund(kind="appeal", unit=cast.karachi, title="Mine", by=cast.alice)
    with pytest.raises(InvalidMoney):
        pledge_to_fund(fund, member=cast.alice, amount="10")  # pledges are for appeals
    assert Fund.objects.count() == 1


def test_the_secretariat_cannot_open_an_appeal(cast, at):
    at("2026-04-01T10:00:00")
    sec = cast.bodies["secretariat"]
    from charter.members.models import Member

    members = list(
        Member.objects.filter(
            mandates__body=sec, mandates__office="", mandates__ended_on__isnull=True
        )
    )
    meeting = hold(sec, by=cast.sara, present=members, notice_days=15)
    with pytest.raises(Refused) as exc:
        open_fund(
            kind="appeal",
            unit=cast.section,
            title="Fund",
            decision=Decision(by=cast.sara, body=sec, meeting=meeting, votes=Votes(5, 0, 0)),
        )
    assert "body_lacks_power" in {b.code for b in exc.value.breaches}
    assert not Fund.objects.exists()


def test_a_closed_appeal_takes_no_more(cast, at):
    at("2026-04-01T10:00:00")
    fund = open_fund(
        kind="appeal",
        unit=cast.karachi,
        title="Hardship",
        closes_on=dt.date(2026, 4, 30),
        by=cast.bilal,
    )
    at("2026-05-01T10:00:00")
    with pytest.raises(InvalidMoney):
        pledge_to_fund(fund, member=cast.alice, amount="10")
    assert not Pledge.objects.exists()


def test_the_yearly_statement_adds_up(cast, bands, appeal, at):
    at("2026-04-02T10:00:00")
    record_dues_payment(cast.alice, months=2, amount="200", by=cast.bilal)
    record_dues_payment(cast.tariq, months=1, amount="300", by=cast.rashid)
    receive_contribution(appeal, by=cast.bilal, amount="1000", method="cash", member=cast.alice)
    collection = open_fund(kind="collection", unit=cast.karachi, title="May Day", by=cast.bilal)
    at("2026-05-01T10:00:00")
    receive_contribution(collection, by=cast.bilal, amount="250", method="cash", payer="Visitors")
    at("2027-01-03T10:00:00")
    receive_contribution(
        collection, by=cast.rashid, amount="999", method="cash", member=cast.tariq
    )  # next year
    acc = queries.accounts(cast.sindh, *queries.year_bounds(2026))
    # The cast's founding dues (January 2026, by the rule) count too: 22 founders of Sindh paid 1100 each.
    founders = sum(
        p.amount
        for p in queries.DuesPayment.objects.filter(
            member__branch__path__startswith=cast.sindh.path, reference="cast"
        )
    )
    assert acc.totals == {
        "dues": founders + Decimal("500"),
        "collection": Decimal("250"),
        "appeal": Decimal("1000"),
    }
    assert acc.total == founders + Decimal("1750")
    months = dict(acc.months)
    assert months[dt.date(2026, 4, 1)] == {
        "dues": Decimal("500"),
        "collection": Decimal("0"),
        "appeal": Decimal("1000"),
    }
    assert months[dt.date(2026, 5, 1)]["collection"] == Decimal("250")
    by_unit = {u.name: s for u, s in acc.by_unit}
    assert by_unit["Karachi"]["appeal"] == Decimal("1000") and by_unit["Hyderabad"][
        "dues"
    ] - Decimal("300") == sum(
        p.amount
        for p in queries.DuesPayment.objects.filter(member__branch=cast.hyderabad, reference="cast")
    )
    rows = queries.statement_csv_rows(acc)
    assert rows[0] == ["section", "name", "dues", "collection", "appeal", "total"]
    assert rows[1] == [
        "total",
        "Sindh",
        f"{founders + 500:.2f}",
        "250.00",
        "1000.00",
        f"{founders + 1750:.2f}",
    ]
    assert ["fund", "May Day", "0.00", "250.00", "0.00", "250.00"] in rows
    nxt = queries.accounts(cast.sindh, *queries.year_bounds(2027))
    assert nxt.totals["collection"] == Decimal("999") and nxt.totals["dues"] == Decimal("0")
