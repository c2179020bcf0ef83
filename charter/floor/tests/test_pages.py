"""The phone's pages for voting and resolutions: a participant with a vote votes from the phone; one
without a vote sees no ballot and is refused with the article; bad input loses nothing."""

from __future__ import annotations

from django.test import Client

from charter.floor import actions
from charter.floor.models import Resolution
from charter.voting.models import Participation


def test_a_participant_votes_from_the_phone_once(conf):
    r = actions.submit_resolution(
        conf.conference, participant=conf.alice, title="Greetings", text="Greetings to all."
    )
    poll = actions.put_to_vote(r, by=conf.chair)
    c = Client()
    base = f"/conferences/{conf.conference.pk}/floor/p/{conf.bilal.code}/"
    page = c.get(base).content.decode()
    assert 'data-floor-show="vote"' in page and 'data-floor-show="vote" hidden' not in page
    assert c.post(base + "vote/", {"poll": poll.pk, "vote": "yes", "key": "k1"}).status_code == 302
    assert (
        c.post(base + "vote/", {"poll": poll.pk, "vote": "no", "key": "k2"}).status_code == 302
    )  # refused: already voted
    assert "already voted" in c.get(base).content.decode()
    assert Participation.objects.filter(poll=poll).count() == 1


def test_a_participant_without_a_vote_sees_no_ballot_and_is_refused_with_the_article(conf):
    r = actions.submit_resolution(
        conf.conference, participant=conf.alice, title="Greetings", text="Greetings to all."
    )
    poll = actions.put_to_vote(r, by=conf.chair)
    c = Client()
    base = (
        f"/conferences/{conf.conference.pk}/floor/p/{conf.sara.code}/"  # registered without a vote
    )
    page = c.get(base).content.decode()
    assert 'data-floor-show="vote"' not in page and "Submit a resolution" not in page
    refused = c.post(base + "vote/", {"poll": poll.pk, "vote": "yes", "key": "k1"})
    assert refused.status_code == 403 and "6.1" in refused.content.decode()
    assert not Participation.objects.filter(poll=poll).exists()


def test_a_resolution_from_the_phone_with_bad_input_is_told_and_nothing_is_kept(conf):
    c = Client()
    base = f"/conferences/{conf.conference.pk}/floor/p/{conf.alice.code}/"
    assert c.post(base + "resolution/", {"title": "", "text": "Text"}).status_code == 302
    assert "title needs a text" in c.get(base).content.decode()
    assert not Resolution.objects.exists()
    assert (
        c.post(
            base + "resolution/", {"title": "Greetings", "text": "Greetings to all."}
        ).status_code
        == 302
    )
    assert Resolution.objects.get().title == "Greetings"
