"""A treasurer's import of a bank statement: matched by membership number, the rest reviewed, bad
files refused with their line and column, nothing lost."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from charter.members.models import DuesPayment, Member, Status
from charter.money import statement
from charter.money.actions import (
    InvalidMoney,
    assign_dues_band,
    assign_statement_row,
    discard_statement_row,
    import_bank_statement,
)
from charter.money.models import StatementImport, StatementRow
from charter.record import log as record
from charter.record.models import Entry
from charter.record.reconcile import problems
from charter.rulebook.enforce import Refused

pytestmark = pytest.mark.django_db


def csv_for(cast, newcomer) -> bytes:  # type: ignore[no-untyped-def]
    a, n, t, f = cast.alice.number, newcomer.number, cast.tariq.number, cast.farhan.number
    short = n.split("-")[1].lstrip("0")
    return (
        "Date,Description,Amount,Balance\n"
        f"2026-03-02,DUES {n} MARCH,300.00,1000\n"  # matched: 1 month of Middle
        f'02/03/2026,"Transfer ref wda {short}","1,500.00",2500\n'  # matched (short form): 5 months
        f"2026-03-03,DUES {a} and {f},600.00,3100\n"  # ambiguous: two members named
        "2026-03-04,GIFT FROM A FRIEND,50.00,3150\n"  # unmatched
        f"2026-03-05,DUES {t},300.00,3450\n"  # a member of Hyderabad: outside Karachi Central
        f"2026-03-06,DUES {a},50.00,3500\n"  # less than a month of Low
        "2026-03-07,BANK CHARGES,-12.50,3487.50\n"  # not a payment in
        f"2026-03-08,DUES {f},300,3787.50\n"  # farhan has no band
    ).encode()


@pytest.fixture
def banded(cast, bands, newcomer, at):  # type: ignore[no-untyped-def]
    at("2026-03-10T10:00:00")
    assign_dues_band(newcomer, band=bands["Middle"], by=cast.bilal)
    assign_dues_band(cast.alice, band=bands["Low"], by=cast.bilal)
    assign_dues_band(cast.tariq, band=bands["Middle"], by=cast.rashid)
    return newcomer


@pytest.mark.parametrize("fast", [True, False], ids=["copy-or-executemany", "bulk_create"])
def test_import_matches_by_number_and_keeps_every_line(cast, banded, monkeypatch, fast):
    """The rows are written with the database's fastest means, or the portable one: the same rows."""
    from charter.lib import bulk

    monkeypatch.setattr(bulk, "FAST", fast)
    newcomer = banded
    before = Member.objects.get(pk=newcomer.pk).dues_paid_until
    imp = import_bank_statement(
        unit=cast.karachi, by=cast.bilal, data=csv_for(cast, newcomer), filename="march.csv"
    )
    rows = {r.line: r for r in imp.rows.all()}
    assert sorted(rows) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert [rows[i].state for i in (2, 3)] == ["matched", "matched"]
    assert {i: rows[i].why for i in (4, 5, 6, 7, 8, 9)} == {
        4: "ambiguous",
        5: "unmatched",
        6: "outside",
        7: "short",
        8: "debit",
        9: "no_band",
    }
    assert rows[3].amount == Decimal("1500.00") and rows[3].booked_on == dt.date(2026, 3, 2)
    assert (rows[2].payment.months, rows[3].payment.months) == (1, 5)  # each line its own payment
    assert rows[2].payment.member_id == newcomer.pk == rows[3].member_id
    assert rows[3].payment.amount == Decimal("1500.00") and rows[3].payment.paid_on == dt.date(2026, 3, 2)
    assert sorted(rows[4].candidates) == sorted([cast.alice.pk, cast.farhan.pk])
    assert rows[9].member_id == cast.farhan.pk and rows[9].payment is None
    assert {r.entry_index for r in rows.values()} == {imp.entry_index}
    newcomer.refresh_from_db()
    assert newcomer.dues_paid_until == dt.date(before.year, before.month + 6, before.day)
    assert DuesPayment.objects.filter(member=newcomer, entry_index=imp.entry_index).count() == 2
    entry = Entry.objects.get(index=imp.entry_index)
    assert entry.act == "import_bank_statement" and '"matched":2' in entry.body.replace(" ", "")
    assert "DUES" not in entry.body  # the payments' texts stay off the public record
    assert record.verify() is None
    assert not [p for p in problems() if "money." in p or "DuesPayment" in p]


def test_review_assigns_or_discards_each_line_once(cast, banded):
    imp = import_bank_statement(unit=cast.karachi, by=cast.bilal, data=csv_for(cast, banded))
    ambiguous = imp.rows.get(line=4)
    payment = assign_statement_row(ambiguous, member=cast.alice, by=cast.bilal)
    assert (
        payment.months == 6
        and payment.amount == Decimal("600.00")
        and payment.paid_on == dt.date(2026, 3, 3)
    )
    with pytest.raises(InvalidMoney):
        assign_statement_row(ambiguous, member=cast.alice, by=cast.bilal)  # already settled
    no_band = imp.rows.get(line=9)
    with pytest.raises(InvalidMoney) as exc:
        assign_statement_row(no_band, member=cast.farhan, by=cast.bilal)
    assert exc.value.field == "months"
    assign_statement_row(no_band, member=cast.farhan, by=cast.bilal, months=3)
    discard_statement_row(imp.rows.get(line=8), by=cast.bilal)
    states = dict(imp.rows.values_list("line", "state"))
    assert states[4] == states[9] == "assigned" and states[8] == "discarded"
    assert StatementRow.objects.filter(statement=imp).count() == 8  # nothing lost
    assert not [p for p in problems() if "money." in p or "DuesPayment" in p]


