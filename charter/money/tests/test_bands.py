"""Dues bands are set by the body the rulebook names (the Congress, WDA 10.1); members are placed
in a band by the officer who keeps their unit's accounts; arrears are counted in money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.money import queries
from charter.money.actions import InvalidMoney, assign_dues_band, band_of, set_dues_bands
from charter.money.models import BandAssignment, DuesBand
from charter.money.tests.conftest import congress_sets_bands
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def test_the_congress_sets_the_bands_at_its_meeting(cast, bands):
    assert [(b.name, b.monthly) for b in queries.bands()] == [
        ("Low", Decimal("100.00")),
        ("Middle", Decimal("300.00")),
        ("High", Decimal("800.00")),
    ]
    entry = Entry.objects.get(index=bands["Low"].entry_index)
    assert entry.act == "set_dues_bands" and '"10.1"' in entry.body
    assert record.verify() is None


def test_the_central_committee_cannot_set_the_bands(cast, at):
    at("2026-02-01T10:00:00")
    cc = cast.bodies["cc"]
    members = list(
        Member.objects.filter(
            mandates__body=cc, mandates__office="", mandates__ended_on__isnull=True
        )
    )
    meeting = hold(cc, by=cast.sara, present=members, notice_days=15)
    with pytest.raises(Refused) as exc:
        set_dues_bands(
            bands=[{"name": "Flat", "monthly": "100"}],
            decision=Decision(by=cast.sara, body=cc, meeting=meeting, votes=Votes(15, 0, 0)),
        )
    assert "body_lacks_power" in {b.code for b in exc.value.breaches}
    assert "10.1" in exc.value.articles
    assert not DuesBand.objects.exists()
    assert Entry.objects.order_by("-index").first().outcome == "refused"


def test_a_new_decision_replaces_the_bands_and_keeps_members_in_place(cast, bands, at):
    assign_dues_band(cast.alice, band=bands["Middle"], by=cast.bilal)
    at("2026-06-01T10:00:00")
    new = congress_sets_bands(
        cast,
        [
            {"name": "Low", "income_from": "0", "income_to": "25000", "monthly": "120"},
            {"name": "Middle", "income_from": "25000", "income_to": "70000", "monthly": "350"},
            {"name": "High", "income_from": "70000", "monthly": "900"},
        ],
    )
    assert [b.monthly for b in queries.bands()] == [
        Decimal("120.00"),
        Decimal("350.00"),
        Decimal("900.00"),
    ]
    assert band_of(cast.alice) == new[1]
    assert DuesBand.objects.filter(until__isnull=False).count() == 3


@pytest.mark.parametrize(
    "bad, field",
    [
        ([], "bands"),
        ([{"name": "", "monthly": "100"}], "bands[0].name"),
        ([{"name": "A", "monthly": "0"}], "bands[0].monthly"),
        ([{"name": "A", "monthly": "abc"}], "bands[0].monthly"),
        (
            [{"name": "A", "income_from": "100", "income_to": "50", "monthly": "10"}],
            "bands[0].income_to",
        ),
        (
            [
                {"name": "A", "income_from": "0", "income_to": "500", "monthly": "10"},
                {"name": "B", "income_from": "400", "monthly": "20"},
            ],
            "bands",
        ),
    ],
)
def test_bad_bands_are_refused_naming_the_field(cast, at, bad, field):
    at("2026-02-01T10:00:00")
    before = Entry.objects.count()
    congress = cast.body("congress")
    with pytest.raises(InvalidMoney) as exc:
        set_dues_bands(
            bands=bad,
            decision=Decision(
                by=cast.alice, body=congress, meeting=Meeting.objects.first(), votes=Votes(1, 0, 0)
            ),
        )
    assert exc.value.field == field
    assert Entry.objects.count() == before


def test_arrears_in_months_and_money(cast, bands, newcomer, at):
    assign_dues_band(newcomer, band=bands["Middle"], by=cast.bilal)
    at("2026-07-01T10:00:00")
    a = queries.arrears_of(Member.objects.get(pk=newcomer.pk))
    assert (a.band, a.months, a.owed, a.in_good_standing) == (
        "Middle",
        5,
        Decimal("1500.00"),
        False,
    )
    rows = {r.member.pk: r for r in queries.arrears(cast.karachi, only_behind=True)}
    assert newcomer.pk in rows and cast.alice.pk not in rows


def test_only_the_branchs_own_secretary_places_a_member_in_a_band(cast, bands):
    with pytest.raises(Refused) as exc:
        assign_dues_band(cast.tariq, band=bands["Low"], by=cast.bilal)
    assert exc.value.articles == ["3.6"]
    with pytest.raises(Refused):
        assign_dues_band(cast.alice, band=bands["Low"], by=cast.alice)
    assert not BandAssignment.objects.exists()
    assign_dues_band(cast.tariq, band=bands["Low"], by=cast.rashid)
    assert band_of(cast.tariq) == bands["Low"]
