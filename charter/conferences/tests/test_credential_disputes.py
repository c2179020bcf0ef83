"""A dispute over credentials: a participant registered with a vote disputes another's in writing,
with grounds; the credentials are then in question (the vote kept) until the body the rules name
decides at its meeting. The record says a dispute was raised, not why; the disputed member and the
deciding body are told, with the grounds."""

from __future__ import annotations

import pytest

from charter.conferences import actions, queries
from charter.conferences.models import CredentialDispute, Participant
from charter.conferences.tests.conftest import cc_decision
from charter.lib.errors import InvalidInput
from charter.notices.models import Notice
from charter.record import audit
from charter.record.models import Entry
from charter.rulebook.enforce import Refused
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db

GROUNDS = "She was registered by her branch after its meeting had closed the list."


def test_a_voting_participant_disputes_and_the_cc_decides(cast, conference):
    alice = actions.register_for_conference(conference, by=cast.alice)
    farhan = actions.register_for_conference(conference, by=cast.farhan)
    row = actions.dispute_credentials(alice, by=farhan, grounds=GROUNDS)
    alice.refresh_from_db()
    # in question, and still voting until the decision
    assert (alice.credentials, alice.has_vote) == ("disputed", True)
    assert queries.voters(conference).filter(pk=alice.pk).exists()
    entry = Entry.objects.get(index=row.entry_index)
    assert (entry.act, entry.outcome) == ("dispute_credentials", "done")
    assert (
        GROUNDS not in entry.body and "branch" not in entry.body
    )  # the grounds stay off the record
    # Alice is told, with the grounds and who decides; the CC's members are told too.
    told = Notice.objects.filter(kind="credentials_disputed", member=cast.alice)
    assert sorted(n.channel for n in told) == ["email", "inbox"]
    assert all(
        GROUNDS in n.body and "Central Committee" in n.body and "6.1" in n.body for n in told
    )
    cc = Notice.objects.filter(kind="credentials_disputed", channel="inbox").exclude(
        member=cast.alice
    )
    assert {n.member_id for n in cc} >= {cast.sara.pk, cast.zainab.pk}
    assert all(alice.code in n.body for n in cc)

    # A second dispute while the first is open is bad input, not a second row.
    with pytest.raises(InvalidInput):
        actions.dispute_credentials(alice, by=farhan, grounds="Again.")
    assert CredentialDispute.objects.count() == 1

    # The CC decides at its meeting, with reasons: rejected, the vote goes.
    actions.decide_credentials(
        alice, decision=cc_decision(cast, reasons="Registered after the list closed."), accept=False
    )
    alice.refresh_from_db()
    assert (alice.credentials, alice.has_vote) == ("rejected", False)
    assert audit.verify() is None


def test_grounds_are_required_and_nobody_disputes_their_own(cast, conference):
    alice = actions.register_for_conference(conference, by=cast.alice)
    farhan = actions.register_for_conference(conference, by=cast.farhan)
    before = Entry.objects.count()
    with pytest.raises(InvalidInput) as empty:
        actions.dispute_credentials(alice, by=farhan, grounds="   ")
    assert str(empty.value).startswith("grounds:")
    with pytest.raises(InvalidInput):
        actions.dispute_credentials(alice, by=farhan, grounds="x" * (actions.GROUNDS_MAX + 1))
    with pytest.raises(InvalidInput):
        actions.dispute_credentials(farhan, by=farhan, grounds=GROUNDS)
    alice.refresh_from_db()
    assert alice.credentials == "accepted" and Entry.objects.count() == before


def test_without_a_vote_one_cannot_dispute(cast, congress):
    # At a Congress, members who register have no vote: the rules refuse them, with the article.
    farhan = actions.register_for_conference(congress, by=cast.farhan)
    saima = actions.register_for_conference(congress, by=cast.saima)
    assert not farhan.has_vote
    with pytest.raises(Refused) as refused:
        actions.dispute_credentials(saima, by=farhan, grounds=GROUNDS)
    assert [b.code for b in refused.value.breaches] == ["not_registered_with_vote"]
    assert refused.value.articles == ["6.1"]
    saima.refresh_from_db()
    assert saima.credentials == "accepted" and not CredentialDispute.objects.exists()
    # An observer is not a member: no dispute either.
    observer = actions.register_observer(congress, by=cast.sara, name="A journalist")
    with pytest.raises(InvalidInput):
        actions.dispute_credentials(saima, by=observer, grounds=GROUNDS)


def test_from_the_page_a_participant_disputes_and_only_the_deciders_read_why(
    cast, client, conference
):
    alice = actions.register_for_conference(conference, by=cast.alice)
    actions.register_for_conference(conference, by=cast.farhan)
    login_as(client, cast.farhan)
    url = f"/conferences/{conference.pk}/credentials/"
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and 'value="dispute"' in text
    assert "Record the decision" not in text  # the decision form is the deciders'
    # without grounds: the error next to the field, nothing lost
    bad = client.post(url, {"form": "dispute", "d-code": alice.code, "d-grounds": ""})
    assert bad.status_code == 400 and "grounds" in bad.context["dispute"].errors
    assert bad.context["dispute"]["code"].value() == alice.code
    unknown = client.post(url, {"form": "dispute", "d-code": "NOSUCH", "d-grounds": GROUNDS})
    assert unknown.status_code == 400 and "code" in unknown.context["dispute"].errors
    done = client.post(url, {"form": "dispute", "d-code": alice.code.lower(), "d-grounds": GROUNDS})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.credentials == "disputed"
    text = client.get(url).content.decode()
    assert cast.alice.name in text and GROUNDS not in text
    # The CC's members read the grounds and who raised them, and decide.
    login_as(client, cast.zainab)
    text = client.get(url).content.decode()
    assert GROUNDS in text and cast.farhan.name in text and "Record the decision" in text
    # a member registered nowhere does not see the page
    login_as(client, cast.tariq)
    assert client.get(url).status_code == 404


def test_the_api_takes_a_dispute(cast, client, conference):
    alice = actions.register_for_conference(conference, by=cast.alice)
    actions.register_for_conference(conference, by=cast.farhan)
    login_as(client, cast.farhan)
    url = f"/api/conferences/{conference.pk}/participants/{alice.pk}/disputes"
    response = client.post(url, {"grounds": GROUNDS}, content_type="application/json")
    assert response.status_code == 201 and response.json()["credentials"] == "disputed"
    again = client.post(url, {"grounds": GROUNDS}, content_type="application/json")
    assert again.status_code == 400 and "already" in again.json()["detail"]
    login_as(client, cast.tariq)  # not registered
    response = client.post(url, {"grounds": GROUNDS}, content_type="application/json")
    assert response.status_code == 400
    assert Participant.objects.get(pk=alice.pk).credentials == "disputed"
