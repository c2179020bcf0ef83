"""The final text of a resolution: its text with the adopted amendments applied in their order.
Pure: no Django, table-tested."""

from __future__ import annotations

from collections.abc import Sequence


def apply(text: str, amendments: Sequence[tuple[str, str]]) -> tuple[str, list[int]]:
    """(final text, the 1-based positions of amendments whose passage was no longer found).

    Each amendment replaces the first occurrence of its passage in the text as amended so far."""
    missing: list[int] = []
    for i, (passage, replacement) in enumerate(amendments, 1):
        if passage and passage in text:
            text = text.replace(passage, replacement, 1)
        else:
            missing.append(i)
    return text, missing
