"""Instant-runoff: majority of continuing votes, exclusions one per stage, ties."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from charter.voting.counting import count_irv, parse_blt
from charter.voting.counting.blt import Election

from .test_counting_scottish import elections

D = Decimal


def test_majority_at_the_first_stage_ends_the_count() -> None:
    s = count_irv(parse_blt('3 1\n5 1 2 0\n3 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"t"\n'))
    assert len(s.stages) == 1
    assert s.stages[0].elected == ["A"] and s.elected == ["A"]
    assert s.stages[0].quota == D(5)  # 9 // 2 + 1


def test_exhausted_papers_lower_the_majority_needed() -> None:
    s = count_irv(parse_blt('3 1\n4 1 0\n3 2 0\n2 3 0\n0\n"A"\n"B"\n"C"\n"t"\n'))
    assert [st.excluded for st in s.stages] == [[], ["C"]]
    assert s.stages[1].non_transferable == D(2)
    assert s.stages[1].quota == D(4)  # majority of the 7 votes still in play
    assert s.elected == ["A"]


def test_transfers_follow_next_continuing_preference() -> None:
    text = '4 1\n4 1 0\n3 2 0\n2 3 4 2 0\n1 4 3 0\n0\n"A"\n"B"\n"C"\n"D"\n"t"\n'
    s = count_irv(parse_blt(text))
    assert {k: int(v) for k, v in s.stages[1].totals.items()} == {"A": 4, "B": 3, "C": 3, "D": 0}
    # B and C tie at 3; at stage 1 C had 2 against B's 3, so C goes; its papers skip D
    assert s.stages[2].excluded == ["C"]
    assert s.ties[0].method == "earlier stage" and s.ties[0].earlier_stage == 1
    assert {k: int(v) for k, v in s.stages[2].totals.items()} == {"A": 4, "B": 5, "C": 0, "D": 0}
    assert s.elected == ["B"]


def test_lot_when_tied_at_every_stage() -> None:
    e = parse_blt('3 1\n2 1 2 0\n2 2 1 0\n3 3 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    seen = set()
    for seed in range(12):
        s = count_irv(e, seed=seed)
        loser = random.Random(seed).choice(["A", "B"])
        assert s.ties[0].method == "lot" and s.ties[0].seed == seed and s.ties[0].chosen == loser
        assert s.elected == (["B"] if loser == "A" else ["A"])
        seen.add(loser)
    assert seen == {"A", "B"}


def test_json_uses_whole_numbers() -> None:
    data = count_irv(parse_blt('2 1\n2 1 0\n1 2 0\n0\n"A"\n"B"\n"t"\n')).to_json()
    assert data["method"] == "irv" and data["seats"] == 1 and data["quota"] is None
    assert data["valid"] == "3"
    assert data["stages"][0]["totals"] == {"A": "2", "B": "1"}


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 3))
def test_one_winner_and_votes_conserved(e: Election, seed: int) -> None:
    s = count_irv(e, seed=seed)
    live = len(e.candidates) - len(e.withdrawn)
    assert len(s.elected) == (1 if live else 0)
    for stage in s.stages:
        assert sum(stage.totals.values()) + stage.non_transferable == s.valid
    last = s.stages[-1]
    if s.elected and sum(last.totals.values()):
        assert 2 * last.totals[s.elected[0]] > sum(last.totals.values())
