"""The dashboard's API: the page's figures as JSON, for the same people, over the same role matrix."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from charter.dashboards.queries import COLUMNS
from charter.dashboards.tests.test_who_sees_what import MATRIX, units
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db


def api_url(unit, suffix=""):  # type: ignore[no-untyped-def]
    return f"/api/dashboard{suffix}" if unit is None else f"/api/dashboard/units/{unit.pk}{suffix}"


@pytest.mark.parametrize("person", sorted(MATRIX))
def test_role_matrix(cast, client, person):  # type: ignore[no-untyped-def]
    """A branch secretary reads their branch, a regional committee its region, the Central
    Committee and the Commission everything; every member the whole organization without names."""
    login_as(client, cast.people[person])
    for unit, expected in zip(units(cast), MATRIX[person], strict=True):
        answer = client.get(api_url(unit))
        names = client.get(api_url(unit, "/figures/members"))
        where = f"{person} at {unit or 'top'}"
        if expected == 404:
            assert (answer.status_code, names.status_code) == (404, 404), where
            assert "detail" in answer.json(), where
            continue
        assert answer.status_code == 200, where
        body = answer.json()
        assert body["named"] is (expected == "named"), where
        if expected == "named":
            assert names.status_code == 200 and "members" in body["figures"], where
            assert any(
                "Alice Baloch" in row[0]["text"] for row in names.json()["rows"]
            ) or unit in (
                cast.hyderabad,
                units(cast)[-1],
            ), where
        else:
            assert names.status_code == 404 and body["figures"] == [], where
            text = answer.content.decode()
            assert "Alice Baloch" not in text and "Rashid Soomro" not in text, where
            assert "/members/" not in text, where


def test_someone_without_a_membership_and_a_visitor_get_nothing(cast, client):  # type: ignore[no-untyped-def]
    from charter.accounts.models import User

    assert Client().get("/api/dashboard").status_code == 401
    client.force_login(User.objects.create_user("nadia", password="a-long-test-password-1"))
    assert client.get("/api/dashboard").status_code == 404
    assert client.get(api_url(cast.sindh)).status_code == 404


def test_every_figure_of_the_page(story, client):  # type: ignore[no-untyped-def]
    """The monthly table is the CSV export's, measure by measure; the figures about now are the
    story's (Chand waits 155 days, beyond the 60 the rules allow)."""
    login_as(client, story.cast.sara)
    body = client.get("/api/dashboard?months=12").json()
    export = b"".join(client.get("/dashboard/export.csv?months=12").streaming_content)
    rows = list(csv.reader(io.StringIO(export.decode().lstrip("\ufeff"))))
    assert [m["month"] for m in body["months"]] == [r[0] for r in rows[1:]]
    for line, month in zip(rows[1:], body["months"], strict=True):
        assert [str(month[c[0]]) for c in COLUMNS] == line[1:]
    months = {m["month"]: m for m in body["months"]}
    assert (months["2026-03"]["members"], months["2026-03"]["admitted"]) == (34, 1)
    assert months["2026-06"]["attendance"] == 73 and months["2026-05"]["missed"] == 1
    now = body["now"]
    assert (now["waiting"], now["waiting_longest_days"], now["waiting_beyond_limit"]) == (1, 155, 1)
    assert now["members"] == body["months"][-1]["members"]
    assert now["overdue"] == now["overdue_cases"] + now["overdue_initiatives"] + 1
    assert body["rules"]["within_days"] == 60 and body["period_months"] == 12
    assert {c["name"] for c in body["children"]} == {"Sindh", "Punjab"} or body["children"]
    assert body["seats_by_kind"] and all(
        k["total"] == k["elected"] + k["co_opted"] + k["appointed"] for k in body["seats_by_kind"]
    )


def test_the_list_behind_a_months_admissions(story, client):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.rashid)
    sindh = story.cast.sindh.pk
    answer = client.get(f"/api/dashboard/units/{sindh}/figures/admitted?months=12&month=2026-05")
    assert answer.status_code == 200
    body = answer.json()
    assert (
        body["headers"] == ["Date", "Member", "Branch", "Record entry"] and len(body["rows"]) == 1
    )
    date, member, _branch, entry = body["rows"][0]
    assert date["text"] == "2026-05-28" and member["text"].startswith("Bano Rind")
    assert member["link"] == f"/members/{story.bano.pk}/" and entry["link"].startswith("/record/")
    assert body["month"] == "2026-05" and body["more"] is False


def test_a_long_list_comes_in_pages(story, client):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.sara)
    first = client.get("/api/dashboard/figures/members?limit=5").json()
    second = client.get("/api/dashboard/figures/members?limit=5&offset=5").json()
    assert len(first["rows"]) == 5 and first["more"] is True and second["offset"] == 5
    assert not {json.dumps(r) for r in first["rows"]} & {json.dumps(r) for r in second["rows"]}


@pytest.mark.parametrize(
    "path, field",
    [
        ("/api/dashboard?months=7", "months"),
        ("/api/dashboard?months=abc", "months"),
        ("/api/dashboard/figures/members?month=2026-13", "month"),
        ("/api/dashboard/figures/members?month=May", "month"),
        ("/api/dashboard/figures/members?limit=0", "limit"),
        ("/api/dashboard/figures/salaries", "key"),
        ("/api/dashboard/units/99999999999999999999999", "unit_id"),
    ],
)
def test_bad_input_is_a_clear_4xx_naming_the_field(story, client, path, field):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.sara)
    answer = client.get(path)
    assert answer.status_code == 422, answer.content
    assert any(field in e["where"] for e in answer.json()["errors"])


def test_an_unknown_unit_is_a_404(story, client):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.sara)
    assert client.get("/api/dashboard/units/987654").status_code == 404
