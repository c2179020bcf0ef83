"""Schulze: the widely published 45-voter example, ranking ties, and the Condorcet
criterion as a property."""

from __future__ import annotations

import random

from hypothesis import given, settings

from charter.voting.counting import count_schulze, parse_blt
from charter.voting.counting.blt import Election

from .test_counting_scottish import elections

# 5 ACBED, 5 ADECB, 8 BEDAC, 3 CABED, 7 CAEBD, 2 CBADE, 7 DCEBA, 8 EBADC
EXAMPLE = """5 1
5 1 3 2 5 4 0
5 1 4 5 3 2 0
8 2 5 4 1 3 0
3 3 1 2 5 4 0
7 3 1 5 2 4 0
2 3 2 1 4 5 0
7 4 3 5 2 1 0
8 5 2 1 4 3 0
0
"A"
"B"
"C"
"D"
"E"
"Schulze's example"
"""


def test_published_example_matrices_and_ranking() -> None:
    r = count_schulze(parse_blt(EXAMPLE))
    d = {a: [r.pairwise[a][b] for b in "ABCDE" if b != a] for a in "ABCDE"}
    assert d == {
        "A": [20, 26, 30, 22],
        "B": [25, 16, 33, 18],
        "C": [19, 29, 17, 24],
        "D": [15, 12, 28, 14],
        "E": [23, 27, 21, 31],
    }
    p = {a: [r.paths[a][b] for b in "ABCDE" if b != a] for a in "ABCDE"}
    assert p == {
        "A": [28, 28, 30, 24],
        "B": [25, 28, 33, 24],
        "C": [25, 29, 29, 24],
        "D": [25, 28, 28, 24],
        "E": [25, 28, 28, 31],
    }
    assert r.ranking == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert r.elected == ["E"]
    assert r.valid == 45


def test_seats_take_the_top_of_the_ranking() -> None:
    assert count_schulze(parse_blt(EXAMPLE), seats=3).elected == ["E", "A", "C"]


def test_unranked_candidates_rank_below_ranked_ones_and_equal() -> None:
    r = count_schulze(parse_blt('3 1\n2 1 0\n0\n"A"\n"B"\n"C"\n"t"\n'))
    assert r.pairwise["A"] == {"B": 2, "C": 2}
    assert r.pairwise["B"] == {"A": 0, "C": 0}
    assert r.ranking == [["A"], ["B", "C"]]


def test_a_tie_straddling_the_last_seat_is_drawn_by_lot() -> None:
    e = parse_blt('3 2\n3 1 0\n1 2 3 0\n1 3 2 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    for seed in range(4):
        r = count_schulze(e, seed=seed)
        assert r.ranking == [["A"], ["B", "C"]]
        [tie] = r.ties
        assert (tie.method, tie.seed, tie.purpose) == ("lot", seed, "last seats")
        assert tie.chosen == random.Random(seed).choice(["B", "C"])
        assert r.elected == ["A", tie.chosen]


def test_withdrawn_candidates_are_left_out() -> None:
    r = count_schulze(parse_blt('3 1\n-1\n2 1 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"t"\n'))
    assert set(r.pairwise) == {"B", "C"} and r.elected == ["B"]
    assert r.valid == 3


def test_json_carries_ranking_and_matrices() -> None:
    data = count_schulze(parse_blt(EXAMPLE)).to_json()
    assert data["method"] == "schulze" and data["elected"] == ["E"] and data["stages"] == []
    assert data["ranking"][0] == ["E"]
    assert data["pairwise"]["A"]["B"] == 20 and data["strongest_paths"]["E"]["D"] == 31


@settings(max_examples=300, deadline=None)
@given(elections(max_candidates=6, max_ballots=30))
def test_a_condorcet_winner_is_the_only_schulze_winner(e: Election) -> None:
    r = count_schulze(e, seats=1)
    names = [c for i, c in enumerate(e.candidates) if i not in e.withdrawn]
    beats_all = [
        a for a in names if all(r.pairwise[a][b] > r.pairwise[b][a] for b in names if b != a)
    ]
    if beats_all:
        assert r.ranking[0] == beats_all
        assert r.elected == beats_all


@settings(max_examples=200, deadline=None)
@given(elections(max_candidates=6, max_ballots=30))
def test_ranking_is_a_partition_consistent_with_path_strengths(e: Election) -> None:
    r = count_schulze(e)
    flat = [c for group in r.ranking for c in group]
    assert sorted(flat) == sorted(r.candidates)
    place = {c: i for i, group in enumerate(r.ranking) for c in group}
    for a in r.candidates:
        for b in r.candidates:
            if a != b and r.paths[a][b] > r.paths[b][a]:
                assert place[a] < place[b]
