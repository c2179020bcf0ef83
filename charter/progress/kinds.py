"""The kinds of long operation, each registered by the app that runs it (in its ``tasks.py``): who
besides the person who started one may follow it, and where its result is. The progress app calls
them and imports no app above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from charter.progress.models import Operation


@dataclass(frozen=True)
class Kind:
    key: str
    label: Any  # a lazily translated phrase: "Importing a bank statement"
    # Whether ``user`` may see this operation although they did not start it: the app's own check
    # for seeing the operation's result (raise nothing; answer True or False).
    may_see: Callable[[Any, Operation], bool]
    # The page of the result once done (None: the fragment's own text and download are the result).
    result_url: Callable[[Operation], str | None] = lambda op: None


KINDS: dict[str, Kind] = {}


def register(
    key: str,
    *,
    label: Any,
    may_see: Callable[[Any, Operation], bool],
    result_url: Callable[[Operation], str | None] | None = None,
) -> Kind:
    kind = Kind(key, label, may_see, result_url or (lambda op: None))
    KINDS[key] = kind
    return kind


def kind_of(op: Operation) -> Kind | None:
    return KINDS.get(op.kind)
