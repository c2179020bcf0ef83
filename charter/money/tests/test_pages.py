"""The money pages and API, as a treasurer, a member and the Control Commission use them."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from charter.members.models import DuesPayment, Member
from charter.money.actions import assign_dues_band, open_fund, receive_contribution
from charter.money.models import Contribution, StatementImport
from charter.progress.background import QUEUE, run_queued
from charter.testing import web

pytestmark = pytest.mark.django_db


def login_as(client: Client, member: Member) -> Client:
    """Sign in as ``member`` (again, when they already have a sign-in)."""
    fresh = Member.objects.get(pk=member.pk)
    if fresh.user is not None:
        return web.login_user(client, fresh.user)
    return web.login_as(client, fresh)


@pytest.fixture
def banded(cast, bands, newcomer, at):  # type: ignore[no-untyped-def]
    at("2026-06-10T10:00:00")
    assign_dues_band(newcomer, band=bands["Middle"], by=cast.bilal)
    return newcomer


def test_a_member_sees_their_own_dues(cast, banded, client: Client):
    login_as(client, banded)
    page = client.get("/money/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Middle" in text and "1,200.00" in text  # four months owed at 300, grouped as the reader does
    assert client.get(f"/money/units/{cast.karachi.pk}/").status_code == 404  # not a treasurer


def test_the_treasurer_records_a_payment_by_form(cast, banded, client: Client):
    login_as(client, cast.bilal)
    page = client.get(f"/money/units/{cast.karachi.pk}/")
    assert page.status_code == 200 and banded.number in page.content.decode()
    bad = client.post(
        f"/money/units/{cast.karachi.pk}/pay/",
        {"number": "WDA-999999", "months": "2", "amount": "600"},
    )
    assert bad.status_code == 400 and "No member has the number" in bad.content.decode()
    bad = client.post(
        f"/money/units/{cast.karachi.pk}/pay/",
        {"number": banded.number, "months": "0", "amount": "600"},
    )
    assert bad.status_code == 400
    assert not DuesPayment.objects.filter(member=banded, entry_index__isnull=False).exists()
    ok = client.post(
        f"/money/units/{cast.karachi.pk}/pay/",
        {"number": banded.number, "months": "4", "amount": "1200"},
    )
    assert ok.status_code == 302
    assert DuesPayment.objects.filter(member=banded, months=4).exists()


def test_the_treasurer_is_refused_with_the_article_for_another_branch(cast, banded, client: Client):
    login_as(client, cast.bilal)
    assert client.get(f"/money/units/{cast.hyderabad.pk}/pay/").status_code == 404
    page = client.post(
        f"/money/units/{cast.karachi.pk}/pay/",
        {"number": cast.tariq.number, "months": "1", "amount": "300"},
    )
    assert page.status_code == 403 and "3.6" in page.content.decode()


def test_bulk_form(cast, banded, client: Client):
    login_as(client, cast.bilal)
    assert client.get(f"/money/units/{cast.karachi.pk}/bulk/").status_code == 200
    bad = client.post(f"/money/units/{cast.karachi.pk}/bulk/", {f"months-{banded.pk}": "lots"})
    assert bad.status_code == 400 and "1 to 120" in bad.content.decode()
    ok = client.post(
        f"/money/units/{cast.karachi.pk}/bulk/",
        {f"months-{banded.pk}": "4", "reference": "June meeting"},
    )
    assert ok.status_code == 302
    assert DuesPayment.objects.get(member=banded, reference="June meeting").amount == 1200


def test_import_and_review_pages(cast, banded, client: Client):
    login_as(client, cast.bilal)
    url = f"/money/units/{cast.karachi.pk}/import/"
    bad = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "bad.csv", b"Date,Text,Amount\n2026-06-01,DUES,100\n2026-06-31,DUES,1\n"
            )
        },
    )
    assert bad.status_code == 400
    assert "line 3, column Date" in bad.content.decode()
    assert not StatementImport.objects.exists()
    data = f"Date,Text,Amount\n2026-06-01,DUES {banded.number},600\n2026-06-02,UNKNOWN PAYER,300\n".encode()
    ok = client.post(url, {"file": SimpleUploadedFile("june.csv", data)})
    assert ok.status_code == 302 and "?operation=" in ok["Location"]  # the worker imports it
    assert not StatementImport.objects.exists()
    run_queued(queues=(QUEUE,))
    imp = StatementImport.objects.get()
    assert f"/money/statements/{imp.pk}/" in client.get(ok["Location"]).content.decode()
    review = client.get(f"/money/statements/{imp.pk}/")
    assert review.status_code == 200 and "UNKNOWN PAYER" in review.content.decode()
    assigned = client.post(
        f"/money/statements/{imp.pk}/lines/3/assign/", {"number": cast.alice.number, "months": "1"}
    )
    assert assigned.status_code == 302 and imp.rows.get(line=3).state == "assigned"
    again = client.post(f"/money/statements/{imp.pk}/lines/3/discard/")
    assert again.status_code == 302 and imp.rows.get(line=3).state == "assigned"
    login_as(client, cast.alice)
    assert client.get(f"/money/statements/{imp.pk}/").status_code == 404


def test_fund_receipt_and_accounts_pages(cast, banded, client: Client):
    fund = open_fund(
        kind="appeal", unit=cast.karachi, title="Hardship fund", target="10000", by=cast.bilal
    )
    login_as(client, cast.alice)
    page = client.get(f"/money/funds/{fund.pk}/")
    assert page.status_code == 200 and "Hardship fund" in page.content.decode()
    assert client.post(f"/money/funds/{fund.pk}/pledge/", {"amount": "-1"}).status_code == 400
    assert client.post(f"/money/funds/{fund.pk}/pledge/", {"amount": "500"}).status_code == 302
    refused = client.post(
        f"/money/funds/{fund.pk}/receive/",
        {"number": cast.alice.number, "amount": "500", "method": "cash"},
    )
    assert refused.status_code == 403
    assert not Contribution.objects.exists()
    login_as(client, cast.bilal)
    done = client.post(
        f"/money/funds/{fund.pk}/receive/",
        {"number": cast.alice.number, "amount": "500", "method": "cash"},
    )
    assert done.status_code == 302
    c = Contribution.objects.get()
    receipt = client.get(done["Location"])
    assert receipt.status_code == 200 and c.receipt_number in receipt.content.decode()
    login_as(client, cast.alice)
    assert client.get(f"/money/receipts/{c.pk}/").status_code == 200  # her own receipt
    login_as(client, cast.farhan)
    assert client.get(f"/money/receipts/{c.pk}/").status_code == 404
    assert client.get(f"/money/units/{cast.karachi.pk}/accounts/2026/").status_code == 404


def test_the_control_commission_sees_the_yearly_statement(cast, banded, client: Client):
    fund = open_fund(kind="collection", unit=cast.karachi, title="June collection", by=cast.bilal)
    receive_contribution(fund, by=cast.bilal, amount="750", method="cash", payer="Visitors")
    login_as(client, cast.imran)
    page = client.get(f"/money/units/{cast.section.pk}/accounts/2026/")
    assert page.status_code == 200 and "Control Commission" in page.content.decode()
    csv = client.get(f"/money/units/{cast.section.pk}/accounts/2026.csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "fund,June collection,0.00,750.00,0.00,750.00" in csv.content.decode()
    api = client.get(f"/api/money/units/{cast.section.pk}/accounts/2026")
    assert (
        api.status_code == 200
        and api.json()["totals"]["collection"] == "750.00"
        and api.json()["audited_by"] == "control_commission"
    )
    login_as(client, cast.bilal)  # a branch secretary sees only their branch
    assert client.get(f"/money/units/{cast.section.pk}/accounts/2026/").status_code == 404
    assert client.get(f"/money/units/{cast.karachi.pk}/accounts/2026/").status_code == 200


def test_api_payments_statements_and_funds(cast, banded, client: Client):
    login_as(client, cast.bilal)
    post = lambda url, body: client.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    bad = post("/api/money/payments", {"number": "nobody", "months": 1, "amount": "300"})
    assert bad.status_code == 400 and bad.json()["field"] == "number"
    refused = post(
        "/api/money/payments", {"number": cast.tariq.number, "months": 1, "amount": "300"}
    )
    assert refused.status_code == 403 and refused.json()["articles"] == ["3.6"]
    ok = post("/api/money/payments", {"number": banded.number, "months": 4, "amount": "1200"})
    assert ok.status_code == 201 and ok.json()["in_good_standing"] is True
    bulk = post(
        "/api/money/payments/bulk",
        {"payments": [{"number": cast.alice.number, "months": 0, "amount": "100"}]},
    )
    assert bulk.status_code == 400 and bulk.json()["field"] == "payments[0].months"
    up = client.post(
        f"/api/money/units/{cast.karachi.pk}/statements",
        {"file": SimpleUploadedFile("s.csv", b"Date,Text,Amount\nyesterday,DUES,100\n")},
    )
    assert up.status_code == 400 and up.json()["line"] == 2 and up.json()["column"] == "Date"
    up = client.post(
        f"/api/money/units/{cast.karachi.pk}/statements",
        {
            "file": SimpleUploadedFile(
                "s.csv",
                f"Date,Text,Amount\n2026-06-09,{banded.number},300\n2026-06-09,??,5\n".encode(),
            )
        },
    )
    assert up.status_code == 201 and up.json()["counts"] == {"matched": 1, "review": 1}
    sid = up.json()["id"]
    assert post(f"/api/money/statements/{sid}/lines/3/discard", {}).json()["counts"] == {
        "matched": 1,
        "discarded": 1,
    }
    fund = post(
        "/api/money/funds",
        {"kind": "appeal", "unit_id": cast.karachi.pk, "title": "Strike fund", "target": "5000"},
    )
    assert fund.status_code == 201
    fid = fund.json()["id"]
    got = post(
        f"/api/money/funds/{fid}/contributions",
        {"amount": "200", "method": "transfer", "number": cast.alice.number},
    )
    assert got.status_code == 201 and got.json()["receipt_number"].startswith("R-2026-")
    assert (
        post(
            f"/api/money/funds/{fid}/contributions",
            {"amount": "200", "method": "barter", "payer": "X"},
        ).json()["field"]
        == "method"
    )
    totals = client.get(f"/api/money/funds/{fid}").json()
    assert totals["received"] == "200.00" and totals["by_region"][0]["name"] == "Sindh"
    assert "/api/money/funds/{fund_id}" in client.get("/api/openapi.json").json()["paths"]
    assert Member.objects.get(pk=banded.pk).dues_paid_until is not None


def test_who_gave_is_seen_by_the_treasurer_of_the_unit_only(cast, banded, client: Client):
    fund = open_fund(kind="appeal", unit=cast.sindh, title="Sindh fund", by=cast.rashid)
    receive_contribution(fund, by=cast.rashid, amount="100", method="cash", member=cast.tariq)
    receive_contribution(fund, by=cast.bilal, amount="200", method="cash", member=cast.alice)
    login_as(client, cast.bilal)
    page = client.get(f"/money/funds/{fund.pk}/").content.decode()
    assert cast.alice.name in page and cast.tariq.name not in page
    login_as(client, cast.farhan)
    page = client.get(f"/money/funds/{fund.pk}/").content.decode()
    assert cast.alice.name not in page and "300.00" in page
    login_as(client, cast.imran)
    page = client.get(f"/money/funds/{fund.pk}/").content.decode()
    assert cast.alice.name in page and cast.tariq.name in page
