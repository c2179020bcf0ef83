"""The pages as people use them: CSV exports, bad input, and a layout that fits a 360-pixel phone."""

from __future__ import annotations

import csv
import io
import re

import pytest

from charter.testing.web import login_as

pytestmark = pytest.mark.django_db


def rows_of(response):  # type: ignore[no-untyped-def]
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_export_has_one_line_per_month_with_the_pages_figures(story, client):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.sara)
    response = client.get("/dashboard/export.csv?months=12")
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    header, lines = rows[0], {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert header[:4] == ["Month", "members", "applied", "admitted"] and len(lines) == 12
    assert lines["2026-03"]["members"] == "34" and lines["2026-03"]["admitted"] == "1"
    assert lines["2026-05"]["missed"] == "1" and lines["2026-06"]["attendance"] == "73"


def test_the_list_behind_a_months_admissions_names_them_and_exports(story, client):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.rashid)
    sindh = story.cast.sindh.pk
    page = client.get(f"/dashboard/{sindh}/figures/admitted/?months=12&month=2026-05")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bano Rind" in html and "Asad Ali" not in html
    assert (
        f"/members/{story.bano.pk}/" in html and "/record/" in html
    )  # the member, and the act on the record
    rows = rows_of(client.get(f"/dashboard/{sindh}/figures/admitted.csv?months=12&month=2026-05"))
    assert rows[0] == ["Date", "Member", "Branch", "Record entry"] and len(rows) == 2
    assert rows[1][0] == "2026-05-28" and rows[1][1].startswith("Bano Rind")
    waiting = rows_of(
        client.get("/dashboard/figures/waiting.csv".replace("/dashboard/", f"/dashboard/{sindh}/"))
    )
    assert len(waiting) == 1  # Sindh's two applicants were decided; Chand waits in Punjab
    login_as(client, story.cast.sara)
    waiting = rows_of(client.get("/dashboard/figures/waiting.csv"))
    assert (
        [r[1] for r in waiting[1:]] == ["155"]
        and waiting[1][3].startswith("Chand Butt")
        and waiting[1][2] == "yes"
    )
    missed = rows_of(client.get("/dashboard/figures/missed.csv?months=12"))
    assert (
        len(missed) == 2 and missed[1][0] == "2026-05-28" and missed[1][3].startswith("Bano Rind")
    )


@pytest.mark.parametrize("query", ["?months=7", "?months=abc", "?month=2026-13", "?month=May"])
def test_bad_input_is_a_clear_400(story, client, query):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.sara)
    response = client.get(f"/dashboard/figures/admitted/{query}")
    assert response.status_code == 400 and b"month" in response.content


def test_an_unknown_figure_is_a_400(story, client):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.sara)
    assert client.get("/dashboard/figures/salaries/").status_code == 400


@pytest.mark.parametrize("who", ["sara", "alice"])
def test_pages_fit_a_phone(story, client, who):  # type: ignore[no-untyped-def]
    """Every table sits in a scrolling wrapper, charts are SVG sized by the page (viewBox, no fixed
    width), and there is no inline style or script for the Content Security Policy to refuse."""
    login_as(client, story.cast.people[who])
    pages = ["/dashboard/", "/dashboard/?months=60"]
    if who == "sara":
        pages += [
            f"/dashboard/{story.cast.sindh.pk}/",
            "/dashboard/figures/members/",
            "/dashboard/figures/seats/",
        ]
    for path in pages:
        html = client.get(path).content.decode()
        assert html.count("<table") == len(
            re.findall(r'<div class="table-wrap" tabindex="0">\s*<table', html)
        ), path
        assert "style=" not in html and "<style" not in html, path
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        for svg in re.findall(r"<svg[^>]*>", html):
            assert "viewBox" in svg and "width=" not in svg, path
    css = open("charter/static/dashboards/dashboards.css", encoding="utf-8").read()
    assert not re.search(
        r"(margin|padding|border)-(left|right)|\b(left|right):", css
    )  # logical properties only


def test_the_list_of_terms_expired_without_election(story, client, at):  # type: ignore[no-untyped-def]
    at("2027-02-01T09:00:00")
    login_as(client, story.cast.rashid)
    # Rashid's own term ran out with the others: he no longer sees Sindh's names.
    assert client.get(f"/dashboard/{story.cast.sindh.pk}/figures/terms_expired/").status_code == 404
    login_as(client, story.cast.sara)
    rows = rows_of(
        client.get(f"/dashboard/{story.cast.sindh.pk}/figures/terms_expired.csv?months=12")
    )
    # The Sindh Regional Committee's 7 seats and its Secretary, and Karachi Central's Branch
    # Secretary, ran out in January 2027; nobody was elected to them.
    assert len(rows) == 10 and {r[0][:7] for r in rows[1:]} == {"2027-01"}
    assert sorted(r[2] for r in rows[1:]).count("branch_secretary") == 1


def test_days_and_months_read_as_words_on_the_page_and_iso_in_the_csv(story, client):  # type: ignore[no-untyped-def]
    login_as(client, story.cast.sara)
    sindh = story.cast.sindh.pk
    page = client.get(f"/dashboard/{sindh}/figures/meetings/?months=12").content.decode()
    assert "16 June 2026" in page and "2026-06-16" not in page
    rows = rows_of(client.get(f"/dashboard/{sindh}/figures/meetings.csv?months=12"))
    assert "2026-06-16" in [r[0] for r in rows[1:]]
    board = client.get(f"/dashboard/{sindh}/?months=12").content.decode()
    assert "<th>March 2026</th>" in board and "<th>2026-03</th>" not in board
