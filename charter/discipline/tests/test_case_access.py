"""Confidentiality of a case file over role x case state, for every page and API operation.

Open to: the member concerned, the members of the deciding body (the CC), the members of the appeal
body (the Control Commission) and those who brought the charge. Everyone else gets 404 (they may
not even learn the case exists) and changes nothing; anonymous visitors are sent to sign in (pages)
or get 401 (API). The public record shows the steps, never the contents.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils.html import escape

from charter.accounts.models import User
from charter.discipline.models import Case
from charter.discipline.steps import KEYS
from charter.discipline.tests import story
from charter.members.models import Member
from charter.notices.models import Notice
from charter.record import blocks
from charter.record.models import Entry
from charter.testing.web import login_user

pytestmark = pytest.mark.django_db

STATES: dict[str, Callable[..., Case]] = {
    "framed": lambda cast: story.frame(cast),
    "delivered": lambda cast: story.deliver(cast, story.frame(cast)),
    "replied": lambda cast: _replied(cast),
    "decided": lambda cast: story.expelled(cast),
    "appealed": lambda cast: story.appealed(cast),
    "annulled": lambda cast: _annulled(cast),
}
ALLOWED = {"tariq", "zainab", "imran", "sara"}  # concerned, deciding body, appeal body, brought it
DENIED = {"alice", "rashid"}  # another member; an unrelated officer (the Regional Secretary)


def _replied(cast) -> Case:
    case = story.deliver(cast, story.frame(cast))
    story.reply(cast, case)
    return Case.objects.get(pk=case.pk)


def _annulled(cast) -> Case:
    case = story.appealed(cast)
    story.commission_decides(cast, case, "annul")
    return Case.objects.get(pk=case.pk)


def api_calls(case: Case, cast) -> list[tuple[str, dict]]:
    """Every write operation, each with a payload that passes validation."""
    cc, member = cast.bodies["cc"].pk, cast.tariq.pk
    votes = {"yes": 11, "no": 2, "abstain": 0}
    return [
        ("delivery", {}), ("reply", {"text": "x"}), ("companion", {"hearing_id": 1, "companion": "x"}), ("hearing", {"meeting_id": 1}),
        ("recusals", {"member_id": member, "body_id": cc}), ("minutes", {"hearing_id": 1, "minutes": "x"}), ("interim", {"days": 10, "reasons": "x"}),
        ("measure", {"measure": "expulsion", "body_id": cc, "grounds": ["breach_of_document"], "meeting_id": 1, "votes": votes, "reasons": "x"}),
        ("appeal", {"statement": "x"}), ("appeal/hearing", {"meeting_id": 1}), ("appeal/decision", {"outcome": "annul", "meeting_id": 1, "votes": votes, "reasons": "x"}),
        ("referral", {"statement": "x"}), ("referral/decision", {"outcome": "annul", "meeting_id": 1, "votes": votes, "reasons": "x"}),
    ]


def client_for(member: Member | None, name: str) -> Client:
    c = Client()
    if member is not None:
        user = User.objects.create(username=f"{name}-{member.pk}")  # force_login: no password to hash
        Member.objects.filter(pk=member.pk).update(user=user)
        login_user(c, user)
    return c


def footprint() -> tuple[int, int, list]:
    return Entry.objects.count(), Notice.objects.count(), list(Case.objects.order_by("pk").values_list("state", "charge_delivered_on", "replied_on"))


@pytest.mark.parametrize("state", list(STATES))
def test_the_file_is_open_only_to_those_the_rules_name(cast, state):
    case = STATES[state](cast)
    assert case.state == state
    pages = [f"/cases/{case.pk}/"]
    steps = [f"/cases/{case.pk}/{key}/" for key in KEYS]
    for name in sorted(ALLOWED | DENIED) + ["anonymous"]:
        member = getattr(cast, name) if name != "anonymous" else None
        c = client_for(member, name)
        before = footprint()
        listing = c.get("/cases/")
        page = c.get(pages[0])
        api = c.get(f"/api/cases/{case.pk}")
        if name == "anonymous":
            assert page.status_code == 302 and "/accounts/login/" in page["Location"], name
            assert listing.status_code == 302 and api.status_code == 401
            for url in steps:
                assert c.post(url, {}).status_code == 302, url
            for op, payload in api_calls(case, cast):
                assert c.post(f"/api/cases/{case.pk}/{op}", payload, content_type="application/json").status_code == 401, op
        elif name in ALLOWED:
            assert page.status_code == 200, (name, state)
            assert escape(story.FACTS) in page.content.decode(), (name, state)
            assert api.status_code == 200 and api.json()["facts"] == story.FACTS
            assert f"/cases/{case.pk}/" in listing.content.decode() and case.pk in c.get("/api/cases").json()
        else:
            assert page.status_code == 404, (name, state)
            assert api.status_code == 404, (name, state)
            assert f"/cases/{case.pk}/" not in listing.content.decode() and case.pk not in c.get("/api/cases").json()
            for url in steps:
                assert c.post(url, {"text": "x", "statement": "x"}).status_code == 404, (name, url)
            for op, payload in api_calls(case, cast):
                assert c.post(f"/api/cases/{case.pk}/{op}", payload, content_type="application/json").status_code == 404, (name, op)
            assert c.get(f"/cases/{case.pk + 1000}/").status_code == 404  # the same answer as for no case at all
        assert footprint() == before, (name, state)


def test_the_public_record_shows_steps_never_contents(cast):
    case = _annulled(cast)
    entries = [json.loads(b) for _index, b, _leaf in blocks.rows(0, 2**62)]
    about = [e for e in entries if e["detail"].get("case") == case.pk]
    assert about and all(e["outcome"] == "done" for e in about)
    text = json.dumps(about)
    for secret in (story.FACTS, "did not weigh", "already public", "website", "The reply was not weighed", "proved"):
        assert secret not in text
    for person in Member.objects.all():
        assert person.name not in text and person.number not in text
    for e in about:  # ids, kinds, counts, dates and hashes only
        for value in e["detail"].values():
            assert isinstance(value, (int, dict, list, type(None))) or (isinstance(value, str) and " " not in value), (e["act"], value)
