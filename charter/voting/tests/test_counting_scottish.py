"""Scottish STV: hand-checked counts, the official Glasgow 2022 figures stage by
stage, and properties against a literal paper-by-paper reading of the rules."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.voting.counting import count_scottish, parse_blt
from charter.voting.counting.blt import Election, read_blt
from charter.voting.counting.sheet import CountSheet

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "elections"
WARDS = ["glasgow-2022-ward01-linn", "glasgow-2022-ward02-newlands-auldburn"]
D = Decimal


def blt(text: str) -> Election:
    return parse_blt(text)


def totals(sheet: CountSheet, number: int) -> dict[str, str]:
    return {k: str(v) for k, v in sheet.stages[number - 1].totals.items()}


# -- small counts checked by hand ---------------------------------------------------

SURPLUS_AND_EXHAUSTED = """3 2
6 1 2 0
2 1 3 0
1 1 0
4 2 0
5 3 0
0
"A"
"B"
"C"
"hand count"
"""


def test_surplus_transfer_truncates_and_the_last_vacancy_is_filled() -> None:
    s = count_scottish(blt(SURPLUS_AND_EXHAUSTED))
    assert (s.valid, s.quota) == (D("18.00000"), D("7.00000"))  # 18 // 3 + 1
    assert totals(s, 1) == {"A": "9.00000", "B": "4.00000", "C": "5.00000"}
    assert s.stages[0].elected == ["A"]
    # surplus 2 of 9: each paper goes on at trunc5(2/9) = 0.22222
    assert s.stages[1].action.kind == "surplus" and s.stages[1].action.candidates == ["A"]
    assert totals(s, 2) == {"A": "7.00000", "B": "5.33332", "C": "5.44444"}
    assert s.stages[1].non_transferable == D("0.22222")  # the bullet vote, at 0.22222
    assert s.stages[1].rounding_loss == D("0.00002")  # 2 - 9 * 0.22222
    # no surplus left: B (lowest) is excluded; all B's papers are exhausted
    assert s.stages[2].action.kind == "exclusion" and s.stages[2].excluded == ["B"]
    assert totals(s, 3) == {"A": "7.00000", "B": "0.00000", "C": "5.44444"}
    assert s.stages[2].non_transferable == D("5.55556")  # 0.22222 + 0.00002 + 4 + 1.33332
    assert s.stages[2].rounding_loss == D("0.00000")
    # one continuing candidate for one vacancy: elected below the quota (rule 52)
    assert s.stages[2].elected == ["C"]
    assert s.elected == ["A", "C"]
    assert s.ties == []


EARLIER_STAGE_TIE = """4 2
8 1 3 4 0
4 2 0
3 3 2 0
5 4 0
0
"A"
"B"
"C"
"D"
"tie settled by an earlier stage"
"""


def test_exclusion_tie_is_settled_by_the_latest_stage_where_they_differed() -> None:
    s = count_scottish(blt(EARLIER_STAGE_TIE))
    assert s.quota == D("7.00000")
    assert totals(s, 2) == {"A": "7.00000", "B": "4.00000", "C": "4.00000", "D": "5.00000"}
    # B and C tie at 4; at stage 1 C had 3 against B's 4, so C is excluded
    assert s.stages[2].excluded == ["C"]
    [tie] = s.ties
    assert (tie.purpose, tie.method, tie.earlier_stage, tie.chosen) == (
        "exclusion",
        "earlier stage",
        1,
        "C",
    )
    assert tie.tied == ["B", "C"] and tie.seed is None
    assert totals(s, 3) == {"A": "7.00000", "B": "7.00000", "C": "0.00000", "D": "6.00000"}
    assert s.elected == ["A", "B"]


LOT_TIE = """3 1
3 1 2 0
3 2 1 0
5 3 0
0
"A"
"B"
"C"
"tie by lot"
"""


@pytest.mark.parametrize("seed", range(6))
def test_tie_equal_at_every_stage_is_drawn_by_seeded_lot_and_recorded(seed: int) -> None:
    s = count_scottish(blt(LOT_TIE), seed=seed)
    loser = random.Random(seed).choice(["A", "B"])
    winner = "B" if loser == "A" else "A"
    [tie] = s.ties
    assert (tie.method, tie.seed, tie.draw, tie.chosen, tie.tied) == (
        "lot",
        seed,
        1,
        loser,
        ["A", "B"],
    )
    assert s.stages[1].excluded == [loser]
    assert s.elected == [winner]
    assert count_scottish(blt(LOT_TIE), seed=seed).to_json() == s.to_json()


def test_both_outcomes_of_the_lot_occur() -> None:
    winners = {tuple(count_scottish(blt(LOT_TIE), seed=seed).elected) for seed in range(20)}
    assert winners == {("A",), ("B",)}


def test_equal_surpluses_go_by_the_earlier_stage_then_lot() -> None:
    # A and B both reach 10 at stage 2; at stage 1 B had more, so B's surplus goes first
    e = blt('4 2\n6 1 3 0\n4 3 1 0\n10 2 4 0\n1 4 0\n0\n"A"\n"B"\n"C"\n"D"\n"t"\n')
    s = count_scottish(e)
    assert s.quota == D("8.00000")  # 21 // 3 + 1
    assert totals(s, 1)["A"] == "6.00000" and totals(s, 1)["B"] == "10.00000"
    assert s.stages[0].elected == ["B"]
    assert s.stages[1].action.candidates == ["B"]


def test_withdrawn_candidates_are_skipped_and_never_receive_votes() -> None:
    e = blt('4 1\n-2\n3 2 1 0\n2 3 0\n4 4 0\n1 2 0\n0\n"A"\n"B"\n"C"\n"D"\n"t"\n')
    s = count_scottish(e)
    assert s.valid == D("9.00000")  # the paper for B alone is not a valid vote
    assert s.quota == D("5.00000")
    assert s.withdrawn == ["B"]
    assert totals(s, 1) == {"A": "3.00000", "C": "2.00000", "D": "4.00000"}
    assert [st.excluded for st in s.stages] == [[], ["C"], ["A"]]
    assert s.stages[2].non_transferable == D("5.00000")
    assert s.elected == ["D"]


def test_continuing_equal_to_vacancies_elects_without_transferring_the_surplus() -> None:
    e = blt('3 2\n-3\n7 1 2 0\n2 2 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    s = count_scottish(e)
    assert len(s.stages) == 1
    assert s.stages[0].elected == ["A", "B"]


def test_seats_filled_by_quota_stop_the_count() -> None:
    e = blt('3 2\n5 1 0\n5 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"t"\n')
    s = count_scottish(e)
    assert len(s.stages) == 1 and s.elected == ["A", "B"]


def test_seats_override_changes_the_quota() -> None:
    s = count_scottish(blt(SURPLUS_AND_EXHAUSTED), seats=1)
    assert s.seats == 1 and s.quota == D("10.00000")


def test_to_json_has_exactly_the_agreed_shape_with_five_places() -> None:
    data = count_scottish(blt(SURPLUS_AND_EXHAUSTED)).to_json()
    assert list(data) == ["method", "seats", "valid", "quota", "elected", "stages"]
    assert data["method"] == "scottish-stv" and data["seats"] == 2
    assert (data["valid"], data["quota"]) == ("18.00000", "7.00000")
    stage = data["stages"][1]
    assert list(stage) == [
        "number",
        "action",
        "totals",
        "non_transferable",
        "rounding_loss",
        "elected",
        "excluded",
    ]
    assert stage["action"] == {"kind": "surplus", "candidates": ["A"]}
    assert stage["totals"] == {"A": "7.00000", "B": "5.33332", "C": "5.44444"}
    assert (stage["non_transferable"], stage["rounding_loss"]) == ("0.22222", "0.00002")
    assert data["stages"][0]["action"] == {"kind": "first", "candidates": []}
    json.dumps(data)  # serialisable as it is


def test_text_table_shows_stages_marks_and_non_transferable() -> None:
    text = count_scottish(blt(SURPLUS_AND_EXHAUSTED)).to_text()
    assert "9.00000 *" in text and "0.00000 x" in text
    assert "Non-transferable" in text and "5.55556" in text
    assert "Stage 2: Surplus of A (2.00000)" in text
    assert "Elected: A, C" in text


# -- the official Glasgow 2022 counts -----------------------------------------------


def ward(name: str) -> tuple[Election, dict[str, Any]]:
    folder = SHARED / name
    if not folder.is_dir():
        pytest.skip("shared election data not present")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    return read_blt(folder / expected["blt_file"]), expected


@pytest.mark.parametrize("name", WARDS)
def test_glasgow_quota_valid_votes_and_order_of_election(name: str) -> None:
    election, expected = ward(name)
    s = count_scottish(election)
    assert s.valid == expected["valid_votes"]
    assert s.quota == expected["quota"]
    assert s.elected == expected["elected_in_order"]
    assert len(s.stages) == len(expected["stages"])
    for who in expected["elected_declaration"]:
        assert who["name"] in s.stages[who["stage"] - 1].elected


@pytest.mark.parametrize("name", WARDS)
def test_glasgow_every_stage_matches_the_official_sheet(name: str) -> None:
    election, expected = ward(name)
    s = count_scottish(election)
    for ours, official in zip(s.stages, expected["stages"], strict=True):
        n = official["stage"]
        assert ours.number == n
        for cand, row in official["candidates"].items():
            assert ours.totals[cand] == D(row["votes"]), (n, cand)
            assert (cand in ours.elected) == (row["status"] == "Elected"), (n, cand)
        assert ours.non_transferable == D(official["non_transferable"][-1]), n
        assert ours.rounding_loss == D(official["non_transferable_rounding"][0]), n
        if official["action"] is None:
            assert ours.action.kind == "first"
        else:
            assert ours.action.kind == official["action"], n
            assert ours.action.candidates == [official["action_of"]], n
            assert ours.action.amount == D(official["action_value"]), n


@pytest.mark.parametrize("name", WARDS)
def test_glasgow_stage_transfers_match(name: str) -> None:
    election, expected = ward(name)
    s = count_scottish(election)
    for before, after, official in zip(
        s.stages[:-1], s.stages[1:], expected["stages"][1:], strict=True
    ):
        for cand, row in official["candidates"].items():
            assert after.totals[cand] - before.totals[cand] == D(row["transferred"]), (
                official["stage"],
                cand,
            )
        moved = after.non_transferable - before.non_transferable - before.rounding_loss
        assert moved == D(official["non_transferable"][0]), official["stage"]


@pytest.mark.parametrize("name", WARDS)
def test_glasgow_json_strings_have_five_places(name: str) -> None:
    election, expected = ward(name)
    data = count_scottish(election).to_json()
    assert data["quota"] == f"{expected['quota']}.00000"
    for stage, official in zip(data["stages"][1:], expected["stages"][1:], strict=True):
        assert stage["totals"] == {k: v["votes"] for k, v in official["candidates"].items()}


# -- properties -----------------------------------------------------------------------

UNIT = 100_000


def reference_count(
    e: Election, seats: int, seed: int
) -> tuple[list[tuple[list[int], int, int]], list[int]]:
    """The rules read literally, one ballot paper at a time. Returns, per stage,
    (votes by candidate, cumulative non-transferable with earlier losses, loss),
    and the candidates in order of election."""
    n = len(e.candidates)
    live = [c for c in range(n) if c not in e.withdrawn]
    continuing = [c in live for c in range(n)]
    piles: list[list[list[Any]]] = [[] for _ in range(n)]
    rng = random.Random(seed)

    def place(paper: list[Any]) -> bool:
        prefs, pos = paper[0], paper[1] + 1
        while pos < len(prefs) and not continuing[prefs[pos]]:
            pos += 1
        paper[1] = pos
        if pos == len(prefs):
            return False
        piles[prefs[pos]].append(paper)
        return True

    def pick(tied: list[int], history: list[list[int]], highest: bool) -> int:
        group = sorted(tied)
        if len(group) == 1:
            return group[0]
        for row in reversed(history):
            if len({row[c] for c in group}) > 1:
                best = (max if highest else min)(row[c] for c in group)
                group = [c for c in group if row[c] == best]
                if len(group) == 1:
                    return group[0]
        return rng.choice(group)

    valid = 0
    for weight, prefs in e.ballots:
        for _ in range(weight):
            if place([prefs, -1, UNIT]):
                valid += 1
    quota = (valid // (seats + 1) + 1) * UNIT
    votes = [sum(p[2] for p in piles[c]) for c in range(n)]
    nt, losses = 0, 0
    stages: list[tuple[list[int], int, int]] = []
    elected: list[int] = []
    pending: list[int] = []

    def end_stage(loss: int) -> None:
        nonlocal losses
        stages.append((list(votes), nt + losses, loss))
        losses += loss
        history = [s[0] for s in stages[:-1]]
        reached = [c for c in live if continuing[c] and votes[c] >= quota]
        reached.sort(key=lambda c: (-votes[c], *(-h[c] for h in reversed(history)), c))
        for c in reached:
            continuing[c] = False
            elected.append(c)
            if votes[c] > quota:
                pending.append(c)

    end_stage(0)
    while len(elected) < seats:
        hopeful = [c for c in live if continuing[c]]
        history = [s[0] for s in stages[:-1]]
        if len(hopeful) <= seats - len(elected):
            hopeful.sort(key=lambda c: (-votes[c], *(-h[c] for h in reversed(history)), c))
            elected.extend(hopeful)
            break
        if pending:
            top = max(votes[c] for c in pending)
            cand = pick([c for c in pending if votes[c] == top], history, True)
            pending.remove(cand)
            surplus, total = votes[cand] - quota, votes[cand]
            papers, piles[cand] = piles[cand], []
            sent = 0
            for paper in papers:
                paper[2] = surplus * paper[2] // total
                sent += paper[2]
                if place(paper):
                    votes[paper[0][paper[1]]] += paper[2]
                else:
                    nt += paper[2]
            votes[cand] = quota
            end_stage(surplus - sent)
        else:
            low = min(votes[c] for c in hopeful)
            cand = pick([c for c in hopeful if votes[c] == low], history, False)
            continuing[cand] = False
            papers, piles[cand] = piles[cand], []
            for paper in papers:
                if place(paper):
                    votes[paper[0][paper[1]]] += paper[2]
                else:
                    nt += paper[2]
            votes[cand] = 0
            end_stage(0)
    return stages, elected


@st.composite
def elections(draw: st.DrawFn, max_candidates: int = 6, max_ballots: int = 25) -> Election:
    n = draw(st.integers(2, max_candidates))
    ranking = st.permutations(range(n)).flatmap(
        lambda p: st.integers(0, n).map(lambda k: tuple(p[:k]))
    )
    ballots = draw(st.lists(st.tuples(st.integers(1, 5), ranking), max_size=max_ballots))
    withdrawn = draw(st.sets(st.integers(0, n - 1), max_size=n - 1))
    seats = draw(st.integers(1, n))
    return Election([f"C{i}" for i in range(n)], [None] * n, seats, withdrawn, ballots, "generated")


@settings(max_examples=300, deadline=None)
@given(elections(), st.integers(0, 3))
def test_matches_a_literal_paper_by_paper_count(e: Election, seed: int) -> None:
    s = count_scottish(e, seed=seed)
    stages, elected = reference_count(e, e.seats, seed)
    names = e.candidates
    assert s.elected == [names[c] for c in elected]
    assert len(s.stages) == len(stages)
    for ours, (votes, nt, loss) in zip(s.stages, stages, strict=True):
        assert ours.totals == {
            names[c]: D(votes[c]).scaleb(-5) for c in range(len(names)) if c not in e.withdrawn
        }
        assert ours.non_transferable == D(nt).scaleb(-5)
        assert ours.rounding_loss == D(loss).scaleb(-5)


@settings(max_examples=300, deadline=None)
@given(elections(max_candidates=8, max_ballots=40), st.integers(0, 5))
def test_votes_are_conserved_and_every_seat_is_filled(e: Election, seed: int) -> None:
    s = count_scottish(e, seed=seed)
    for stage in s.stages:
        assert sum(stage.totals.values()) + stage.non_transferable + stage.rounding_loss == s.valid
        assert stage.rounding_loss >= 0
    live = len(e.candidates) - len(e.withdrawn)
    assert len(s.elected) == min(e.seats, live)
    assert len(set(s.elected)) == len(s.elected)
    data = s.to_json()
    for stage_json in data["stages"]:
        for value in [
            *stage_json["totals"].values(),
            stage_json["non_transferable"],
            stage_json["rounding_loss"],
        ]:
            assert len(value.split(".")[1]) == 5
