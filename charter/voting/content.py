"""What a valid poll and a valid vote look like for each method, and paper batches as typed in by
tellers.

Every problem is an :class:`InvalidInput` that says what is wrong and where, in words a voter or a
teller understands. The vote that comes out is the canonical form stored on the ballot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from charter.lib.errors import InvalidInput
from charter.voting.models import Poll

MAX_LINES = 10_000
MAX_PAPERS = 10**9
MAX_OPTIONS = 200


def poll_shape(method: str, mode: str, options: Sequence[str], seats: int, max_choices: int | None, *, election: bool = False) -> tuple[list[str], int, int]:
    """The options, seats and most choices per ballot of a new poll, checked: (labels, seats, k).

    An election may have as many candidates as seats, or fewer (an uncontested election still goes
    to the ballot; its count elects the candidates who stand and leaves any other seat vacant)."""
    labels = [(o or "").strip() for o in options]
    if method not in Poll.Method.values:
        raise InvalidInput(_("Unknown method '%(m)s'; choose one of %(all)s.") % {"m": method, "all": ", ".join(Poll.Method.values)})
    if mode not in Poll.Mode.values:
        raise InvalidInput(_("Unknown way of voting '%(m)s'; choose one of %(all)s.") % {"m": mode, "all": ", ".join(Poll.Mode.values)})
    if not 1 <= seats <= 1000:
        raise InvalidInput(_("Seats: a whole number from 1."))
    if method == Poll.Method.YES_NO:
        if labels:
            raise InvalidInput(_("A vote for, against or abstaining has no options."))
        return [], 1, 0
    if not (1 if election else 2) <= len(labels) <= MAX_OPTIONS:
        if election:
            raise InvalidInput(_("Candidates: between 1 and %(n)s.") % {"n": MAX_OPTIONS})
        raise InvalidInput(_("Options: between 2 and %(n)s, one per line.") % {"n": MAX_OPTIONS})
    if any(not label or len(label) > 200 for label in labels):
        raise InvalidInput(_("Options: each needs a text of at most 200 characters."))
    if len({label.casefold() for label in labels}) != len(labels):
        raise InvalidInput(_("Options: each must be different from the others."))
    if seats >= len(labels) and not election:
        raise InvalidInput(_("There must be more options than seats; with as many candidates as seats there is nothing to vote on."))
    if method == Poll.Method.IRV and seats != 1:
        raise InvalidInput(_("Instant-runoff fills one seat; use single transferable vote for more."))
    if method not in Poll.CHOOSE:
        return labels, seats, 0
    k = (len(labels) if method == Poll.Method.APPROVAL else min(seats, len(labels))) if max_choices is None else max_choices
    if not 1 <= k <= len(labels):
        raise InvalidInput(_("Choices allowed per ballot: from 1 to %(n)s.") % {"n": len(labels)})
    return labels, seats, k


def vote_of(poll: Poll, raw: Any, options: int) -> str | list[int]:
    """The canonical vote for ``raw``: "yes"/"no"/"abstain", the sorted numbers chosen, or the
    numbers in order of preference."""
    if poll.yes_no:
        if raw not in ("yes", "no", "abstain"):
            raise InvalidInput(_("Choose one of: for, against, abstain."))
        return str(raw)
    numbers = _numbers(raw, options)
    if not numbers:
        raise InvalidInput(_("Your ballot is empty: mark at least one choice."))
    if len(set(numbers)) != len(numbers):
        raise InvalidInput(_("Each choice may appear only once on a ballot."))
    if poll.choose:
        if len(numbers) > poll.max_choices:
            raise InvalidInput(_("You may choose at most %(k)s; you chose %(n)s.") % {"k": poll.max_choices, "n": len(numbers)})
        return sorted(numbers)
    return numbers


def ranking_from_marks(marks: dict[int, str], options: int) -> list[int]:
    """A ranked ballot from the numbers written beside each option (blank: not ranked).

    The marks must run 1, 2, 3… with no number repeated and none left out."""
    ranks: dict[int, int] = {}
    for number, text in marks.items():
        text = (text or "").strip()
        if not text:
            continue
        if not text.isdigit():
            raise InvalidInput(_("Option %(n)s: write a whole number (1 for your first choice), or leave it blank.") % {"n": number})
        ranks[number] = int(text)
    given = sorted(ranks.values())
    if given != list(range(1, len(given) + 1)):
        raise InvalidInput(_("Number your choices 1, 2, 3… without repeating or skipping a number; you wrote %(given)s.") % {"given": ", ".join(str(g) for g in given) or "-"})
    return [n for n, _rank in sorted(ranks.items(), key=lambda item: item[1])]


def _numbers(raw: Any, options: int) -> list[int]:
    if not isinstance(raw, (list, tuple)):
        raise InvalidInput(_("A ballot here is a list of option numbers."))
    out = []
    for item in raw:
        if isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= options:
            raise InvalidInput(_("%(item)s is not an option on this ballot; the options are numbered 1 to %(n)s.") % {"item": item, "n": options})
        out.append(item)
    return out


def batch_lines(poll: Poll, text: str, options: int) -> list[tuple[int, str | list[int]]]:
    """A teller's batch: one line per group of identical papers, ``COUNT: NUMBERS``.

    ``12: 3 1 2`` is twelve papers marked 3, then 1, then 2 (ranked) or marking 1, 2 and 3
    (approval, block vote). ``4:`` alone is four blank or spoilt papers."""
    out: list[tuple[int, str | list[int]]] = []
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if not lines:
        raise InvalidInput(_("The batch is empty: type one line per group of identical papers."))
    if len(lines) > MAX_LINES:
        raise InvalidInput(_("A batch has at most %(n)s lines; split it.") % {"n": MAX_LINES})
    for lineno, line in enumerate(lines, 1):
        head, sep, rest = line.partition(":")
        if not sep or not head.strip().isdigit() or not 1 <= int(head) <= MAX_PAPERS:
            raise InvalidInput(_("Line %(line)s: start with the number of papers and a colon, e.g. \"12: 3 1 2\".") % {"line": lineno})
        tokens = rest.split()
        if not all(t.isdigit() for t in tokens):
            raise InvalidInput(_("Line %(line)s: after the colon, write option numbers separated by spaces.") % {"line": lineno})
        numbers = [int(t) for t in tokens]
        try:
            vote: str | list[int] = vote_of(poll, numbers, options) if numbers else []
        except InvalidInput as exc:
            raise InvalidInput(_("Line %(line)s: %(problem)s") % {"line": lineno, "problem": exc}) from None
        out.append((int(head), vote))
    return out


def totals_lines(yes: int, no: int, abstain: int) -> list[tuple[int, str | list[int]]]:
    """Show-of-hands (or paper) totals of a yes/no poll as weighted lines."""
    for name, value in ((_("For"), yes), (_("Against"), no), (_("Abstaining"), abstain)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_PAPERS:
            raise InvalidInput(_("%(what)s: a whole number from 0.") % {"what": name})
    lines = [(n, v) for n, v in ((yes, "yes"), (no, "no"), (abstain, "abstain")) if n]
    if not lines:
        raise InvalidInput(_("All three totals are 0: there is nothing to enter."))
    return lines  # type: ignore[return-value]
