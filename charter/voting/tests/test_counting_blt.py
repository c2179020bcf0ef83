"""The BLT reader: layout variants, aggregation, and errors with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.voting.counting.blt import BltError, Election, parse_blt, read_blt, to_blt

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "elections"

SIMPLE = """3 2
1 1 2 0
2 2 0
1 1 2 0
1 3 1 2 0
0
"Ann" "Reds"
"Bob"
"Cy" "Blues"
"A title"
"""


def test_parses_candidates_parties_seats_and_title() -> None:
    e = parse_blt(SIMPLE)
    assert e.candidates == ["Ann", "Bob", "Cy"]
    assert e.parties == ["Reds", None, "Blues"]
    assert e.seats == 2
    assert e.withdrawn == set()
    assert e.title == "A title"


def test_identical_ballots_are_aggregated_with_zero_based_preferences() -> None:
    e = parse_blt(SIMPLE)
    assert sorted(e.ballots) == [(1, (2, 0, 1)), (2, (0, 1)), (2, (1,))]
    assert e.total_weight == 5


def test_crlf_bytes_and_bom_parse_like_lf_text() -> None:
    crlf = ("\ufeff" + SIMPLE).replace("\n", "\r\n").encode("utf-8")
    assert parse_blt(crlf) == parse_blt(SIMPLE)


def test_withdrawn_line_of_negative_numbers() -> None:
    e = parse_blt('4 1\n-2 -4\n1 1 2 0\n0\n"A"\n"B"\n"C"\n"D"\n"t"\n')
    assert e.withdrawn == {1, 3}


def test_empty_ballot_and_blank_lines_are_accepted() -> None:
    e = parse_blt('2 1\n\n3 0\n1 1 0\n\n0\n\n"A"\n"B"\n"t"\n\n')
    assert sorted(e.ballots) == [(1, (0,)), (3, ())]


def test_closing_zero_with_spaces_and_text_after_the_title() -> None:
    e = parse_blt('2 1\n1 1 0\n 0 \n"A"\n"B"\n"t"\n"a note"\nFirst Prefs 1 0\n')
    assert e.ballots == [(1, (0,))]
    assert e.title == "t"


def test_names_are_kept_exactly_as_decoded_utf8() -> None:
    raw = '1 1\n1 1 0\n0\n"Le\u00c3\u00b3dhas Iain MASSIE" "SNP"\n"Ward"\n'.encode()
    assert parse_blt(raw).candidates == ["Le\u00c3\u00b3dhas Iain MASSIE"]


def test_round_trip_through_to_blt() -> None:
    e = parse_blt('3 2\n-3\n2 1 2 0\n1 2 0\n0\n"A" "P"\n"B"\n"C"\n"t"\n')
    assert parse_blt(to_blt(e)) == e


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "the file is empty"),
        ("3\n0\n", 1, "first line must be 'CANDIDATES SEATS'"),
        ("x 2\n0\n", 1, "first line must be 'CANDIDATES SEATS'"),
        ("3 0\n0\n", 1, "number of seats must be at least 1"),
        ("3 1\n1 1 2 0\n1 4 0\n0\n", 3, "preference 4 is not a candidate (there are 3)"),
        ("3 1\n1 1 2 0\n1 1 2\n0\n", 3, "a ballot line must end with 0"),
        ("3 1\n\n1 1=2 3 0\n0\n", 3, "equal rankings ('1=2') are not supported"),
        ("3 1\n1 1 1 0\n0\n", 2, "candidate 1 is ranked twice"),
        ("3 1\n1 1 0 2 0\n0\n", 2, "text follows the 0 that ends the ballot"),
        ("3 1\nx 1 0\n0\n", 2, "ballot weight 'x' is not a whole number"),
        ("3 1\n-1 1 0\n0\n", 2, "withdrawn candidates must be negative numbers, not '1'"),
        ("3 1\n-5\n1 1 0\n0\n", 2, "withdrawn candidate 5 is not a candidate (there are 3)"),
        ("3 1\n1 1 0\n1 2 0\n", 3, "the file ends before the ballots' closing 0"),
        ('2 1\n1 1 0\n"A"\n"B"\n"t"\n', 3, "candidate names start before the ballots' closing 0"),
        ('3 1\n1 1 0\n0\n"A"\n"B"\n', 5, "expected 3 candidate names, found 2"),
        ('2 1\n1 1 0\n0\n"A"\nB\n"t"\n', 5, "expected candidate 2's name as a quoted string"),
        ('2 1\n1 1 0\n0\n"A"\n"A"\n"t"\n', 5, "candidate name 'A' is also candidate 1's"),
        ('2 1\n1 1 0\n0\n"A"\n"B"\n', 5, "the title line is missing"),
    ],
)
def test_malformed_files_name_the_line_and_the_reason(text: str, line: int, reason: str) -> None:
    with pytest.raises(BltError) as info:
        parse_blt(text)
    assert info.value.line == line
    assert info.value.reason.startswith(reason)
    assert str(info.value).startswith(f"line {line}: ")


def test_invalid_utf8_is_reported_with_its_line() -> None:
    with pytest.raises(BltError, match=r"^line 4: the file is not valid UTF-8"):
        parse_blt(b'1 1\n1 1 0\n0\n"\xff"\n"t"\n')


def test_the_first_bad_line_is_reported_even_among_many_good_ones() -> None:
    good = "1 1 2 0\n" * 1000
    with pytest.raises(BltError, match=r"^line 1003: preference 9"):
        parse_blt("3 1\n" + good + "1 2 1 0\n1 9 0\n" + good + "1 9 0\n0\n")


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared election data not present")
def test_reads_the_published_glasgow_profile() -> None:
    path = next((SHARED / "glasgow-2022-ward02-newlands-auldburn").glob("*.blt"))
    e = read_blt(path)
    assert isinstance(e, Election)
    assert len(e.candidates) == 10 and e.seats == 3
    assert "Le\u00c3\u00b3dhas Iain MASSIE" in e.candidates
    assert e.total_weight == 7565
    assert e.title == "Ward 2 Newlands-Auldburn"
