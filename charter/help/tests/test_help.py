"""The help pages: one per role, reachable from every page's navigation, quoting the rulebook in force."""

from __future__ import annotations

import pytest

from charter.help.views import ROLES

pytestmark = pytest.mark.django_db


def test_every_role_has_a_help_page_linked_from_the_navigation(client, cast):
    index = client.get("/rules/").content.decode()
    assert 'href="/help/"' in index
    page = client.get("/help/").content.decode()
    for slug in ROLES:
        assert f'href="/help/{slug}/"' in page
        assert client.get(f"/help/{slug}/").status_code == 200, slug
    assert client.get("/help/nobody/").status_code == 404


def test_the_member_page_quotes_the_time_limits_and_articles_of_the_rules_in_force(client, cast):
    page = client.get("/help/member/").content.decode()
    assert "You then have 14 days to answer in writing (article 7.4)." in page
    assert (
        "you may appeal to the Control Commission within 30 days of receiving the decision (article 8.1)"
        in page
    )
    assert "Require the Control Commission to investigate (article 9.2)" in page
    assert (
        "within 30 days (article 8.1)" in client.get("/help/control-commission/").content.decode()
    )
