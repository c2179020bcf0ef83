"""The pages where a body's decision at its meeting is entered: convening a conference or the
Congress (the Central Committee), deciding a dispute over credentials (the Central Committee), and a
branch's election of its delegates to the Congress (the branch meeting, through the voting
kernel). Each goes through the action; a refused attempt shows the rules' articles."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import translation

from charter.conferences import actions
from charter.conferences.models import Conference, CredentialDecision, Participant
from charter.conferences.tests.conftest import cc_decision
from charter.lib import dates
from charter.members.models import Member
from charter.notices.models import Notice
from charter.org.models import Body
from charter.record import audit
from charter.record.models import Entry
from charter.testing.meetings import hold
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db


def _cc_meeting(cast):  # type: ignore[no-untyped-def]
    return hold(cast.bodies["cc"], by=cast.sara, present=[cast.sara, cast.zainab, *cast.cc_members])


def _days(meeting, first, last):  # type: ignore[no-untyped-def]
    """The first and last day, so many days after the meeting, as the form takes them."""
    day = meeting.starts_at.date()
    return {
        "starts_on": (day + dt.timedelta(days=first)).isoformat(),
        "ends_on": (day + dt.timedelta(days=last)).isoformat(),
    }


def _convene_data(meeting, **over):  # type: ignore[no-untyped-def]
    data = {
        "kind": "conference",
        "title": "National Conference on the Economy",
        "venue": "Arts Council, Karachi",
        **_days(meeting, 30, 31),
        "registration_closes_on": "",
        "organizers": "",
        "meeting": str(meeting.pk),
        "votes_yes": "12",
        "votes_no": "1",
        "votes_abstain": "0",
        "reasons": "",
    }
    data.update(over)
    return data


def test_the_cc_convenes_a_national_conference_from_its_page(cast, client):
    meeting = _cc_meeting(cast)
    login_as(client, cast.sara)
    page = client.get("/conferences/convene/")
    assert page.status_code == 200 and f'value="{meeting.pk}"' in page.content.decode()
    data = _convene_data(meeting, organizers=f"{cast.zainab.number}, {cast.bilal.number}")
    response = client.post("/conferences/convene/", data)
    conference = Conference.objects.get(title="National Conference on the Economy")
    assert response.status_code == 302 and response["Location"] == f"/conferences/{conference.pk}/"
    assert (conference.body, conference.meeting_id_ref) == (cast.bodies["cc"], meeting.pk)
    assert set(conference.organizers.all()) == {cast.zainab, cast.bilal}
    entry = Entry.objects.get(index=conference.entry_index)
    assert (entry.act, entry.outcome) == ("convene_conference", "done")
    convened = Notice.objects.filter(kind="conference_convened", channel="inbox")
    # each member reads the dates in their language: Tariq in Sindhi, Alice in English
    for member, lang in ((cast.tariq, "sd"), (cast.alice, "en")):
        with translation.override(lang):
            start, end = dates.day(conference.starts_on), dates.day(conference.ends_on)
        body = convened.get(member=member).body
        assert f"{start} " in body and f"{end}" in body
        assert re.search("[A-Za-z]", start) is None if lang == "sd" else re.fullmatch(r"\d+ [A-Z][a-z]+ \d{4}", start)
    assert not re.search(r"\d{4}-\d\d-\d\d", "".join(n.body for n in convened))
    assert audit.verify() is None


def test_a_member_not_on_the_cc_is_refused_with_the_article(cast, client):
    meeting = _cc_meeting(cast)
    login_as(client, cast.alice)
    entries = Entry.objects.count()
    response = client.post("/conferences/convene/", _convene_data(meeting))
    assert response.status_code == 403
    text = response.content.decode()
    assert "6.1" in text and "Convene a national conference".lower() in text.lower()
    assert not Conference.objects.exists()
    assert not Notice.objects.filter(kind="conference_convened").exists()
    # she claimed the CC's authority: the refused attempt is on the record
    assert Entry.objects.filter(act="convene_conference", outcome="refused").count() == 1
    assert Entry.objects.count() == entries + 1


def test_the_congress_needs_its_notice_and_the_refusal_says_so(cast, client):
    meeting = _cc_meeting(cast)
    login_as(client, cast.sara)
    data = _convene_data(meeting, kind="congress", title="Third Congress", **_days(meeting, 20, 21))
    response = client.post("/conferences/convene/", data)
    text = response.content.decode()
    assert response.status_code == 403 and "Article 4.1" in text and "60 days" in text
    assert not Conference.objects.exists()
    data.update(_days(meeting, 70, 71))
    assert client.post("/conferences/convene/", data).status_code == 302
    congress = Conference.objects.get(kind="congress")
    assert congress.allocations.get(unit=cast.karachi).delegates >= 1


def test_bad_dates_are_said_next_to_the_field(cast, client):
    meeting = _cc_meeting(cast)
    login_as(client, cast.sara)
    data = _convene_data(meeting, **_days(meeting, 31, 30))
    response = client.post("/conferences/convene/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert "ends_on" in form.errors and not Conference.objects.exists()
    response = client.post("/conferences/convene/", {**data, "organizers": "NO-SUCH-1"})
    assert response.status_code == 400 and "organizers" in response.context["form"].errors
    response = client.post("/conferences/convene/", {**data, "meeting": "999999"})
    assert response.status_code == 400 and "meeting" in response.context["form"].errors


# --- credentials -----------------------------------------------------------------------------------


def test_the_cc_decides_credentials_from_the_page(cast, client, conference):
    farhan = actions.register_for_conference(conference, by=cast.farhan)
    rejected = actions.register_for_conference(conference, by=cast.saima)
    actions.decide_credentials(
        rejected, decision=cc_decision(cast, reasons="Not elected by her branch."), accept=False
    )
    meeting = _cc_meeting(cast)
    login_as(client, cast.zainab)  # on the CC, not an organizer
    page = client.get(f"/conferences/{conference.pk}/credentials/")
    text = page.content.decode()
    assert page.status_code == 200 and cast.saima.name in text and cast.farhan.name not in text
    data = {
        "code": farhan.code.lower(),
        "accept": "reject",
        "reasons": "His membership lapsed before registration closed.",
        "meeting": str(meeting.pk),
        "votes_yes": "10",
        "votes_no": "2",
        "votes_abstain": "0",
    }
    response = client.post(f"/conferences/{conference.pk}/credentials/", data)
    assert response.status_code == 302
    farhan.refresh_from_db()
    assert (farhan.credentials, farhan.has_vote) == ("rejected", False)
    row = CredentialDecision.objects.get(participant=farhan)
    assert Entry.objects.get(index=row.entry_index).act == "decide_credentials"
    # and back: accepted on review, the vote restored
    client.post(
        f"/conferences/{conference.pk}/credentials/",
        {**data, "accept": "accept", "reasons": "The lapse was a bank error."},
    )
    farhan.refresh_from_db()
    assert (farhan.credentials, farhan.has_vote) == ("accepted", True)
    assert (
        cast.farhan.name
        in client.get(f"/conferences/{conference.pk}/credentials/").content.decode()
    )


def test_a_credentials_decision_without_reasons_is_refused(cast, client, conference):
    farhan = actions.register_for_conference(conference, by=cast.farhan)
    meeting = _cc_meeting(cast)
    login_as(client, cast.sara)
    data = {
        "code": farhan.code,
        "accept": "reject",
        "reasons": "",
        "meeting": str(meeting.pk),
        "votes_yes": "10",
        "votes_no": "0",
        "votes_abstain": "0",
    }
    response = client.post(f"/conferences/{conference.pk}/credentials/", data)
    assert response.status_code == 403 and "6.1" in response.content.decode()
    farhan.refresh_from_db()
    assert (farhan.credentials, farhan.has_vote) == ("accepted", True)
    assert not CredentialDecision.objects.exists()
    assert Entry.objects.filter(act="decide_credentials", outcome="refused").exists()
    response = client.post(
        f"/conferences/{conference.pk}/credentials/", {**data, "code": "NOSUCHCODE"}
    )
    assert response.status_code == 400 and "code" in response.context["form"].errors


def test_the_credentials_page_is_not_for_every_member(cast, client, conference):
    login_as(client, cast.alice)
    assert client.get(f"/conferences/{conference.pk}/credentials/").status_code == 404


# --- delegates elected by a branch meeting ----------------------------------------------------------


def test_a_branch_secretary_elects_the_delegates_from_the_page(cast, client, congress):
    from charter.voting.actions import cast_vote, close_poll, open_poll, publish_poll
    from charter.voting.models import Poll

    body = Body.objects.get(kind="branch_meeting", unit=cast.karachi)
    present = list(Member.objects.filter(branch=cast.karachi))
    meeting = hold(body, by=cast.bilal, present=present, notice_days=8)
    login_as(client, cast.bilal)
    url = f"/conferences/{congress.pk}/delegates/{cast.karachi.pk}/"
    detail = client.get(f"/conferences/{congress.pk}/").content.decode()
    assert url in detail  # the congress's page links to the branch's own page
    page = client.get(url)
    assert page.status_code == 200 and "Karachi Central" in page.content.decode()
    data = {
        "form": "ballot",
        "b-meeting": str(meeting.pk),
        "b-candidates": f"{cast.alice.number} {cast.farhan.number}",
    }
    response = client.post(url, data)
    poll = Poll.objects.get(body=body, seat_body=congress.body)
    assert response.status_code == 302 and response["Location"] == f"/polls/{poll.pk}/console/"
    assert (poll.mode, poll.meeting_id) == ("secret", meeting.pk)
    # the meeting votes through the kernel's own acts (the console's buttons)
    open_poll(poll, by=cast.bilal)
    for i, voter in enumerate(present):
        cast_vote(
            poll, voter=voter, vote=[1, 2] if i % 3 else [2, 1], idempotency_key=f"w-{voter.pk}"
        )
    publish_poll(close_poll(poll, by=cast.bilal), by=cast.bilal)
    response = client.post(url, {"form": "seat", "s-poll": str(poll.pk)})
    assert response.status_code == 302
    delegate = Participant.objects.get(conference=congress, member=cast.alice)
    assert (delegate.category, delegate.has_vote) == ("delegate", True)
    assert Entry.objects.get(index=delegate.entry_index).act == "elect_delegate"
    # seated twice is said, not a server error
    response = client.post(url, {"form": "seat", "s-poll": str(poll.pk)})
    assert response.status_code == 400 and "already a delegate" in response.content.decode()
    # the allocation is full: another ballot is refused as bad input, next to the form
    response = client.post(url, data)
    assert response.status_code == 400
    assert Poll.objects.filter(body=body, seat_body=congress.body).count() == 1


def test_a_member_of_another_branch_does_not_see_karachis_delegates(cast, client, congress):
    login_as(client, cast.rashid)
    url = f"/conferences/{congress.pk}/delegates/{cast.karachi.pk}/"
    assert client.get(url).status_code == 404
    # and a conference (not a congress) has no delegates' page
    login_as(client, cast.bilal)
    assert (
        client.get(f"/conferences/{congress.pk}/delegates/{cast.hyderabad.pk}/").status_code == 404
    )
