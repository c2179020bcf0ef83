"""Card votes under the federation's rules: each delegate votes with the weight of the affiliate they
represent (R4.2), and a meeting's motion is decided by the weighted totals of its poll."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.elections.actions import seat_founder
from charter.lib import clock
from charter.meetings.models import Motion
from charter.members.actions import enrol_founder, record_dues_payment
from charter.members.models import Member
from charter.org.actions import close_founding, create_unit, found_organization
from charter.org.models import Body, Unit
from charter.rulebook.actions import install_founding_rulebook
from charter.rulebook.enforce import Refused
from charter.rulebook.spec import DATA_DIR
from charter.testing.meetings import hold
from charter.voting import queries
from charter.voting.actions import (
    cast_vote,
    close_poll,
    create_poll,
    decide_motion_by_poll,
    open_poll,
    publish_poll,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ftu(db):  # type: ignore[no-untyped-def]
    """The federation's rules with a card vote of one per ten members in good standing (not 1,000),
    so that a small test federation has weights above one: 30 dockers weigh 3, 12 railwaymen 1."""
    clock.set_frozen(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    text = (DATA_DIR / "ftu-2019.yaml").read_text().replace("per: 1000, minimum: 1", "per: 10, minimum: 1")
    install_founding_rulebook(text)
    found_organization(name="Federation of Trade Unions", top_unit="FTU")
    top = Unit.objects.get(parent=None)
    docks = create_unit(parent=create_unit(parent=top, level="affiliate", name="Port Workers' Union"), level="local", name="Karachi Docks")
    workshop = create_unit(parent=create_unit(parent=top, level="affiliate", name="Railway Workers' Union"), level="local", name="Lahore Workshops")
    dockers = [enrol_founder(name=f"Docker {i}", branch=docks) for i in range(30)]
    railwaymen = [enrol_founder(name=f"Railwayman {i}", branch=workshop) for i in range(12)]
    conference = Body.objects.get(kind="delegate_conference", unit=top)
    board = Body.objects.get(kind="executive_board", unit=top)
    seat_founder(dockers[0], body=conference)
    seat_founder(railwaymen[0], body=conference)
    for m in dockers[1:7] + railwaymen[1:6]:
        seat_founder(m, body=board)
    close_founding()
    for m in Member.objects.all():
        record_dues_payment(m, months=11)
    return {"conference": conference, "board": board, "port": dockers[0], "rail": railwaymen[0], "director": dockers[1]}


def test_delegates_vote_with_their_affiliates_weight_and_the_motion_is_decided_by_it(ftu, at):
    at("2026-03-01T10:00:00")
    conference = ftu["conference"]
    meeting = hold(conference, by=ftu["port"], present=[ftu["port"], ftu["rail"]], notice_days=43)
    poll = open_poll(create_poll(conference, by=ftu["port"], title="Affiliation fees", method="yes_no", mode="secret", meeting=meeting), by=ftu["port"])
    assert (poll.electorate, poll.electorate_weight) == (2, 4)
    cast_vote(poll, voter=ftu["port"], vote="yes", idempotency_key="p")
    cast_vote(poll, voter=ftu["rail"], vote="no", idempotency_key="r")
    closed = close_poll(poll, by=ftu["port"])
    assert (closed.voters, closed.ballots_weight) == (2, 4)
    votes = queries.motion_votes(closed)
    assert (votes.yes, votes.no, votes.abstain) == (3, 1, 0)
    decide_motion_by_poll(closed, by=ftu["port"], text="Raise the affiliation fee")
    motion = Motion.objects.get(meeting=meeting, act="decide_motion")
    assert (motion.votes_yes, motion.votes_no, motion.outcome) == (3, 1, Motion.Outcome.CARRIED)
    assert publish_poll(closed, by=ftu["port"]).result["totals"] == {"yes": 3, "no": 1, "abstain": 0}


def test_a_weighted_minority_loses_the_motion(ftu, at):
    at("2026-03-01T10:00:00")
    conference = ftu["conference"]
    meeting = hold(conference, by=ftu["port"], present=[ftu["port"], ftu["rail"]], notice_days=43)
    poll = open_poll(create_poll(conference, by=ftu["port"], title="Q", method="yes_no", mode="named", meeting=meeting), by=ftu["port"])
    cast_vote(poll, voter=ftu["port"], vote="no", idempotency_key="p")
    cast_vote(poll, voter=ftu["rail"], vote="yes", idempotency_key="r")
    closed = close_poll(poll, by=ftu["rail"])
    with pytest.raises(Refused) as exc:
        decide_motion_by_poll(closed, by=ftu["rail"], text="Q")
    assert exc.value.outcome == "lost"
    assert [(v.voter_id, v.vote, v.weight) for v in queries.roll_call(closed)] == sorted([(ftu["port"].pk, "no", 3), (ftu["rail"].pk, "yes", 1)], key=lambda r: Member.objects.get(pk=r[0]).name)


def test_the_federation_elects_its_board_by_meek_stv(ftu, at):
    at("2026-03-01T10:00:00")
    with pytest.raises(Refused) as exc:
        create_poll(ftu["conference"], by=ftu["port"], title="Board", method="scottish-stv", mode="secret", options=[f"C{i}" for i in range(13)], seats=11, seat_body=ftu["board"])
    assert exc.value.articles == ["R12.1"]
    create_poll(ftu["conference"], by=ftu["port"], title="Board", method="meek-stv", mode="secret", options=[f"C{i}" for i in range(13)], seats=11, seat_body=ftu["board"])
