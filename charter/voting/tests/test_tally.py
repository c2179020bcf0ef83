"""Every method's tally on hand-made ballots; the committed list and its hash."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.lib.canonical import canonical_json
from charter.voting import tally


def papers(*groups: tuple[int, object]) -> list[dict]:
    """(count, vote) groups as single-weight ballots with distinct trackers."""
    out = []
    for count, vote in groups:
        for _ in range(count):
            out.append({"tracker": f"{len(out):032x}", "weight": 1, "vote": vote})
    return out


def test_yes_no_adds_up_weights():
    ballots = [{"tracker": "a", "weight": 48, "vote": "yes"}, {"tracker": "b", "weight": 12, "vote": "no"}, {"tracker": "c", "weight": 1, "vote": "abstain"}, {"tracker": "d", "weight": 3, "vote": "yes"}]
    result = tally.count("yes_no", options=(), seats=1, ballots=ballots, seed=0)
    assert result["totals"] == {"yes": 51, "no": 12, "abstain": 1}
    assert result["ballots"] == 4 and result["weight"] == 64


def test_approval_elects_the_most_approved():
    ballots = papers((3, [1, 2]), (2, [2, 3]), (1, [3]), (1, []))
    result = tally.count("approval", options=["Ann", "Ben", "Cy"], seats=1, ballots=ballots, seed=0)
    assert result["totals"] == {"1": 3, "2": 5, "3": 3}
    assert result["elected"] == [2] and result["blank"] == 1 and not result["ties"]


def test_block_vote_breaks_a_tie_for_the_last_seat_by_a_recorded_lot():
    ballots = papers((4, [1, 2]), (4, [1, 3]))
    first = tally.count("block", options=["Ann", "Ben", "Cy"], seats=2, ballots=ballots, seed=7)
    again = tally.count("block", options=["Ann", "Ben", "Cy"], seats=2, ballots=ballots, seed=7)
    assert first == again  # the same committed list and seed give the same draw
    assert first["elected"][0] == 1 and first["elected"][1] in (2, 3)
    assert first["ties"] == [{"purpose": "last seats", "tied": [2, 3], "chosen": first["elected"][1:], "method": "lot", "seed": 7}]


def test_instant_runoff_transfers_the_excluded_candidates_papers():
    ballots = papers((4, [1]), (3, [2]), (2, [3, 2]))
    result = tally.count("irv", options=["Ann", "Ben", "Cy"], seats=1, ballots=ballots, seed=0)
    assert result["elected"] == [2]
    assert [s["action"]["kind"] for s in result["stages"]] == ["first", "exclusion"]
    assert result["stages"][-1]["totals"]["Ben"].startswith("5")


def test_scottish_stv_truncates_the_surplus_transfer_to_five_places():
    # 11 papers, 2 seats: quota 4. Ann's surplus of 2 goes to Ben at 0.33333 a paper, 0.00002 lost.
    ballots = papers((6, [1, 2]), (2, [2]), (3, [3]))
    result = tally.count("scottish-stv", options=["Ann", "Ben", "Cy"], seats=2, ballots=ballots, seed=0)
    assert result["quota"] == "4.00000"
    assert result["elected"] == [1, 2]
    surplus = result["stages"][1]
    assert surplus["action"]["kind"] == "surplus" and surplus["totals"]["Ben"] == "3.99998" and surplus["rounding_loss"] == "0.00002"
    assert "Stage" in result["text"]


def test_meek_stv_elects_the_same_pair_here():
    ballots = papers((6, [1, 2]), (2, [2]), (3, [3]))
    result = tally.count("meek-stv", options=["Ann", "Ben", "Cy"], seats=2, ballots=ballots, seed=0)
    assert sorted(result["elected"]) == [1, 2]
    assert result["method"] == "meek-stv" and result["stages"]


def test_schulze_resolves_a_cycle_by_the_strongest_paths():
    # A beats B 7-4, B beats C 9-2, C beats A 6-5: the weakest link of the cycle is C over A.
    ballots = papers((5, [1, 2, 3]), (4, [2, 3, 1]), (2, [3, 1, 2]))
    result = tally.count("schulze", options=["A", "B", "C"], seats=1, ballots=ballots, seed=0)
    assert result["ranking"] == [["A"], ["B"], ["C"]]
    assert result["elected"] == [1]
    assert result["pairwise"]["A"]["B"] == 7 and result["strongest_paths"]["B"]["A"] == 6


def test_a_weighted_ranked_ballot_counts_as_that_many_papers():
    heavy = [{"tracker": "a", "weight": 5, "vote": [1]}, {"tracker": "b", "weight": 4, "vote": [2]}]
    light = papers((5, [1]), (4, [2]))
    assert tally.count("irv", options=["A", "B"], seats=1, ballots=heavy, seed=0)["elected"] == [1]
    assert tally.count("irv", options=["A", "B"], seats=1, ballots=heavy, seed=0)["stages"] == tally.count("irv", options=["A", "B"], seats=1, ballots=light, seed=0)["stages"]


def test_the_list_is_sorted_by_tracker_and_its_hash_is_sha256_of_canonical_json():
    rows = [("ff", 1, "no"), ("0a", 2, "yes")]
    ballots = tally.ballot_list(rows)
    assert [b["tracker"] for b in ballots] == ["0a", "ff"]
    assert tally.list_bytes(ballots) == b'[{"tracker":"0a","vote":"yes","weight":2},{"tracker":"ff","vote":"no","weight":1}]'
    assert tally.list_hash(ballots) == hashlib.sha256(canonical_json(ballots)).hexdigest()
    assert tally.list_hash(tally.ballot_list([("ff", 1, "yes"), ("0a", 2, "yes")])) != tally.list_hash(ballots)


def test_unknown_method_is_an_error():
    with pytest.raises(ValueError):
        tally.count("borda", options=["A"], seats=1, ballots=[], seed=0)


# --- properties ---------------------------------------------------------------------------------

trackers = st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
yes_no_rows = st.lists(st.tuples(trackers, st.integers(1, 1000), st.sampled_from(["yes", "no", "abstain"])), unique_by=lambda r: r[0], max_size=40)


@given(yes_no_rows, st.randoms())
def test_the_committed_hash_does_not_depend_on_the_order_rows_are_read(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert tally.list_hash(tally.ballot_list(rows)) == tally.list_hash(tally.ballot_list(shuffled))


@given(yes_no_rows)
def test_yes_no_totals_add_up_to_the_weight_cast(rows):
    result = tally.count("yes_no", options=(), seats=1, ballots=tally.ballot_list(rows), seed=0)
    assert sum(result["totals"].values()) == sum(w for _t, w, _v in rows) == result["weight"]


@settings(max_examples=60)
@given(st.integers(2, 6).flatmap(lambda n: st.tuples(
    st.just(n), st.integers(1, n - 1),
    st.lists(st.tuples(st.integers(1, 5), st.sets(st.integers(1, n))), max_size=30),
    st.integers(0, 2**32),
)))
def test_choose_elects_the_seats_and_nobody_left_out_had_more_votes(case):
    n, seats, groups, seed = case
    ballots = [{"tracker": f"{i:032x}", "weight": w, "vote": sorted(v)} for i, (w, v) in enumerate(groups)]
    result = tally.count("approval", options=[f"O{k}" for k in range(1, n + 1)], seats=seats, ballots=ballots, seed=seed)
    elected = result["elected"]
    assert len(elected) == len(set(elected)) == seats
    totals = result["totals"]
    assert min(totals[str(k)] for k in elected) >= max((totals[str(k)] for k in range(1, n + 1) if k not in elected), default=0)


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(1, 4), st.permutations([1, 2, 3, 4]).map(lambda p: p[:3])), min_size=1, max_size=15))
def test_a_ranked_ballot_of_weight_w_counts_as_w_papers(groups):
    heavy = [{"tracker": f"{i:032x}", "weight": w, "vote": list(v)} for i, (w, v) in enumerate(groups)]
    light = [{"tracker": f"{i:08x}{j:024x}", "weight": 1, "vote": list(v)} for i, (w, v) in enumerate(groups) for j in range(w)]
    options = ["A", "B", "C", "D"]
    for method in ("irv", "scottish-stv", "schulze"):
        seats = 1 if method == "irv" else 2
        a = tally.count(method, options=options, seats=seats, ballots=heavy, seed=1)
        b = tally.count(method, options=options, seats=seats, ballots=light, seed=1)
        assert (a["elected"], a.get("stages")) == (b["elected"], b.get("stages"))
