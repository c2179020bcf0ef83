"""The order of the list of speakers (pure): points of order first, first-time speakers, gender balance."""

from __future__ import annotations

import pytest

from charter.floor.ordering import Request as R
from charter.floor.ordering import order


@pytest.mark.parametrize(
    ("requests", "first_time_first", "balance", "expected"),
    [
        # in the order asked
        ([R(1, False), R(2, False), R(3, False)], False, False, [1, 2, 3]),
        # a point of order goes to the top, whenever it was asked; two keep their own order
        ([R(1, False), R(2, True), R(3, False), R(4, True)], False, False, [2, 4, 1, 3]),
        # first-time speakers before those who have spoken, each in the order asked
        (
            [R(1, False, True), R(2, False, False), R(3, False, True), R(4, False, False)],
            True,
            False,
            [2, 4, 1, 3],
        ),
        # the same list without the option keeps the order asked
        ([R(1, False, True), R(2, False, False)], False, False, [1, 2]),
        # gender balance alternates, starting with whoever asked first
        (
            [
                R(1, False, False, "m"),
                R(2, False, False, "m"),
                R(3, False, False, "m"),
                R(4, False, False, "w"),
                R(5, False, False, "w"),
            ],
            False,
            True,
            [1, 4, 2, 5, 3],
        ),
        # with both, balance works within each tier: nobody who has spoken goes before a first-timer
        (
            [
                R(1, False, False, "m"),
                R(2, False, False, "m"),
                R(3, True),
                R(4, False, True, "w"),
                R(5, False, False, "w"),
            ],
            True,
            True,
            [3, 1, 5, 2, 4],
        ),
        # one group only: balance changes nothing
        ([R(1, False, False, "w"), R(2, False, False, "w")], False, True, [1, 2]),
        ([], True, True, []),
    ],
)
def test_order(requests, first_time_first, balance, expected):  # type: ignore[no-untyped-def]
    assert order(requests, first_time_first=first_time_first, balance=balance) == expected


def test_texts_apply_adopted_amendments_in_order():
    from charter.floor.texts import apply

    assert apply(
        "We greet the workers of the port.",
        [("the port", "the port and the railways"), ("greet", "salute")],
    ) == ("We salute the workers of the port and the railways.", [])
    # an amendment whose passage an earlier one removed is reported, not applied
    assert apply("A b c.", [("b c", "d"), ("c", "e")]) == ("A d.", [2])
