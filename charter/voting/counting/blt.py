"""Reader for the BLT ballot format as councils and counting programs publish it.

Layout::

    C S                      candidates, seats
    -2 -5                    optional: withdrawn candidates (negative, 1-based)
    weight p1 p2 ... 0       one line per ballot (or group of identical ballots)
    0                        end of ballots
    "Name" "Party"           C lines: a quoted name, optionally a quoted party
    "Title"                  the election's title (anything after it is ignored)

Identical ballots are aggregated, so a million-line file is held as a few
hundred thousand distinct preference tuples.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BltError", "Election", "parse_blt", "read_blt", "to_blt"]

_QUOTED = re.compile(r'"([^"]*)"')
_INT = re.compile(r"[+-]?[0-9]+")


class BltError(ValueError):
    """A malformed BLT file: carries the 1-based line number and a one-line reason."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class Election:
    """A parsed election: 0-based candidate numbers throughout."""

    candidates: list[str]
    parties: list[str | None]
    seats: int
    withdrawn: set[int] = field(default_factory=set)
    ballots: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
    title: str = ""

    @property
    def total_weight(self) -> int:
        """Number of ballot papers in the file, empty ones included."""
        return sum(w for w, _ in self.ballots)


def read_blt(path: str | Path) -> Election:
    """Read and parse a BLT file from disk."""
    return parse_blt(Path(path).read_bytes())


def parse_blt(data: bytes | str) -> Election:
    """Parse BLT text (bytes are decoded as UTF-8, a BOM is ignored)."""
    text = _decode(data) if isinstance(data, bytes) else data
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    return _Parser(lines).parse()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BltError(line, "the file is not valid UTF-8") from None


class _Parser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0  # index of the next line to read
        # the number of the file's last line, for errors about a premature end
        self.last = max(1, len(lines) - 1 if lines and lines[-1] == "" else len(lines))

    def parse(self) -> Election:
        ncand, seats = self._header()
        withdrawn = self._withdrawn(ncand)
        ballots = self._ballots(ncand)
        names, parties = self._names(ncand)
        title = self._title()
        # Whatever follows the title (some published files add notes) is ignored.
        return Election(names, parties, seats, withdrawn, ballots, title)

    # -- sections ---------------------------------------------------------------

    def _next_nonblank(self) -> tuple[int, str] | None:
        lines, n = self.lines, len(self.lines)
        while self.pos < n:
            line = lines[self.pos]
            self.pos += 1
            if line.strip():
                return self.pos, line
        return None

    def _header(self) -> tuple[int, int]:
        got = self._next_nonblank()
        if got is None:
            raise BltError(1, "the file is empty")
        lineno, line = got
        toks = line.split()
        if len(toks) != 2 or not all(_is_int(t) for t in toks):
            raise BltError(lineno, "first line must be 'CANDIDATES SEATS', two whole numbers")
        ncand, seats = int(toks[0]), int(toks[1])
        if ncand < 1:
            raise BltError(lineno, f"number of candidates must be at least 1, not {ncand}")
        if seats < 1:
            raise BltError(lineno, f"number of seats must be at least 1, not {seats}")
        return ncand, seats

    def _withdrawn(self, ncand: int) -> set[int]:
        withdrawn: set[int] = set()
        while True:
            start = self.pos
            got = self._next_nonblank()
            if got is None:
                raise BltError(self.last, "the file ends before the ballots' closing 0")
            lineno, line = got
            toks = line.split()
            if not toks[0].startswith("-"):
                self.pos = start  # a ballot line: give it back
                return withdrawn
            for tok in toks:
                if not _is_int(tok) or int(tok) >= 0:
                    raise BltError(
                        lineno, f"withdrawn candidates must be negative numbers, not {tok!r}"
                    )
                num = -int(tok)
                if num > ncand:
                    raise BltError(
                        lineno, f"withdrawn candidate {num} is not a candidate (there are {ncand})"
                    )
                withdrawn.add(num - 1)

    def _ballots(self, ncand: int) -> list[tuple[int, tuple[int, ...]]]:
        lines, start = self.lines, self.pos
        try:
            end = lines.index("0", start)
        except ValueError:
            end = len(lines)
        try:
            agg = self._aggregate(start, end, ncand)
        except _EarlyEnd:  # a closing 0 written with spaces around it
            end = next(i for i in range(start, end) if lines[i].split() == ["0"])
            agg = self._aggregate(start, end, ncand)
        if end == len(lines):
            raise BltError(self.last, "the file ends before the ballots' closing 0")
        self.pos = end + 1
        return [(w, p) for p, w in agg.items()]

    def _aggregate(self, start: int, end: int, ncand: int) -> Counter[tuple[int, ...]]:
        """Count identical lines first (fast), then parse each distinct line once."""
        lines = self.lines
        table = {str(i + 1): i for i in range(ncand)}
        agg: Counter[tuple[int, ...]] = Counter()
        for line, times in Counter(lines[start:end]).items():
            toks = line.split()
            if not toks:
                continue
            try:
                weight = int(toks[0])
                if toks[-1] != "0" or len(toks) < 2:
                    raise KeyError
                prefs = tuple(map(table.__getitem__, toks[1:-1]))
                if weight < 0 or len(set(prefs)) != len(prefs):
                    raise KeyError
            except (KeyError, ValueError):
                if toks == ["0"]:
                    raise _EarlyEnd from None
                lineno = lines.index(line, start) + 1
                weight, prefs = _ballot_slow(toks, ncand, lineno)
            agg[prefs] += weight * times
        return agg

    def _names(self, ncand: int) -> tuple[list[str], list[str | None]]:
        names: list[str] = []
        parties: list[str | None] = []
        seen: dict[str, int] = {}
        for k in range(ncand):
            got = self._next_nonblank()
            if got is None:
                raise BltError(self.last, f"expected {ncand} candidate names, found {k}")
            lineno, line = got
            strings = _quoted(line)
            if strings is None or not 1 <= len(strings) <= 2:
                raise BltError(
                    lineno,
                    f"expected candidate {k + 1}'s name as a quoted string (and an optional quoted party)",
                )
            name = strings[0]
            if name in seen:
                raise BltError(
                    lineno, f"candidate name {name!r} is also candidate {seen[name] + 1}'s"
                )
            seen[name] = k
            names.append(name)
            parties.append(strings[1] if len(strings) == 2 else None)
        return names, parties

    def _title(self) -> str:
        got = self._next_nonblank()
        if got is None:
            raise BltError(self.last, "the title line is missing after the candidate names")
        lineno, line = got
        strings = _quoted(line)
        if strings is None or len(strings) != 1:
            raise BltError(lineno, "expected the election's title as one quoted string")
        return strings[0]


