"""An entry in words, in the reader's language."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from charter.record.models import Entry
from charter.record.words import describe

pytestmark = pytest.mark.django_db


def entry(**data) -> Entry:
    body = {"act": "expel_member", "outcome": "refused", "time": "2026-03-01T10:00:00Z", "articles": ["1.4", "3.3", "7.4"],
            "detail": {"body": {"id": 1, "name": "Secretariat"}}, **data}
    return Entry(index=1, body=json.dumps(body), act=body["act"], outcome=body["outcome"])


def test_names_and_articles_keep_their_order_in_right_to_left_sentences(cast):
    refused = entry()
    with translation.override("en"):
        said = describe(refused)
    assert "\u2068" not in said and "Secretariat" in said and "1.4, 3.3, 7.4" in said
    for language in ("ur", "sd"):
        with translation.override(language):
            said = describe(refused)
        # each name, and the list of articles, is a run of its own inside the sentence
        assert "\u2068Secretariat\u2069" in said and "\u20681.4, 3.3, 7.4\u2069" in said, (language, said)
        assert said.count("\u2068") == said.count("\u2069") == 3, said  # the act's name too
