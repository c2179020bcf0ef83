"""The conference acts under the second bundled rulebook, judged without a database."""

from __future__ import annotations

import datetime as dt

from charter.rulebook.judge import Body, Meeting, Person, Proposal, Seat, Unit, Votes, judge
from charter.rulebook.spec import bundled

FTU = bundled("ftu-2019")
ON = dt.date(2026, 11, 1)
TOP = Unit(1, "federation", (1,), "Federation")
BOARD = Body(2, "executive_board", TOP, "Executive Board")
member = Person(
    id=5, status="member", good_standing=True, unit=TOP, seats=(Seat(2, "executive_board"),)
)


def board_decision(act: str, **facts: object) -> Proposal:
    meeting = Meeting(
        id=9, body=BOARD, notice_hours=7 * 24, roster_size=11, quorum_base=11, present=11
    )
    return Proposal(
        act=act, on=ON, actor=member, body=BOARD, meeting=meeting, votes=Votes(11, 0), facts=facts
    )


def test_the_federation_has_no_national_conference_besides_its_delegate_conference():
    verdict = judge(FTU, board_decision("convene_conference"))
    assert [b.code for b in verdict.breaches] == ["nobody_may"] and verdict.articles == ["R4.1"]


def test_the_board_convenes_the_delegate_conference_with_its_notice():
    assert judge(
        FTU,
        board_decision(
            "convene_congress", meeting_body_kind="delegate_conference", notice_hours=42 * 24
        ),
    ).allowed
    short = judge(
        FTU,
        board_decision(
            "convene_congress", meeting_body_kind="delegate_conference", notice_hours=20 * 24
        ),
    )
    assert [b.code for b in short.breaches] == ["notice_short"]
