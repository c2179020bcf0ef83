"""A fund opened for a conference: its contributions are the money figures of the conference's
report (decision 0014), by region of the payer and by fund."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from charter.conferences import actions as conferences
from charter.conferences import queries as conference_queries
from charter.money import queries
from charter.money.actions import open_fund, receive_contribution
from charter.record.models import Entry
from charter.record.reconcile import problems
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference(cast, at):  # type: ignore[no-untyped-def]
    at("2026-02-01T10:00:00")
    cc = cast.bodies["cc"]
    present = [cast.sara, cast.zainab, *cast.cc_members]
    meeting = hold(cc, by=cast.sara, present=present)
    return conferences.convene_conference(
        decision=Decision(by=cast.sara, body=cc, meeting=meeting, votes=Votes(12, 0, 0)),
        kind="conference",
        title="National Conference",
        venue="City Hall",
        starts_on=dt.date(2026, 3, 7),
        ends_on=dt.date(2026, 3, 8),
        registration_closes_on=dt.date(2026, 3, 6),
        organizers=[cast.sara, cast.zainab],
    )


def test_a_fund_for_a_conference_counts_in_its_report(cast, conference, at, client):
    at("2026-03-07T12:00:00")
    appeal = open_fund(
        kind="appeal",
        unit=cast.sindh,
        title="Conference fighting fund",
        by=cast.rashid,
        conference=conference,
    )
    other = open_fund(kind="collection", unit=cast.karachi, title="May Day", by=cast.bilal)
    assert appeal.conference == conference and other.conference is None
    entry = Entry.objects.get(index=appeal.entry_index)
    assert json.loads(entry.body)["detail"]["conference"] == conference.pk
    receive_contribution(appeal, by=cast.bilal, amount="3000", method="cash", member=cast.alice)
    receive_contribution(appeal, by=cast.rashid, amount="1500", method="transfer", member=cast.tariq)
    receive_contribution(other, by=cast.bilal, amount="999", method="cash", member=cast.alice)

    figures = queries.report_figures(conference)
    assert figures == {
        "currency": "PKR",
        "total": Decimal("4500.00"),
        "by_region": [("Sindh", Decimal("4500.00"))],
        "appeals": [("Conference fighting fund", Decimal("4500.00"))],
    }
    assert conference_queries.report(conference).money == figures
    assert list(problems()) == []

    login_as(client, cast.alice)
    page = client.get(f"/conferences/{conference.pk}/report/").content.decode()
    assert "4,500.00 PKR" in page and "Collections are not kept" not in page
    assert "Conference fighting fund: 4,500.00" in page and "Sindh 4,500.00" in page
    fund_page = client.get(f"/money/funds/{appeal.pk}/").content.decode()
    assert f"/conferences/{conference.pk}/" in fund_page and "National Conference" in fund_page
    other_page = client.get(f"/money/funds/{other.pk}/").content.decode()
    assert f"/conferences/{conference.pk}/" not in other_page


def test_a_conference_without_funds_reports_nothing_received(cast, conference):
    figures = queries.report_figures(conference)
    assert (figures["total"], figures["by_region"], figures["appeals"]) == (Decimal("0.00"), [], [])
