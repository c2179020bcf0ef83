"""Who sees which dashboard, with or without names: a role matrix over the documented cast."""

from __future__ import annotations

import pytest
from django.test import Client

from charter.accounts.models import User
from charter.org.models import Unit
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db

# person -> units whose dashboards they open: "named" (with the lists), "plain" (figures only), 404.
MATRIX = {
    #          top      Sindh    Karachi area  Karachi Central  Hyderabad City  Punjab
    "alice": ("plain", 404, 404, 404, 404, 404),
    "farhan": ("plain", 404, 404, 404, 404, 404),
    "bilal": ("plain", 404, 404, "named", 404, 404),
    "rashid": ("plain", "named", "named", "named", "named", 404),
    "saima": ("plain", "named", "named", "named", "named", 404),
    "sara": ("named", "named", "named", "named", "named", "named"),
    "zainab": ("named", "named", "named", "named", "named", "named"),
    "imran": ("named", "named", "named", "named", "named", "named"),
}


def units(cast):  # type: ignore[no-untyped-def]
    return [
        None,
        cast.sindh,
        cast.area,
        cast.karachi,
        cast.hyderabad,
        Unit.objects.get(name="Punjab"),
    ]


def url(unit, suffix=""):  # type: ignore[no-untyped-def]
    return f"/dashboard/{suffix}" if unit is None else f"/dashboard/{unit.pk}/{suffix}"


@pytest.mark.parametrize("person", sorted(MATRIX))
def test_role_matrix(cast, client, person):  # type: ignore[no-untyped-def]
    login_as(client, cast.people[person])
    for unit, expected in zip(units(cast), MATRIX[person], strict=True):
        page = client.get(url(unit))
        lists = client.get(url(unit, "figures/members/"))
        csv_list = client.get(url(unit, "figures/members.csv"))
        export = client.get(url(unit, "export.csv"))
        where = f"{person} at {unit or 'top'}"
        if expected == 404:
            assert (
                page.status_code,
                lists.status_code,
                csv_list.status_code,
                export.status_code,
            ) == (404, 404, 404, 404), where
            continue
        assert page.status_code == 200 and export.status_code == 200, where
        html = page.content.decode()
        if expected == "named":
            assert lists.status_code == 200 and csv_list.status_code == 200, where
            assert "/figures/members/" in html, where
        else:
            # Figures without names: no lists, no links to them, no member's name on the page.
            assert lists.status_code == 404 and csv_list.status_code == 404, where
            assert "/figures/" not in html and "/members/" not in html, where
            assert "Alice Baloch" not in html and "Rashid Soomro" not in html, where


def test_a_member_of_another_region_sees_no_names_there(cast, client):  # type: ignore[no-untyped-def]
    login_as(client, cast.alice)
    page = client.get("/dashboard/")
    assert "Karachi Member 1" not in page.content.decode()


def test_someone_without_a_membership_sees_nothing(cast, client):  # type: ignore[no-untyped-def]
    user = User.objects.create_user("nadia", password="a-long-test-password-1")
    client.force_login(user)
    assert client.get("/dashboard/").status_code == 404
    assert client.get(url(cast.sindh)).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(cast):  # type: ignore[no-untyped-def]
    response = Client().get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_names_behind_a_figure_are_only_those_in_the_viewers_units(cast, client):  # type: ignore[no-untyped-def]
    login_as(client, cast.bilal)
    body = b"".join(client.get(url(cast.karachi, "figures/members.csv")).streaming_content).decode()
    assert "Alice Baloch" in body and "Rashid Soomro" not in body  # Rashid is in Hyderabad City
