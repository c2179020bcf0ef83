"""Canonical JSON for transparency-log entries.

``canonical_json`` turns a JSON-compatible value into the exact bytes that are
hashed into the log (``merkle.leaf_hash(canonical_json(entry))``).  Anyone who
holds the entry object can recompute those bytes, in any language, with an
RFC 8785 (JSON Canonicalization Scheme) implementation.

The accepted value space is deliberately smaller than RFC 8785's:

* ``dict`` with ``str`` keys, ``list``, ``str``, ``int``, ``bool``, ``None``;
* integers must lie in the interoperable range ``-(2**53 - 1) .. 2**53 - 1``
  (RFC 8785 numbers are IEEE-754 doubles; bigger integers are not portable);
* no floats, no ``Decimal``, no dates, no tuples, no sets: the caller converts
  such values to strings first, so that their textual form is chosen
  explicitly and never depends on a float formatting algorithm.

Within that space the output is byte-for-byte what RFC 8785 produces:

* object members sorted by their names compared as sequences of UTF-16 code
  units (RFC 8785 section 3.2.3), which differs from code-point order only
  for names holding characters above U+FFFF next to characters in
  U+E000..U+FFFF;
* no whitespace, separators ``,`` and ``:``;
* strings as UTF-8, escaping only ``"``, ``\\`` and the control characters
  U+0000..U+001F (as ``\\b \\t \\n \\f \\r`` or ``\\u00xx`` with lower-case
  hex), everything else literal;
* integers in plain decimal.

This module has no dependencies beyond the standard library.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring as _json_string
from typing import Any

__all__ = ["MAX_SAFE_INTEGER", "canonical_json", "sha256_hex"]

#: Largest integer magnitude that survives a round trip through an IEEE-754
#: double, i.e. the largest one every JSON implementation reads back exactly.
MAX_SAFE_INTEGER = 2**53 - 1


def sha256_hex(b: bytes) -> str:
    """Lower-case hex SHA-256 digest of ``b``."""
    return hashlib.sha256(b).hexdigest()


def _utf16_key(name: str) -> bytes:
    # Comparing the UTF-16BE encodings byte by byte orders strings exactly as
    # comparing their UTF-16 code units does (each unit is two big-endian
    # bytes).  The strings were checked for lone surrogates beforehand.
    return name.encode("utf-16-be")


def _check_string(s: str, path: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"{path}: string contains a lone surrogate ({exc.object[exc.start]!r}), "
            "which is not valid Unicode"
        ) from None


def _child(path: str, key: str) -> str:
    if key.isidentifier():
        return f"{path}.{key}"
    return f"{path}[{_json_string(key)}]"


def _encode(value: Any, path: str, out: list[str]) -> None:
    # Order matters: bool is a subclass of int.
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        _check_string(value, path)
        out.append(_json_string(str.__str__(value)))
    elif isinstance(value, int):
        n = int(value)
        if not -MAX_SAFE_INTEGER <= n <= MAX_SAFE_INTEGER:
            raise ValueError(
                f"{path}: integer {n} is outside the interoperable JSON range "
                f"+/-(2**53 - 1); store it as a string"
            )
        out.append(str(n))
    elif isinstance(value, dict):
        items = []
        for key in value:
            if not isinstance(key, str):
                raise TypeError(
                    f"{path}: object key {key!r} is a {type(key).__name__}; "
                    "only str keys are allowed"
                )
            _check_string(key, f"{path} (a key)")
            items.append((_utf16_key(key), key))
        items.sort()
        out.append("{")
        first = True
        for _, key in items:
            if not first:
                out.append(",")
            first = False
            out.append(_json_string(str.__str__(key)))
            out.append(":")
            _encode(value[key], _child(path, key), out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, f"{path}[{i}]", out)
        out.append("]")
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{path}: {value!r} is not representable in JSON")
        raise TypeError(
            f"{path}: float {value!r} is not allowed in canonical JSON; "
            "convert it to a string (or an integer) first"
        )
    else:
        raise TypeError(
            f"{path}: value of type {type(value).__name__} is not allowed in "
            "canonical JSON (only dict, list, str, int, bool and None); "
            "convert it to a string first"
        )


class _NotCanonical(Exception):
    pass


def _no_float(text: str) -> Any:
    raise _NotCanonical(text)


def _safe_int(text: str) -> int:
    n = int(text)
    if not -MAX_SAFE_INTEGER <= n <= MAX_SAFE_INTEGER:
        raise _NotCanonical(text)
    return n


# The fast way: the standard library's C encoder writes the same bytes as ``_encode`` whenever the
# value is in the accepted space and no string holds a character above U+FFFF (then code-point order
# is UTF-16 order). Reading the text back proves the first: a float, an integer out of range, a
# tuple, a key that is not a string, anything the encoder changed, makes it differ or raise, and
# ``_encode`` then says what is wrong and where.
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False).encode
_loads = json.JSONDecoder(parse_float=_no_float, parse_int=_safe_int, parse_constant=_no_float).decode


def _fast(obj: Any) -> bytes | None:
    try:
        text = _dumps(obj)
        if not text.isascii() and max(text) > "\uffff":
            return None
        data = text.encode("utf-8")  # a lone surrogate raises
        if _loads(text) != obj:
            return None
    except (TypeError, ValueError, RecursionError, _NotCanonical):
        return None
    return data


def canonical_json(obj: Any) -> bytes:
    """Serialize ``obj`` to canonical JSON bytes (RFC 8785 on a restricted value space).

    Raises ``TypeError`` (naming the JSON path, e.g. ``$.votes[3].weight``) for
    any value outside dict/list/str/int/bool/None, and ``ValueError`` for NaN,
    infinities, integers beyond +/-(2**53 - 1) and strings that are not valid
    Unicode (lone surrogates).
    """
    data = _fast(obj)
    if data is not None:
        return data
    out: list[str] = []
    try:
        _encode(obj, "$", out)
    except RecursionError:
        raise ValueError("value is nested too deeply to serialize") from None
    return "".join(out).encode("utf-8")
