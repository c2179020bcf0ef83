"""Paper polls: tellers type in batches of papers or show-of-hands totals; the same tally, commitment
and publication as any other poll."""

from __future__ import annotations

import json

import pytest

from charter.lib.errors import InvalidInput
from charter.record import reconcile
from charter.record.models import Entry
from charter.rulebook.enforce import Refused
from charter.testing.meetings import hold
from charter.voting import content, queries, tally
from charter.voting.actions import (
    cast_vote,
    close_poll,
    decide_motion_by_poll,
    enter_paper_batch,
    publish_poll,
)
from charter.voting.models import Ballot, PaperBatch
from charter.voting.tests.conftest import committee, new_poll

pytestmark = pytest.mark.django_db


def test_ranked_papers_in_batches_are_counted_by_stv(cast, rc):
    poll = new_poll(cast, method="scottish-stv", mode="paper", options=["Ann", "Ben", "Cy"], seats=2)
    enter_paper_batch(poll, by=cast.rashid, lines=content.batch_lines(poll, "6: 1 2\n2: 2", 3))
    second = enter_paper_batch(poll, by=cast.saima, lines=content.batch_lines(poll, "# table 2\n3: 3\n1:", 3))
    assert (second.number, second.lines, second.papers) == (2, 2, 4)
    assert json.loads(Entry.objects.get(index=second.entry_index).body)["detail"]["papers"] == 4
    assert queries.turnout(poll).voted == 12
    closed = close_poll(poll, by=cast.rashid)
    assert (closed.ballots, closed.ballots_weight, closed.voters) == (4, 12, 0)
    published = publish_poll(closed, by=cast.rashid)
    assert published.result["elected"] == [1, 2] and published.result["valid"] == "11.00000"  # the blank paper is not valid
    assert tally.list_hash(queries.committed_ballots(published)) == published.ballots_sha256
    assert list(reconcile.problems()) == []  # each batch names its enter_paper_batch entry


def test_show_of_hands_totals_decide_a_meetings_motion(cast, rc):
    members = committee(cast)
    meeting = hold(rc, by=cast.rashid, present=members, notice_days=8)
    poll = new_poll(cast, mode="paper", meeting=meeting)
    enter_paper_batch(poll, by=cast.rashid, lines=content.totals_lines(5, 1, 1))
    closed = close_poll(poll, by=cast.rashid)
    votes = queries.motion_votes(closed)
    assert (votes.yes, votes.no, votes.abstain) == (5, 1, 1)
    decide_motion_by_poll(closed, by=cast.rashid, text="Adopt the plan")
    assert meeting.motions.get().outcome == "carried"


@pytest.mark.parametrize("text,where", [
    ("", "empty"), ("12 1 2", "Line 1"), ("3: 1 x", "Line 1"), ("2: 1\n3: 4", "Line 2"), ("2: 1 1", "Line 1"), ("0: 1", "Line 1"),
])
def test_a_bad_batch_says_which_line(cast, rc, text, where):
    poll = new_poll(cast, method="irv", mode="paper", options=["Ann", "Ben", "Cy"])
    with pytest.raises(InvalidInput, match=where):
        content.batch_lines(poll, text, 3)


def test_papers_only_in_a_paper_poll_and_no_online_votes_in_one(cast, rc, open_yes_no):
    with pytest.raises(InvalidInput):
        enter_paper_batch(open_yes_no, by=cast.rashid, lines=content.totals_lines(1, 0, 0))
    paper = new_poll(cast, mode="paper")
    with pytest.raises(InvalidInput):
        cast_vote(paper, voter=cast.saima, vote="yes", idempotency_key="k")
    with pytest.raises(Refused):
        enter_paper_batch(paper, by=cast.alice, lines=content.totals_lines(1, 0, 0))
    assert not PaperBatch.objects.exists() and not Ballot.objects.exists()