def test_review_refuses_a_member_outside_the_treasurers_unit(cast, banded):
    imp = import_bank_statement(unit=cast.karachi, by=cast.bilal, data=csv_for(cast, banded))
    outside = imp.rows.get(line=6)
    before = Member.objects.get(pk=cast.tariq.pk).dues_paid_until
    with pytest.raises(Refused) as exc:
        assign_statement_row(outside, member=cast.tariq, by=cast.bilal)
    assert exc.value.articles == ["3.6"]
    outside.refresh_from_db()
    assert (
        outside.state == "review" and Member.objects.get(pk=cast.tariq.pk).dues_paid_until == before
    )


def test_the_regional_secretary_imports_for_the_whole_region(cast, banded):
    imp = import_bank_statement(unit=cast.sindh, by=cast.rashid, data=csv_for(cast, banded))
    assert imp.rows.get(line=6).state == "matched"  # tariq is in Sindh


def test_an_ordinary_member_cannot_import_and_nothing_is_kept(cast, banded):
    with pytest.raises(Refused) as exc:
        import_bank_statement(unit=cast.karachi, by=cast.alice, data=csv_for(cast, banded))
    assert "not_office_holder" in {b.code for b in exc.value.breaches}
    assert not StatementImport.objects.exists() and not StatementRow.objects.exists()


def test_the_same_statement_is_not_imported_twice(cast, banded):
    data = csv_for(cast, banded)
    import_bank_statement(unit=cast.karachi, by=cast.bilal, data=data)
    with pytest.raises(InvalidMoney) as exc:
        import_bank_statement(unit=cast.karachi, by=cast.bilal, data=data)
    assert exc.value.field == "file"
    assert StatementImport.objects.count() == 1


@pytest.mark.parametrize(
    "data, line, column, words",
    [
        (b"", None, "", "empty"),
        (b"\xff\xfe\x00d\x00a", 1, "", "UTF-8"),
        (b"Date,Amount\n2026-01-01,100\n", 1, "text", "no text column"),
        (b"Date,Text,Amount\n2026-01-01,DUES,100\n2026-13-01,DUES,100\n", 3, "Date", "not a date"),
        (b"Date,Text,Amount\n2026-01-01,DUES,1O0\n", 2, "Amount", "not an amount"),
        (b"Date,Text,Amount\n2026-01-01,DUES,100,extra\n", 2, "", "4 fields"),
        (b"Date,Text,Amount\n", 2, "", "no payments"),
        (b'Date,Text,Amount\n2026-01-01,"DUES,100\n', 2, "", ""),
    ],
)
def test_a_bad_file_is_refused_with_its_line_and_column(data, line, column, words):
    with pytest.raises(statement.StatementError) as exc:
        statement.read(data)
    assert exc.value.line == line and exc.value.column == column
    assert words in exc.value.message


def test_a_bad_file_changes_nothing(cast, banded):
    before = Entry.objects.count()
    with pytest.raises(statement.StatementError):
        import_bank_statement(
            unit=cast.karachi, by=cast.bilal, data=b"Date,Text,Amount\n2026-01-01,DUES,abc\n"
        )
    assert Entry.objects.count() == before and not StatementImport.objects.exists()


@pytest.mark.parametrize(
    "text, found",
    [
        ("DUES WDA-000034", {"WDA-000034"}),
        ("wda 34 march", {"WDA-000034"}),
        ("WDA34/WDA-0035", {"WDA-000034", "WDA-000035"}),
        ("SWDA-000034 XWDA34", set()),
        ("WDA-0000341", {"WDA-000341"}),
        ("nothing here 34", set()),
    ],
)
def test_references_in_a_payments_text(text, found):
    assert statement.references(text, "WDA") == found


def test_a_lapsed_member_found_in_a_statement_is_restored(cast, banded, at):
    """A statement payment is a payment: it restores a lapsed membership within the window."""
    from charter.cli import _work

    newcomer = banded
    for day in ("2026-05-29", "2026-06-28", "2026-07-28", "2026-07-29"):
        at(f"{day}T08:00:00")
        _work(0.0, 1)
    newcomer.refresh_from_db()
    assert newcomer.status == Status.LAPSED
    at("2026-08-03T10:00:00")
    data = f"date,narrative,credit\n2026-08-01,{newcomer.number} arrears,2400\n".encode()
    import_bank_statement(unit=cast.karachi, by=cast.bilal, data=data)
    newcomer.refresh_from_db()
    assert newcomer.status == Status.MEMBER
    assert (
        Entry.objects.order_by("-index").first().act == "import_bank_statement"
        or Entry.objects.filter(act="reinstate_member").exists()
    )
