"""Meek STV (PR Foundation reference rule): a count worked by hand, agreement with a
plain ballot-by-ballot reading of the rule, and properties shared with other methods."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from charter.voting.counting import count_irv, count_meek, count_scottish, parse_blt
from charter.voting.counting.blt import Election

from .test_counting_scottish import elections

D = Decimal
ONE = 10**9

CASTOR = '3 2\n5 1 2 0\n1 2 0\n3 3 0\n0\n"A"\n"B"\n"C"\n"hand count"\n'


def test_hand_worked_count_with_keep_factor_rounding() -> None:
    s = count_meek(parse_blt(CASTOR))
    # round 1: first preferences; quota 9/3 truncated + 1e-9; A elected
    assert s.stages[0].totals == {"A": D(5), "B": D(1), "C": D(3)}
    assert s.stages[0].quota == D("3.000000001")
    assert s.stages[0].elected == ["A"]
    # round 2: A's keep factor becomes ceil9(ceil9(1 * 3.000000001) / 5) = 0.600000001;
    # each A-B ballot gives A ceil9(0.600000001) and passes 0.399999999 to B
    two = s.stages[1]
    assert two.action.kind == "surplus" and two.action.candidates == ["A"]
    assert two.totals == {"A": D("3.000000005"), "B": D("2.999999995"), "C": D(3)}
    # the surplus 0.000000004 is below omega; B is lowest and C is not within the surplus of B
    three = s.stages[2]
    assert three.excluded == ["B"] and three.action.amount == D("2.999999995")
    assert three.elected == ["C"]
    assert s.elected == ["A", "C"]
    assert s.ties == []


def test_json_values_carry_nine_places() -> None:
    data = count_meek(parse_blt(CASTOR)).to_json()
    assert data["method"] == "meek-stv"
    assert data["valid"] == "9.000000000"
    assert data["stages"][1]["totals"]["A"] == "3.000000005"
    assert data["stages"][1]["rounding_loss"] == "0.000000000"


def test_first_round_majority_single_seat() -> None:
    e = parse_blt('3 1\n6 1 2 0\n3 2 0\n2 3 1 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    s = count_meek(e)
    assert s.elected == ["A"] and len(s.stages) == 1


def test_withdrawn_candidate_keeps_nothing() -> None:
    e = parse_blt('3 1\n-1\n4 1 2 0\n3 3 0\n1 1 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    s = count_meek(e)
    assert s.valid == D(7) and s.withdrawn == ["A"]
    assert s.stages[0].totals == {"B": D(4), "C": D(3)}
    assert s.elected == ["B"]


def test_exclusion_tie_by_lot_is_recorded_with_the_seed() -> None:
    e = parse_blt('3 1\n3 1 2 0\n3 2 1 0\n5 3 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    for seed in range(4):
        s = count_meek(e, seed=seed)
        [tie] = s.ties
        assert tie.method == "lot" and tie.seed == seed
        assert tie.chosen == random.Random(seed).choice(["A", "B"])
        assert s.elected == [{"A": "B", "B": "A"}[tie.chosen]]


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def reference_meek(e: Election, seats: int, seed: int) -> tuple[list[list[int]], list[int]]:
    """The PRF rule ballot by ballot: the votes at the end of each round, and the elected."""
    n = len(e.candidates)
    keep = [0 if c in e.withdrawn else ONE for c in range(n)]
    hopeful = [c for c in range(n) if c not in e.withdrawn]
    elected: list[int] = []
    rng = random.Random(seed)

    def distribute() -> list[int]:
        votes = [0] * n
        for mult, prefs in e.ballots:
            weight = ONE
            for c in prefs:
                if keep[c]:
                    kept = ceil_div(weight * keep[c], ONE)
                    votes[c] += kept * mult
                    weight -= kept
                    if weight == 0:
                        break
        return votes

    def order(cands: list[int], votes: list[int], earlier: list[list[int]]) -> list[int]:
        return sorted(cands, key=lambda c: (-votes[c], *(-r[c] for r in reversed(earlier)), c))

    rounds: list[list[int]] = []
    defeated_last = False
    while 0 < seats - len(elected) < len(hopeful):
        last = None
        while True:
            votes = distribute()
            quota = sum(votes) // (seats + 1) + 1
            reached = [c for c in hopeful if votes[c] >= quota]
            surplus = max(0, sum(votes[c] - quota for c in elected + reached))
            if reached or surplus < 1000 or (last is not None and surplus >= last):
                break
            last = surplus
            for c in elected:
                keep[c] = ceil_div(ceil_div(keep[c] * quota, ONE) * ONE, votes[c])
        rounds.append(votes)
        defeated_last = not reached
        for c in order(reached, votes, rounds[:-1]):
            hopeful.remove(c)
            elected.append(c)
        if reached:
            continue
        low = min(votes[c] for c in hopeful)
        group = sorted(c for c in hopeful if votes[c] <= low + surplus)
        if len(group) > 1:
            for row in reversed(rounds[:-1]):
                if len({row[c] for c in group}) > 1:
                    lowest = min(row[c] for c in group)
                    group = [c for c in group if row[c] == lowest]
                    if len(group) == 1:
                        break
        loser = group[0] if len(group) == 1 else rng.choice(group)
        hopeful.remove(loser)
        keep[loser] = 0
    if defeated_last or not rounds:
        rounds.append(distribute())
    if len(elected) < seats:
        elected += order(hopeful, rounds[-1], rounds[:-1])
    return rounds, elected


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 3))
def test_matches_a_ballot_by_ballot_reading_of_the_rule(e: Election, seed: int) -> None:
    s = count_meek(e, seed=seed)
    rounds, elected = reference_meek(e, e.seats, seed)
    assert s.elected == [e.candidates[c] for c in elected]
    assert len(s.stages) == len(rounds)
    for stage, votes in zip(s.stages, rounds, strict=True):
        assert stage.totals == {
            e.candidates[c]: D(votes[c]).scaleb(-9)
            for c in range(len(votes))
            if c not in e.withdrawn
        }


@settings(max_examples=200, deadline=None)
@given(elections(max_candidates=7, max_ballots=40), st.integers(0, 3))
def test_votes_are_conserved_and_seats_filled(e: Election, seed: int) -> None:
    s = count_meek(e, seed=seed)
    for stage in s.stages:
        assert sum(stage.totals.values()) + stage.non_transferable == s.valid
        assert stage.rounding_loss == 0
    assert len(s.elected) == min(e.seats, len(e.candidates) - len(e.withdrawn))


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 3))
def test_one_seat_meek_elects_the_instant_runoff_winner(e: Election, seed: int) -> None:
    assert count_meek(e, seats=1, seed=seed).elected == count_irv(e, seed=seed).elected


@settings(max_examples=200, deadline=None)
@given(elections())
def test_first_round_majority_agrees_with_scottish_stv(e: Election) -> None:
    first = count_scottish(e, seats=1).stages[0]
    valid = sum(first.totals.values())
    assume(any(2 * v > valid for v in first.totals.values()))
    assert count_meek(e, seats=1).elected == count_scottish(e, seats=1).elected
