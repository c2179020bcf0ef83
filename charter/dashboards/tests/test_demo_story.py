"""The demo's dashboard tells scenario 6: Balochistan gone quiet, Punjab growing (a small demo,
loaded once through the actions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from charter.dashboards.queries import dashboard
from charter.demo import NOW
from charter.org.models import Unit

pytestmark = [pytest.mark.slow, pytest.mark.demo, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict]:
    from charter.demo import load

    with django_db_blocker.unblock():
        summary = load(members_target=300)
    yield summary
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def region(name: str):  # type: ignore[no-untyped-def]
    return Unit.objects.get(level="region", name=name)


def test_the_quiet_region(demo):  # type: ignore[no-untyped-def]
    d = dashboard(region("Balochistan"), today=NOW.date(), months=24)
    m, now = d.monthly, d.now
    # Every branch silent for 60 days; attendance fell off before they stopped.
    assert now["quiet"] == now["branches"] > 0
    assert m["meetings"][-1] == m["meetings"][-2] == 0 or sum(m["meetings"][-3:]) < sum(
        m["meetings"][-15:-12]
    )
    # Recruitment stalled; applications left waiting beyond the 60 days, others decided too late.
    assert sum(m["admitted"][-6:]) <= 3 and now["waiting_beyond"] >= 1
    assert sum(m["missed_admissions"]) >= 1
    # Co-option rather than election; Branch Secretaries' terms ran out with no election.
    assert sum(m["seats_co_opted"]) >= 1 and now["terms_expired"] >= 1
    # The committee let an initiative's deadline pass.
    assert sum(m["missed_initiatives"]) == 1
    # Members lapse faster than elsewhere; the other regions still meet.
    sindh = dashboard(region("Sindh"), today=NOW.date(), months=24)
    assert (
        sum(m["lapsed"]) / m["members"][0]
        > sum(sindh.monthly["lapsed"]) / sindh.monthly["members"][0]
    )
    assert (
        sindh.now["quiet"] < sindh.now["branches"] and sum(sindh.monthly["missed_initiatives"]) == 0
    )


def test_the_growing_region(demo):  # type: ignore[no-untyped-def]
    punjab = dashboard(region("Punjab"), today=NOW.date(), months=24)
    baloch = dashboard(region("Balochistan"), today=NOW.date(), months=24)
    assert punjab.monthly["members"][-1] > punjab.monthly["members"][0]
    grew = punjab.monthly["members"][-1] / punjab.monthly["members"][0]
    shrank = baloch.monthly["members"][-1] / baloch.monthly["members"][0]
    assert grew > 1.1 and shrank < grew
    assert sum(punjab.monthly["admitted"][-12:]) > sum(punjab.monthly["admitted"][:12])
    assert punjab.now["quiet"] == 0


def test_the_story_on_the_page(demo, client):  # type: ignore[no-untyped-def]
    from charter.accounts.models import User
    from charter.testing.web import login_user

    login_user(
        client, User.objects.get(username="cc")
    )  # a Central Committee member, past the second factor
    response = client.get(f"/dashboard/{region('Balochistan').pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Revive the Balochistan branches" not in page or "/initiatives/" in page
    assert page.count("<svg") == 8
