from __future__ import annotations

import datetime as dt

import pytest

from charter.conferences import actions
from charter.conferences.models import Conference, CredentialDecision, Participant
from charter.conferences.tests.conftest import cc_decision
from charter.members.models import Member
from charter.org.models import Body, Mandate
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused
from charter.testing.meetings import hold


def branch_meeting(cast):  # type: ignore[no-untyped-def]
    body = Body.objects.get(kind="branch_meeting", unit=cast.karachi)
    present = list(Member.objects.filter(branch=cast.karachi))
    return Decision(
        by=cast.bilal,
        body=body,
        meeting=hold(body, by=cast.bilal, present=present, notice_days=8),
        votes=J.Votes(8, 1, 0),
    )


def test_a_branch_meeting_elects_its_delegate_within_its_allocation(cast, congress):
    decision = branch_meeting(cast)
    assert congress.allocations.get(unit=cast.karachi).delegates == 1
    delegate = actions.elect_delegate(
        congress, cast.alice, decision=decision, count_method="irv", seats_in_election=1
    )
    assert (delegate.category, delegate.has_vote) == ("delegate", True)
    seat = Mandate.objects.get(member=cast.alice, body=congress.body)
    assert seat.expires_on == congress.ends_on and seat.decided_by == decision.body
    with pytest.raises(Refused) as refused:
        actions.elect_delegate(
            congress, cast.farhan, decision=decision, count_method="irv", seats_in_election=1
        )
    assert refused.value.articles == ["3.1"]
    assert [b.code for b in refused.value.breaches] == ["no_delegate_place"]
    assert not Participant.objects.filter(conference=congress, member=cast.farhan).exists()


def test_another_branch_cannot_elect_karachis_members(cast, congress):
    body = Body.objects.get(kind="branch_meeting", unit=cast.hyderabad)
    present = list(Member.objects.filter(branch=cast.hyderabad))
    decision = Decision(
        by=cast.rashid,
        body=body,
        meeting=hold(body, by=cast.rashid, present=present, notice_days=8),
        votes=J.Votes(5, 0, 0),
    )
    with pytest.raises(Refused):
        actions.elect_delegate(
            congress, cast.alice, decision=decision, count_method="irv", seats_in_election=1
        )


def test_at_a_congress_members_who_register_have_no_vote(cast, congress):
    p = actions.register_for_conference(congress, by=cast.farhan)
    assert (p.category, p.has_vote) == ("member", False)


def test_a_credentials_dispute_is_decided_by_the_cc_at_a_meeting(cast, congress):
    delegate = actions.elect_delegate(
        congress, cast.alice, decision=branch_meeting(cast), count_method="irv", seats_in_election=1
    )
    with pytest.raises(Refused) as refused:  # the branch meeting has no such power
        actions.decide_credentials(delegate, decision=branch_meeting(cast), accept=False)
    assert "body_lacks_power" in [b.code for b in refused.value.breaches]
    decision = cc_decision(cast)
    decision = Decision(
        by=decision.by,
        body=decision.body,
        meeting=decision.meeting,
        votes=decision.votes,
        reasons="Elected at a meeting without quorum",
    )
    row = actions.decide_credentials(delegate, decision=decision, accept=False)
    delegate.refresh_from_db()
    assert (delegate.credentials, delegate.has_vote, row.accepted) == ("rejected", False, False)
    assert CredentialDecision.objects.count() == 1


def test_delegates_elected_by_a_secret_ballot_of_the_voting_kernel(cast, congress):
    from charter.voting.actions import cast_vote, close_poll, create_poll, open_poll, publish_poll

    decision = branch_meeting(cast)
    present = list(Member.objects.filter(branch=cast.karachi))
    poll = create_poll(
        decision.body,
        by=cast.bilal,
        title="Delegate to the Congress",
        method="irv",
        mode="secret",
        options=["Alice", "Farhan"],
        seats=1,
        meeting=decision.meeting,
        seat_body=congress.body,
        candidates=[cast.alice, cast.farhan],
    )
    open_poll(poll, by=cast.bilal)
    for i, voter in enumerate(present):
        cast_vote(
            poll, voter=voter, vote=[1, 2] if i % 3 else [2, 1], idempotency_key=f"t-{voter.pk}"
        )
    publish_poll(close_poll(poll, by=cast.bilal), by=cast.bilal)
    poll.refresh_from_db()
    elected = actions.elect_delegates_by_poll(congress, poll=poll, by=cast.bilal)
    assert [p.member for p in elected] == [cast.alice]
    assert Mandate.objects.filter(body=congress.body, member=cast.alice).exists()