class _EarlyEnd(Exception):
    """Internal: the ballots end earlier than the first exact "0" line."""


def _ballot_slow(toks: list[str], ncand: int, lineno: int) -> tuple[int, tuple[int, ...]]:
    """Parse one ballot line, raising a precise BltError for whatever is wrong with it."""
    if toks[0].startswith('"'):
        raise BltError(lineno, "candidate names start before the ballots' closing 0")
    if not _is_int(toks[0]):
        raise BltError(lineno, f"ballot weight {toks[0]!r} is not a whole number")
    weight = int(toks[0])
    if weight < 0:
        raise BltError(lineno, f"ballot weight {weight} is negative")
    if len(toks) < 2 or toks[-1] != "0":
        raise BltError(lineno, "a ballot line must end with 0")
    prefs: list[int] = []
    for tok in toks[1:-1]:
        if "=" in tok:
            raise BltError(lineno, f"equal rankings ({tok!r}) are not supported")
        if not _is_int(tok):
            raise BltError(lineno, f"preference {tok!r} is not a whole number")
        num = int(tok)
        if num == 0:
            raise BltError(lineno, "text follows the 0 that ends the ballot")
        if not 1 <= num <= ncand:
            raise BltError(lineno, f"preference {num} is not a candidate (there are {ncand})")
        if num - 1 in prefs:
            raise BltError(lineno, f"candidate {num} is ranked twice")
        prefs.append(num - 1)
    return weight, tuple(prefs)


def _quoted(line: str) -> list[str] | None:
    """The quoted strings on a line, or None when anything else is on it."""
    strings = _QUOTED.findall(line)
    if not strings or _QUOTED.sub("", line).strip():
        return None
    return strings


def _is_int(tok: str) -> bool:
    return _INT.fullmatch(tok) is not None


def to_blt(election: Election) -> str:
    """Write an election back out as BLT text (LF line ends)."""
    out = [f"{len(election.candidates)} {election.seats}"]
    if election.withdrawn:
        out.append(" ".join(f"-{c + 1}" for c in sorted(election.withdrawn)))
    for weight, prefs in election.ballots:
        out.append(" ".join([str(weight), *(str(p + 1) for p in prefs), "0"]))
    out.append("0")
    for name, party in zip(election.candidates, election.parties, strict=True):
        out.append(f'"{name}"' if party is None else f'"{name}" "{party}"')
    out.append(f'"{election.title}"')
    return "\n".join(out) + "\n"
