"""The election pages as members use them: open nominations, nominate, accept in writing, a refusal
shown with its article, bad input answered with a message, and the result with the count sheet and
the chart of how the votes moved."""

from __future__ import annotations

import pytest
from django.test import Client

from charter.elections.actions import (
    accept_nomination,
    close_nominations,
    nominate,
    open_nominations,
    put_to_ballot,
)
from charter.elections.models import Candidacy, Election
from charter.elections.tests.conftest import aggregate, attend, call, region_members
from charter.testing.web import login_as
from charter.voting.actions import cast_vote, close_poll, open_poll, publish_poll

pytestmark = pytest.mark.django_db


def test_nominations_through_the_pages(client, sindh):
    rc = sindh.bodies["rc"]
    meeting = call(aggregate(sindh), by=sindh.rashid, days=10, title="Aggregate")
    login_as(client, sindh.rashid)
    assert f"/bodies/{rc.pk}/elections/" in client.get(f"/bodies/{rc.pk}/").content.decode()
    page = client.get(f"/bodies/{rc.pk}/elections/").content.decode()
    assert "7 vacancies" in page and "Open nominations" in page
    r = client.post(f"/bodies/{rc.pk}/elections/open/", {"what": "", "meeting": meeting.pk})
    election = Election.objects.get(seat_body=rc)
    assert r.status_code == 302 and r["Location"] == f"/elections/{election.pk}/"
    told = client.post(f"/bodies/{rc.pk}/elections/open/", {"what": "no_such_office"})  # told next to the field, not a server error
    assert told.status_code == 400 and 'class="errorlist"' in told.content.decode()

    r = client.post(f"/elections/{election.pk}/nominate/", {"number": "no-such-number"})
    assert r.status_code == 400 and "No member has the number no-such-number" in r.content.decode()
    client.post(f"/elections/{election.pk}/nominate/", {"number": sindh.saima.number})
    candidacy = Candidacy.objects.get(election=election, member=sindh.saima)
    page = client.get(f"/elections/{election.pk}/").content.decode()
    assert "Saima Jatoi" in page and "1/2" in page

    other = login_as(Client(), sindh.alice)
    other.post(f"/elections/{election.pk}/candidates/{candidacy.pk}/second/")
    r = other.post(f"/elections/{election.pk}/candidates/{candidacy.pk}/accept/", {"statement": "She accepts."})
    assert r.status_code == 403 and "Article 5.2" in r.content.decode()
    assert other.post(f"/elections/{election.pk}/candidates/{candidacy.pk}/accept/", {"statement": ""}).status_code == 400

    saima = login_as(Client(), sindh.saima)
    assert "Accept the nomination" in saima.get(f"/elections/{election.pk}/").content.decode()
    saima.post(f"/elections/{election.pk}/candidates/{candidacy.pk}/accept/", {"statement": "I accept the nomination."})
    candidacy.refresh_from_db()
    assert candidacy.accepted
    outsider = login_as(Client(), sindh.sara)  # a Punjab member
    r = outsider.post(f"/elections/{election.pk}/nominate/", {"number": sindh.farhan.number})
    assert r.status_code == 403 and "Article 5.2" in r.content.decode()
    assert client.get("/elections/999999/").status_code == 404
    assert client.post(f"/elections/{election.pk}/ballot/", {"meeting": "x"}).status_code == 302  # message, no server error
    assert client.get(f"/elections/{election.pk}/results/").status_code == 404


def test_the_result_page_shows_the_count_sheet_and_the_chart(client, sindh):
    rc = sindh.bodies["rc"]
    members = region_members(sindh)
    meeting = call(aggregate(sindh), by=sindh.rashid, days=10)
    election = open_nominations(rc, by=sindh.rashid, meeting=meeting)
    candidates, others = members[:8], members[8:]
    for i, c in enumerate(candidates):
        nominate(election, candidate=c, by=others[i % len(others)])
        nominate(election, candidate=c, by=others[(i + 1) % len(others)])
        accept_nomination(Candidacy.objects.get(election=election, member=c), by=c, statement="I accept.")
    close_nominations(election, by=sindh.rashid)
    attend(meeting, by=sindh.rashid, present=members)
    poll = open_poll(put_to_ballot(election, by=sindh.rashid), by=sindh.rashid)
    for i, voter in enumerate(members):
        cast_vote(poll, voter=voter, vote=[1 + i % 3, 4 + i % 4, 8], idempotency_key="p")
    close_poll(poll, by=sindh.rashid)
    poll = publish_poll(poll, by=sindh.rashid)
    login_as(client, sindh.alice)
    page = client.get(f"/elections/{election.pk}/results/").content.decode()
    assert "Count sheet" in page and "How the votes moved between stages" in page
    assert page.count('class="bar-fill"') == 8 * len(poll.result["stages"]) and len(poll.result["stages"]) > 1
    assert "Seat the winners" in login_as(Client(), sindh.rashid).get(f"/elections/{election.pk}/").content.decode()
