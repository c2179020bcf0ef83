"""Written questions: sent from phones into the session's queue (a resend kept once), moderated by
the organizers (accept, merge, reject), seen by the lead-off once accepted, counted per session."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from charter.floor import actions
from charter.floor.models import Question
from charter.floor.queries import question_counts
from charter.lib.errors import InvalidInput
from charter.testing.web import login_as


def ask(conf, who, text, key, session=None):  # type: ignore[no-untyped-def]
    return actions.submit_question(
        session or conf.international, participant=who, text=text, key=key
    )[0]


def test_a_resent_question_is_kept_once(conf):
    first, replayed = actions.submit_question(
        conf.international, participant=conf.alice, text="What of the port?", key="k1"
    )
    again, replayed_again = actions.submit_question(
        conf.international, participant=conf.alice, text="What of the port?", key="k1"
    )
    assert (replayed, replayed_again) == (False, True) and again.pk == first.pk
    assert Question.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "key"), [("", "k"), ("x" * 1001, "k"), ("Fine", ""), ("Fine", "k" * 101)]
)
def test_bad_questions_are_refused_and_nothing_is_kept(conf, text, key):
    with pytest.raises(InvalidInput):
        actions.submit_question(conf.international, participant=conf.alice, text=text, key=key)
    assert not Question.objects.exists()


def test_moderation_and_counts_per_session(conf):
    a = ask(conf, conf.alice, "On the new federation?", "1")
    b = ask(conf, conf.bilal, "On the federation of unions?", "2")
    c = ask(conf, conf.farhan, "Off topic", "3")
    d = ask(conf, conf.saima, "On students?", "4")
    ask(conf, conf.rashid, "On organization?", "5", session=conf.national)
    actions.moderate_question(b, by=conf.chair, decision="merge", into=a)  # a is accepted with it
    actions.moderate_question(c, by=conf.chair, decision="reject")
    assert Question.objects.get(pk=a.pk).state == "accepted"
    assert Question.objects.get(pk=b.pk).merged_into_id == a.pk
    assert question_counts(conf.conference) == {
        conf.international.pk: {
            "submitted": 4,
            "pending": 1,
            "accepted": 1,
            "merged": 1,
            "rejected": 1,
        },
        conf.national.pk: {"submitted": 1, "pending": 1, "accepted": 0, "merged": 0, "rejected": 0},
    }
    actions.moderate_question(d, by=conf.chair, decision="accept")
    assert question_counts(conf.conference)[conf.international.pk]["accepted"] == 2
    with pytest.raises(InvalidInput):  # a question others were merged into is kept
        actions.moderate_question(a, by=conf.chair, decision="reject")
    with pytest.raises(InvalidInput):  # merging across sessions
        actions.moderate_question(
            d, by=conf.chair, decision="merge", into=Question.objects.get(session=conf.national)
        )


def test_only_organizers_moderate(conf):
    q = ask(conf, conf.alice, "A question", "1")
    with pytest.raises(PermissionDenied):
        actions.moderate_question(q, by=conf.bilal.member, decision="accept")
    assert Question.objects.get(pk=q.pk).state == "submitted"


def test_the_lead_off_sees_the_accepted_questions_on_their_phone(conf, client):
    from charter.floor.actions import set_current_item

    set_current_item(conf.item, by=conf.chair)
    kept = ask(conf, conf.alice, "Accepted question text", "1")
    ask(conf, conf.bilal, "Waiting question text", "2")
    actions.moderate_question(kept, by=conf.chair, decision="accept")
    lead_off = client.get(
        f"/conferences/{conf.conference.pk}/floor/p/{conf.rashid.code}/"
    ).content.decode()
    assert "Accepted question text" in lead_off and "Waiting question text" not in lead_off
    other = client.get(
        f"/conferences/{conf.conference.pk}/floor/p/{conf.alice.code}/"
    ).content.decode()
    assert "Accepted question text" not in other


def test_questions_over_the_api(conf):
    c = Client()
    url = f"/api/conferences/{conf.conference.pk}/phones/{conf.alice.code}/questions"
    body = {"session": conf.international.pk, "text": "From the phone", "key": "phone-1"}
    first = c.post(url, json.dumps(body), content_type="application/json")
    again = c.post(url, json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["replayed"] is True
    bad = c.post(url, json.dumps({**body, "key": ""}), content_type="application/json")
    assert bad.status_code == 422 and "key" in json.dumps(bad.json())
    assert (
        c.post(
            f"/api/conferences/{conf.conference.pk}/phones/NOPE/questions",
            json.dumps(body),
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Question.objects.count() == 1
    counts = c.get(f"/api/conferences/{conf.conference.pk}/question-counts")
    assert counts.status_code in (401, 403)
    login_as(c, conf.chair)
    assert c.get(f"/api/conferences/{conf.conference.pk}/question-counts").json() == {
        str(conf.international.pk): {
            "submitted": 1,
            "pending": 1,
            "accepted": 0,
            "merged": 0,
            "rejected": 0,
        }
    }
