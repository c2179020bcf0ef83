"""The demo's election helper runs a whole election through the actions."""

from __future__ import annotations

import pytest

from charter.elections.demo import run_election
from charter.elections.models import Election
from charter.elections.tests.conftest import region_members
from charter.org.models import Mandate

pytestmark = pytest.mark.django_db


def test_run_election_fills_the_free_seats(sindh):
    rc = sindh.bodies["rc"]
    members = region_members(sindh)
    election, mandates = run_election(rc, chair=sindh.rashid, candidates=members[:9], nominators=members[9:], present=members)
    assert election.state == Election.State.SEATED and election.poll.method == "scottish-stv"
    assert len(mandates) == 7 and {m.member for m in mandates} <= set(members[:9])
    assert Mandate.objects.current().seats().filter(body=rc).count() == 7