def test_winners_beyond_the_allocation_seat_nobody(cast, congress):
    """A ballot for two seats where the branch has one: the second winner is refused (3.1), and
    the first is not left seated on her own: the meeting's election of its delegates is one act."""
    from charter.record.models import Entry
    from charter.voting.actions import cast_vote, close_poll, create_poll, open_poll, publish_poll

    decision = branch_meeting(cast)
    assert congress.allocations.get(unit=cast.karachi).delegates == 1
    present = list(Member.objects.filter(branch=cast.karachi))
    poll = create_poll(
        decision.body,
        by=cast.bilal,
        title="Delegates to the Congress",
        method="scottish-stv",
        mode="secret",
        options=["Alice", "Farhan", "Saima"],
        seats=2,
        meeting=decision.meeting,
        seat_body=congress.body,
        candidates=[cast.alice, cast.farhan, cast.saima],
    )
    open_poll(poll, by=cast.bilal)
    for i, voter in enumerate(present):
        cast_vote(
            poll, voter=voter, vote=[[1, 2, 3], [2, 1, 3]][i % 2], idempotency_key=f"t-{voter.pk}"
        )
    publish_poll(close_poll(poll, by=cast.bilal), by=cast.bilal)
    poll.refresh_from_db()
    with pytest.raises(Refused) as refused:
        actions.elect_delegates_by_poll(congress, poll=poll, by=cast.bilal)
    assert "delegate_place_free" in [
        b.code for b in refused.value.breaches
    ] or refused.value.articles == ["3.1"]
    assert not Participant.objects.filter(conference=congress, category="delegate").exists()
    assert not Mandate.objects.filter(body=congress.body).exists()
    assert Entry.objects.filter(act="elect_delegate", outcome="done").count() == 0
    assert Entry.objects.filter(act="elect_delegate", outcome="refused").count() == 1


def test_the_congress_page_shows_allocations_and_elected_delegates(cast, congress, client):
    from charter.testing.web import login_as

    actions.elect_delegate(
        congress, cast.alice, decision=branch_meeting(cast), count_method="irv", seats_in_election=1
    )
    login_as(client, cast.farhan)
    page = client.get(f"/conferences/{congress.pk}/").content.decode()
    n = Member.objects.filter(branch=cast.karachi).count()
    assert f"<td>Karachi Central</td><td>{n}</td><td>1</td><td>1</td>" in page
    assert "<td>Hyderabad City</td>" in page


def test_convening_and_credentials_through_the_api(cast, client):
    from charter.testing.web import login_as

    decision = cc_decision(cast)
    login_as(client, cast.sara)
    day = decision.meeting.starts_at.date()
    body = {
        "meeting_id": decision.meeting.pk,
        "votes_yes": 12,
        "title": "Conference",
        "starts_on": str(day + dt.timedelta(days=20)),
        "ends_on": str(day + dt.timedelta(days=21)),
    }
    made = client.post("/api/conferences", body, content_type="application/json")
    assert made.status_code == 201, made.content
    short = client.post(
        "/api/conferences", {**body, "kind": "congress"}, content_type="application/json"
    )
    assert short.status_code == 403 and short.json()["articles"] == ["4.1"]
    missing = client.post(
        "/api/conferences", {**body, "meeting_id": 999999}, content_type="application/json"
    )
    assert missing.status_code == 400 and "meeting_id" in missing.json()["detail"]
    conference = Conference.objects.get(pk=made.json()["id"])
    p = actions.register_for_conference(conference, by=cast.alice)
    url = f"/api/conferences/{conference.pk}/participants/{p.pk}/credentials"
    decided = client.post(
        url,
        {
            "meeting_id": decision.meeting.pk,
            "votes_yes": 10,
            "votes_no": 2,
            "accept": False,
            "reasons": "Not a member of the branch she named",
        },
        content_type="application/json",
    )
    assert (
        decided.status_code == 201
        and decided.json()["has_vote"] is False
        and decided.json()["credentials"] == "rejected"
    )
