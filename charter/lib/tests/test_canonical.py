"""Tests for charter.lib.canonical (RFC 8785 on a restricted value space)."""

from __future__ import annotations

import datetime
import decimal
import enum
import hashlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from charter.lib.canonical import MAX_SAFE_INTEGER, canonical_json, sha256_hex


def test_basic_shape():
    assert (
        canonical_json({"b": 1, "a": [True, False, None, "x"]})
        == b'{"a":[true,false,null,"x"],"b":1}'
    )
    assert canonical_json({}) == b"{}"
    assert canonical_json([]) == b"[]"
    assert canonical_json("") == b'""'
    assert canonical_json(0) == b"0"
    assert canonical_json(-5) == b"-5"
    assert canonical_json(None) == b"null"
    assert isinstance(canonical_json({}), bytes)


def test_nested_objects_are_sorted_at_every_level():
    value = {"z": {"b": 2, "a": 1}, "a": [{"d": 0, "c": 0}]}
    assert canonical_json(value) == b'{"a":[{"c":0,"d":0}],"z":{"a":1,"b":2}}'


def test_rfc8785_sorting_example():
    # RFC 8785 section 3.2.3: names sorted by UTF-16 code units.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    out = json.loads(canonical_json(value))
    assert list(out.values()) == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]


def test_utf16_order_differs_from_code_point_order():
    # U+1F600 is D83D DE00 in UTF-16, which sorts before U+FFFF.
    value = {"\uffff": 1, "\U0001f600": 2}
    assert canonical_json(value) == '{"\U0001f600":2,"\uffff":1}'.encode()
    # Python's own sort_keys uses code points and gets it the other way round.
    assert json.dumps(value, sort_keys=True, ensure_ascii=False).startswith('{"\uffff"')


def test_string_escaping_follows_rfc8785():
    # RFC 8785 section 3.2.2.2 example: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/"
    value = "\u20ac$\u000f\u000aA'\u0042\u0022\u005c\\\"/"
    assert canonical_json(value) == '"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"'.encode()
    assert canonical_json("\b\t\n\f\r") == b'"\\b\\t\\n\\f\\r"'
    assert canonical_json("\x00\x1f") == b'"\\u0000\\u001f"'
    # Not escaped: DEL, non-ASCII, line/paragraph separators, slash.
    assert canonical_json("\x7f\u00e9\u2028\u2029/") == '"\x7f\u00e9\u2028\u2029/"'.encode()


def test_utf8_output():
    assert (
        canonical_json({"name": "Zo\u00eb \U0001f600"}) == '{"name":"Zo\u00eb \U0001f600"}'.encode()
    )


def test_bool_is_not_int():
    assert canonical_json([True, 1, False, 0]) == b"[true,1,false,0]"


def test_integer_range():
    assert canonical_json(MAX_SAFE_INTEGER) == b"9007199254740991"
    assert canonical_json(-MAX_SAFE_INTEGER) == b"-9007199254740991"
    with pytest.raises(ValueError, match=r"\$\.n"):
        canonical_json({"n": MAX_SAFE_INTEGER + 1})
    with pytest.raises(ValueError):
        canonical_json(-(2**60))


class Colour(enum.IntEnum):
    RED = 1


class Kind(str, enum.Enum):  # noqa: UP042 - the mixin whose str() is not its value
    MOTION = "motion"


def test_str_and_int_subclasses_serialize_as_their_values():
    assert canonical_json({"c": Colour.RED, "k": Kind.MOTION}) == b'{"c":1,"k":"motion"}'


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": [1, {"b": 1.5}]}, "$.a[1].b"),
        ({"amount": decimal.Decimal("1.00")}, "$.amount"),
        ({"when": datetime.date(2024, 1, 1)}, "$.when"),
        ({"at": datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)}, "$.at"),
        ({"t": (1, 2)}, "$.t"),
        ({"s": {1, 2}}, "$.s"),
        ({"b": b"bytes"}, "$.b"),
        ([0, 1.0], "$[1]"),
        ({"odd key": 2.5}, '$["odd key"]'),
        ({1: "int key"}, "$"),
        (object(), "$"),
    ],
)
def test_disallowed_types_raise_type_error_with_path(value, path):
    with pytest.raises(TypeError) as exc:
        canonical_json(value)
    assert str(exc.value).startswith(path + ":")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_raise_value_error(bad):
    with pytest.raises(ValueError, match=r"\$\.x\[0\]"):
        canonical_json({"x": [bad]})


def test_lone_surrogates_are_rejected():
    with pytest.raises(ValueError):
        canonical_json("\ud800")
    with pytest.raises(ValueError):
        canonical_json({"\udc00": 1})


def test_deep_nesting_is_a_value_error_not_a_crash():
    value: list = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(ValueError):
        canonical_json(value)


def test_sha256_hex():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex(canonical_json({"a": 1})) == hashlib.sha256(b'{"a":1}').hexdigest()


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
bmp_text = st.text(st.characters(max_codepoint=0xFFFF, blacklist_categories=("Cs",)), max_size=12)
ints = st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)


def json_values(keys):
    return st.recursive(
        st.none() | st.booleans() | ints | text,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=4)
        ),
        max_leaves=20,
    )


@settings(max_examples=300, deadline=None)
@given(json_values(text))
def test_round_trips_through_json(value):
    out = canonical_json(value)
    assert json.loads(out.decode("utf-8")) == value
    # Idempotent: canonicalizing the parsed output gives the same bytes.
    assert canonical_json(json.loads(out)) == out


@settings(max_examples=300, deadline=None)
@given(json_values(bmp_text))
def test_matches_sorted_compact_json_dumps_for_bmp_keys(value):
    # For names inside the BMP, UTF-16 order is code-point order, so the
    # standard library's sorted compact output must be identical.
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(text, ints, max_size=8), st.randoms())
def test_insertion_order_does_not_matter(value, rnd):
    items = list(value.items())
    rnd.shuffle(items)
    assert canonical_json(dict(items)) == canonical_json(value)


def _slow(value):
    from charter.lib import canonical

    out: list[str] = []
    canonical._encode(value, "$", out)
    return "".join(out).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(json_values(text))
def test_the_fast_way_writes_the_bytes_the_definition_writes_or_steps_aside(value):
    from charter.lib import canonical

    fast = canonical._fast(value)
    assert fast is None or fast == _slow(value)
    assert canonical_json(value) == _slow(value)


@pytest.mark.parametrize(
    "value",
    [{"a": 1.0}, {"a": [1, 2.5]}, {"a": (1, 2)}, {1: "a"}, {True: "a"}, {"a": 2**53}, {"a": -(2**53)},
     {"\U0001f600": 1, "\ufb01": 2}, {"a": "\ud800"}, {"a": float("nan")}],
)
def test_the_fast_way_steps_aside_for_what_it_cannot_write_exactly(value):
    from charter.lib import canonical

    assert canonical._fast(value) is None
