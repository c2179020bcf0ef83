"""The page on which the Congress's decision that sets the dues bands is entered (WDA 10.1): by a
delegate, for a meeting the Congress held, with the vote; a refusal names the articles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from charter.members.models import Member
from charter.money import queries
from charter.money.models import DuesBand
from charter.notices.models import Notice
from charter.record import log as record
from charter.record.models import Entry
from charter.testing.meetings import hold
from charter.testing.web import login_as

pytestmark = pytest.mark.django_db


def delegates(cast):  # type: ignore[no-untyped-def]
    congress = cast.body("congress")
    return list(Member.objects.filter(mandates__body=congress, mandates__ended_on__isnull=True))


def congress_meets(cast, at, *, present=11):  # type: ignore[no-untyped-def]
    """The Congress, called with its 60 days' notice (4.1), with ``present`` of its 11 delegates."""
    at("2026-02-01T10:00:00")
    people = delegates(cast)
    return hold(cast.body("congress"), by=people[0], present=people[:present], notice_days=61)


def post(meeting, *, yes=10, no=0, bands=None):  # type: ignore[no-untyped-def]
    bands = bands or [
        ("Low", "0", "20000", "100"),
        ("Middle", "20000", "60000", "300"),
        ("High", "60000", "", "800"),
    ]
    data = {
        "meeting": meeting.pk,
        "votes_yes": yes,
        "votes_no": no,
        "votes_abstain": 1,
        "reasons": "Adopted after debate.",
        "band-TOTAL_FORMS": len(bands) + 1,
        "band-INITIAL_FORMS": 0,
        "band-MIN_NUM_FORMS": 0,
        "band-MAX_NUM_FORMS": 12,
    }
    for i, (name, low, high, monthly) in enumerate(bands):
        data.update(
            {
                f"band-{i}-name": name,
                f"band-{i}-income_from": low,
                f"band-{i}-income_to": high,
                f"band-{i}-monthly": monthly,
            }
        )
    return data  # the last row is left empty: it is left out


def nothing_changed(before_entries: int, notices: int) -> None:
    assert not DuesBand.objects.exists()
    assert Notice.objects.count() == notices


def test_a_delegate_enters_the_congresss_decision_and_the_bands_are_in_force(cast, client, at):
    meeting = congress_meets(cast, at)
    login_as(client, delegates(cast)[0])
    page = client.get("/money/bands/")
    assert page.status_code == 200 and f'value="{meeting.pk}"' in page.content.decode()
    answer = client.post("/money/bands/", post(meeting))
    assert answer.status_code == 302 and answer["Location"] == "/money/bands/"
    assert [(b.name, b.monthly) for b in queries.bands()] == [
        ("Low", Decimal("100.00")),
        ("Middle", Decimal("300.00")),
        ("High", Decimal("800.00")),
    ]
    entry = Entry.objects.get(index=DuesBand.objects.first().entry_index)
    assert entry.act == "set_dues_bands" and entry.outcome == "done" and '"10.1"' in entry.body
    assert "Adopted after debate." not in entry.body  # the reasons stay in the minutes
    assert meeting.motions.filter(act="set_dues_bands").exists()
    assert record.verify() is None
    shown = client.get("/money/bands/").content.decode()
    assert "800.00" in shown and "Middle" in shown


def test_without_a_quorum_the_page_names_the_articles(cast, client, at):
    """Three delegates of eleven are no quorum: the decision is refused, with its article."""
    meeting = congress_meets(cast, at, present=3)
    login_as(client, delegates(cast)[0])
    notices, before = Notice.objects.count(), Entry.objects.count()
    answer = client.post("/money/bands/", post(meeting))
    assert answer.status_code == 403
    html = answer.content.decode()
    assert "the rules do not allow it" in html and "Article " in html and "quorum" in html.lower()
    nothing_changed(before, notices)
    last = Entry.objects.order_by("-index").first()
    assert (
        Entry.objects.count() == before + 1
        and last.act == "set_dues_bands"
        and last.outcome == "refused"
    )


def test_a_lost_vote_leaves_the_bands_as_they_were(cast, client, at):
    meeting = congress_meets(cast, at)
    login_as(client, delegates(cast)[0])
    notices = Notice.objects.count()
    answer = client.post("/money/bands/", post(meeting, yes=3, no=7), follow=True)
    assert "The motion was lost" in answer.content.decode()
    nothing_changed(0, notices)
    assert Entry.objects.order_by("-index").first().outcome == "lost"


@pytest.mark.parametrize(
    "bands, words",
    [
        ([("Low", "0", "20000", "abc")], "Enter a number."),
        ([("Low", "0", "500", "10"), ("High", "400", "", "20")], "The bands overlap at High."),
        ([("", "0", "", "10")], "Band 1 needs a name."),
        ([("Low", "100", "50", "10")], "Band 1 ends below where it starts."),
    ],
)
def test_bad_bands_are_shown_next_to_the_field_and_change_nothing(cast, client, at, bands, words):
    meeting = congress_meets(cast, at)
    login_as(client, delegates(cast)[0])
    before, notices = Entry.objects.count(), Notice.objects.count()
    answer = client.post("/money/bands/", post(meeting, bands=bands))
    assert answer.status_code == 400
    assert words in answer.content.decode()
    nothing_changed(before, notices)
    assert Entry.objects.count() == before


def test_a_member_not_on_the_congress_gets_no_form_and_changes_nothing(cast, client, at):
    meeting = congress_meets(cast, at)
    on_congress = [d.pk for d in delegates(cast)]
    login_as(client, Member.objects.exclude(pk__in=on_congress).order_by("-pk").first())
    page = client.get("/money/bands/")
    assert page.status_code == 200 and 'name="meeting"' not in page.content.decode()
    assert "Only the Congress sets the dues bands" in page.content.decode()
    before, notices = Entry.objects.count(), Notice.objects.count()
    assert client.post("/money/bands/", post(meeting)).status_code == 400
    nothing_changed(before, notices)
    assert Entry.objects.count() == before
