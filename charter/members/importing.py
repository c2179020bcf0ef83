"""Loading an existing register into Charter: ``charter import members FILE.csv``.

The file
--------
UTF-8 text (with or without a byte-order mark), comma separated, fields quoted the way Python's
``csv`` module reads them (``"Baloch, Alice"``; a quote inside a quoted field is doubled). The first
row is the header; column names are matched without regard to case or surrounding spaces, in any
order. Blank lines are ignored. Every field is stripped of surrounding spaces.

==================  ========  ======================================================================
column              required  meaning
==================  ========  ======================================================================
``name``            yes       the person's name (at most 200 characters)
``branch``          yes       the unit at the rulebook's home level (a branch) the member belongs
                              to: its id, or its exact name when that names one active branch
``phone``           no        digits with optional ``+`` in front and spaces, dashes, dots, slashes
                              or brackets between; 7 to 15 digits
``email``           no        an email address
``language``        no        a code from settings.LANGUAGES (en, ur, sd); default ``en``
``status``          no        member, applicant, lapsed, resigned, suspended or expelled;
                              default ``member``
``joined_on``       no        YYYY-MM-DD, not in the future; must be empty for an applicant
``dues_paid_until`` no        YYYY-MM-DD
``number``          no        the membership number the person already has (at most 32 characters);
                              when empty Charter assigns ``{PREFIX}-{id:06d}`` as it does for new
                              members (PREFIX: the rulebook's organization.short_name)
==================  ========  ======================================================================

Example::

    name,branch,phone,email,language,status,joined_on,dues_paid_until,number
    Alice Baloch,Karachi Central,+92 300 1234567,alice@example.org,en,member,2015-03-01,2026-06-30,
    "Memon, Bilal",14,,,,lapsed,2012-01-15,2024-12-31,K-0042

What is checked
---------------
Every row, each problem reported with its line (the physical line in the file, the header being
line 1) and column: a missing name or branch; a branch that does not exist, names several branches,
is not at the home level (e.g. an area) or has been dissolved; a bad date (which column); a bad
email; a phone that does not look like one; an unknown status or language; a number used twice in
the file or already on the register, or written in the form Charter assigns to future members;
a row with the wrong number of fields; an unknown or repeated header column. See
:func:`validate`.

The act
-------
:func:`import_members` is all or nothing: if any row is bad, nothing is imported
(:class:`ImportRejected`) unless ``skip_bad_rows`` is given, in which case the good rows are
imported and the bad ones counted. The good rows go in within ONE transaction, together with one
status-history row each and ONE entry on the public record, ``import_members``, whose detail holds
only the row count, the skipped count, the file's SHA-256 and its base name: the record names no
one. Importing loads a register the organization already keeps; the people in it became members
under the organization's own earlier decisions, so no rule is judged here. A row's ``joined_on``
is also its ``applied_on`` and, for status ``member``, the date of that status; otherwise the status
dates from the import (the register gives no date for a lapse or a resignation). Each member gets
one status-history row ("" to the status, reason ``imported``, pointing at the record entry).

Rows are checked in a streaming pass, then read again and written in batches: ``COPY`` on
PostgreSQL, ``executemany`` on SQLite, ``bulk_create`` elsewhere. Member ids are reserved up front
while the import holds the write lock, so numbers can be assigned without reading rows back.
See docs/decisions/0004-member-import.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import operator
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection
from django.utils.translation import gettext as _

from charter.lib import clock
from charter.members.models import Member, Status, StatusChange
from charter.org.models import Unit
from charter.record import log as record
from charter.rulebook.enforce import consequential
from charter.rulebook.store import rulebook_on

COLUMNS = ("name", "branch", "phone", "email", "language", "status", "joined_on", "dues_paid_until", "number")
REQUIRED = ("name", "branch")
STATUSES = (Status.MEMBER, Status.APPLICANT, Status.LAPSED, Status.RESIGNED, Status.SUSPENDED, Status.EXPELLED)
_STATUS_VALUES = tuple(str(s.value) for s in STATUSES)
DEFAULT_STATUS = Status.MEMBER.value
DEFAULT_LANGUAGE = "en"
MAX_NAME = Member._meta.get_field("name").max_length or 200
MAX_PHONE = Member._meta.get_field("phone").max_length or 32
MAX_EMAIL = Member._meta.get_field("email").max_length or 254
MAX_NUMBER = Member._meta.get_field("number").max_length or 32
MAX_LANGUAGE = Member._meta.get_field("language").max_length or 8
STATUS_REASON = "imported"

# Rows per write. PostgreSQL streams each batch with COPY; SQLite runs one executemany per batch.
BATCH_ROWS = 10_000
# Tests switch this off to exercise the portable bulk_create path on SQLite and PostgreSQL.
_FAST_PATHS = True

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# An optional + and 7 to 15 digits, with spaces, brackets, dots, slashes or dashes between them.
_PHONE = re.compile(r"\+?[ ()./-]*(?:[0-9][ ()./-]*){7,15}\Z")
# The dot-atom and host-name forms of Django's EmailValidator, compiled once. Anything they do not
# accept (quoted local parts, international domain names, address literals) goes to the validator.
_EMAIL = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*"
    r"@(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{2,63}(?<!-)\Z",
    re.IGNORECASE,
)
_email_validator = EmailValidator()


# --- results and errors ---------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: the physical line in the file (the header is line 1), the column, why."""

    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.line}: {self.column}: {self.reason}" if self.column else f"{self.line}: {self.reason}"


@dataclass
class Report:
    """What :func:`validate` found: how many rows are good, and every problem in line order.

    ``fatal`` is set when the header itself is wrong: then no row can be imported, not even with
    ``skip_bad_rows``.
    """

    rows_ok: int
    errors: list[RowError] = field(default_factory=list)
    fatal: bool = False
    sha256: str = ""
    size: int = 0

    @property
    def bad_lines(self) -> set[int]:
        return {e.line for e in self.errors}

    @property
    def rows_bad(self) -> int:
        return len(self.bad_lines)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportResult:
    rows: int
    skipped: int
    entry_index: int
    sha256: str
    file_name: str
    errors: tuple[RowError, ...] = ()  # the problems of the skipped rows


class BadFile(Exception):
    """The file cannot be read as a member list at all: missing, not UTF-8, empty, not CSV."""


class ImportRejected(Exception):
    """Some rows are bad (or the header is): nothing was imported."""

    def __init__(self, errors: list[RowError], report: Report | None = None) -> None:
        self.errors = errors
        self.report = report
        super().__init__(_("%(n)d problem(s) in the file; nothing was imported") % {"n": len(errors)})


# --- reading the file -----------------------------------------------------------------------------


class _HashingReader(io.RawIOBase):
    """A raw binary stream that hashes every byte read through it."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer)
        if n:
            self.digest.update(memoryview(buffer)[:n])
            self.size += n
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


class _CsvFile:
    """Reads a CSV file once, yielding (physical line, fields) and hashing the bytes on the way."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.name = self.path.name
        try:
            raw = open(self.path, "rb", buffering=0)  # noqa: SIM115 (closed in rows())
        except FileNotFoundError:
            raise BadFile(_("%(file)s: no such file") % {"file": self.path}) from None
        except IsADirectoryError:
            raise BadFile(_("%(file)s: is a directory, not a CSV file") % {"file": self.path}) from None
        except OSError as exc:
            raise BadFile(_("%(file)s: cannot be read (%(why)s)") % {"file": self.path, "why": exc.strerror}) from None
        self._hashing = _HashingReader(raw)

    @property
    def sha256(self) -> str:
        return self._hashing.digest.hexdigest()

    @property
    def size(self) -> int:
        return self._hashing.size

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """Every non-blank record with the line it starts on. Reads to the end, then closes."""
        text = io.TextIOWrapper(io.BufferedReader(self._hashing, 1 << 20), encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        last = 0
        try:
            with text:
                for fields in reader:
                    start, last = last + 1, reader.line_num
                    if len(fields) < 2 and (not fields or not fields[0].strip()):
                        continue
                    yield start, fields
        except UnicodeDecodeError:
            raise BadFile(
                _("%(file)s: is not UTF-8 text (near line %(line)d); save it as \"CSV UTF-8\"")
                % {"file": self.path, "line": last + 1}
            ) from None
        except csv.Error as exc:
            raise BadFile(_("%(file)s:%(line)d: cannot be read as CSV (%(why)s)") % {"file": self.path, "line": last + 1, "why": exc}) from None


# --- checking rows --------------------------------------------------------------------------------


class _Context:
    """What rows are checked against, read once: branches, the rulebook, the numbering."""

    def __init__(self) -> None:
        from charter.members.actions import _number_prefix

        self.today = clock.today()
        self.today_iso = self.today.isoformat()
        rb = rulebook_on(self.today)
        self.home_level = rb.home_level
        self.level_names = {lvl["key"]: str(lvl.get("name") or lvl["key"]).lower() for lvl in rb.levels}
        self.home_name = self.level_names.get(self.home_level, self.home_level)
        self.prefix = _number_prefix()
        self.languages = {str(code).lower() for code, _name in settings.LANGUAGES}
        self.units_by_id: dict[int, tuple[str, str, bool]] = {}
        self.units_by_name: dict[str, list[int]] = {}
        for pk, level, name, dissolved in Unit.objects.values_list("pk", "level", "name", "dissolved_on"):
            self.units_by_id[pk] = (level, name, dissolved is not None)
            self.units_by_name.setdefault(name, []).append(pk)
        self.max_member_id = _max_member_id()
        self._own_number = re.compile(re.escape(self.prefix) + r"-([0-9]+)\Z")

    def resolve_branch(self, value: str) -> tuple[int | None, str]:
        """The branch id ``value`` names, or None and why not."""
        unit_id: int | None = None
        if value.isdigit() and int(value) in self.units_by_id:
            unit_id = int(value)
        else:
            named = self.units_by_name.get(value, [])
            home = [pk for pk in named if self.units_by_id[pk][0] == self.home_level]
            active = [pk for pk in home if not self.units_by_id[pk][2]]
            if len(active) == 1:
                unit_id = active[0]
            elif len(active) > 1:
                ids = ", ".join(str(pk) for pk in sorted(active))
                return None, _("%(value)r names more than one %(level)s (ids %(ids)s); give the id instead") % {
                    "value": value, "level": self.home_name, "ids": ids}
            elif home:
                unit_id = home[0]  # only dissolved ones: say so below
            elif named:
                unit_id = named[0]  # not a branch: say so below
            else:
                return None, _("unknown branch %(value)r: no unit has that id or name") % {"value": value}
        level, name, dissolved = self.units_by_id[unit_id]
        if level != self.home_level:
            return None, _("%(name)r is %(a)s %(level)s, not %(a2)s %(home)s: members belong to %(a2)s %(home)s") % {
                "name": name, "a": _article(self.level_names.get(level, level)), "level": self.level_names.get(level, level),
                "a2": _article(self.home_name), "home": self.home_name}
        if dissolved:
            return None, _("the %(home)s %(name)r has been dissolved") % {"home": self.home_name, "name": name}
        return unit_id, ""

    def clashes_with_assigned(self, number: str) -> bool:
        """True for a number in the exact form Charter will give a future member (PREFIX-000123)."""
        m = self._own_number.match(number)
        if m is None:
            return False
        n = int(m.group(1))
        return n > self.max_member_id and number == f"{self.prefix}-{n:06d}"


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _max_member_id() -> int:
    """The highest member id ever handed out (SQLite: including deleted rows)."""
    table = Member._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
        (high,) = cur.fetchone()
        high = high or 0
        if connection.vendor == "sqlite":
            try:
                cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cur.fetchone()
            except Exception:  # no AUTOINCREMENT table yet
                row = None
            if row and row[0]:
                high = max(high, int(row[0]))
    return int(high)


# The tuple a good row becomes, in this column order (ids and numbers are added when writing).
_ROW_FIELDS = ("number", "name", "phone", "email", "language", "branch_id", "status", "status_since",
               "applied_on", "joined_on", "dues_paid_until")


class _Checker:
    """Checks rows against the header and the context; turns good rows into insertable tuples."""

    def __init__(self, ctx: _Context, header: list[str], header_line: int) -> None:
        self.ctx = ctx
        self.header_errors: list[RowError] = []
        self.index: dict[str, int] = {}
        for i, raw in enumerate(header):
            col = raw.strip().lower()
            if col in self.index:
                self.header_errors.append(RowError(header_line, col, _("the column appears twice in the header")))
            elif col not in COLUMNS:
                shown = col or _("(empty)")
                self.header_errors.append(RowError(header_line, raw.strip() or str(i + 1),
                    _("unknown column %(col)s; the columns are: %(cols)s") % {"col": repr(shown), "cols": ", ".join(COLUMNS)}))
            else:
                self.index[col] = i
        self.missing = [c for c in REQUIRED if c not in self.index]
        for col in self.missing:
            self.header_errors.append(RowError(header_line, col, _("the header has no %(col)s column, which is required") % {"col": col}))
        self.width = len(header)
        self.numbers: dict[str, int] = {}
        self._branches: dict[str, tuple[int | None, str]] = {}
        self._dates: dict[str, bool] = {}
        self._own_prefix = f"{ctx.prefix}-"
        self._pick = operator.itemgetter(*(self.index.get(c, -1) for c in COLUMNS))

    def check(self, line: int, fields: list[str]) -> tuple[tuple[Any, ...] | None, list[RowError]]:
        """The row as a tuple in ``_ROW_FIELDS`` order and no errors, or None and its errors."""
        if len(fields) != self.width:
            return None, [RowError(line, "", _("has %(n)d fields; the header has %(m)d") % {"n": len(fields), "m": self.width})]
        ctx = self.ctx
        errors: list[RowError] = []
        fields.append("")  # what an absent column reads as (index -1)
        name, branch_value, phone, email, language, status, joined, dues, number = map(str.strip, self._pick(fields))

        if not name:
            errors.append(RowError(line, "name", _("the name is missing")))
        elif len(name) > MAX_NAME:
            errors.append(RowError(line, "name", _("the name is longer than %(n)d characters") % {"n": MAX_NAME}))

        branch_id: int | None = None
        if not branch_value:
            errors.append(RowError(line, "branch", _("the branch is missing")))
        else:
            resolved = self._branches.get(branch_value)
            if resolved is None:
                resolved = self._branches[branch_value] = ctx.resolve_branch(branch_value)
            branch_id, why = resolved
            if branch_id is None:
                errors.append(RowError(line, "branch", why))

        if phone and (len(phone) > MAX_PHONE or _PHONE.match(phone) is None):
            errors.append(RowError(line, "phone", _("%(v)r does not look like a phone number (7 to 15 digits, optionally starting with +)") % {"v": phone}))

        if email and (len(email) > MAX_EMAIL or (_EMAIL.match(email) is None and not _valid_email(email))):
            errors.append(RowError(line, "email", _("%(v)r is not a valid email address") % {"v": email}))

        language = language.lower() or DEFAULT_LANGUAGE
        if language not in ctx.languages:
            errors.append(RowError(line, "language", _("unknown language %(v)r; use one of: %(codes)s") % {"v": language, "codes": ", ".join(sorted(ctx.languages))}))

        status = status.lower() or DEFAULT_STATUS
        if status not in _STATUS_VALUES:
            errors.append(RowError(line, "status", _("unknown status %(v)r; use one of: %(s)s") % {"v": status, "s": ", ".join(_STATUS_VALUES)}))

        dates = self._dates
        if joined:
            ok = dates.get(joined)
            if ok is None:
                ok = dates[joined] = _is_date(joined)
            if not ok:
                errors.append(RowError(line, "joined_on", _("%(v)r is not a date in the form YYYY-MM-DD") % {"v": joined}))
            elif joined > ctx.today_iso:
                errors.append(RowError(line, "joined_on", _("%(v)s is in the future") % {"v": joined}))
            elif status == "applicant":
                errors.append(RowError(line, "joined_on", _("an applicant has not joined yet; leave joined_on empty")))
        if dues:
            ok = dates.get(dues)
            if ok is None:
                ok = dates[dues] = _is_date(dues)
            if not ok:
                errors.append(RowError(line, "dues_paid_until", _("%(v)r is not a date in the form YYYY-MM-DD") % {"v": dues}))

        if number:
            first = self.numbers.get(number)
            if len(number) > MAX_NUMBER:
                errors.append(RowError(line, "number", _("the number is longer than %(n)d characters") % {"n": MAX_NUMBER}))
            elif first is not None:
                errors.append(RowError(line, "number", _("number %(v)r already appears on line %(first)d") % {"v": number, "first": first}))
            else:
                self.numbers[number] = line
                if number.startswith(self._own_prefix) and ctx.clashes_with_assigned(number):
                    errors.append(RowError(line, "number", _(
                        "%(v)r is in the form Charter gives new members and would clash with a number assigned later; "
                        "leave it empty to have one assigned") % {"v": number}))

        if errors:
            return None, errors
        today = ctx.today_iso
        return (number, name, phone, email, language, branch_id, status,
                joined if (joined and status == "member") else today, joined or today, joined or None, dues or None), errors


def _is_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _valid_email(value: str) -> bool:
    try:
        _email_validator(value)
    except ValidationError:
        return False
    return True


def _check_file(source: _CsvFile, ctx: _Context) -> Report:
    rows = source.rows()
    header_line, header = next(rows, (0, None))  # type: ignore[arg-type]
    if header is None:
        raise BadFile(_("%(file)s: is empty; the first line must be the header (%(cols)s)") % {"file": source.path, "cols": ",".join(COLUMNS)})
    checker = _Checker(ctx, header, header_line)
    errors = list(checker.header_errors)
    ok = 0
    seen = 0
    if checker.missing:
        for _line, _fields in rows:  # read on (for the hash); rows cannot be checked without the column
            seen += 1
    else:
        check = checker.check
        for line, fields in rows:
            seen += 1
            good, problems = check(line, fields)
            if good is not None:
                ok += 1
            else:
                errors.extend(problems)
        taken = _on_register(checker.numbers)
        if taken:
            bad_before = {e.line for e in errors}
            for number in taken:
                line = checker.numbers[number]
                errors.append(RowError(line, "number", _("number %(v)r is already on the register") % {"v": number}))
                if line not in bad_before:
                    ok -= 1
                    bad_before.add(line)
    if seen == 0 and not checker.header_errors:
        raise BadFile(_("%(file)s: has a header but no rows") % {"file": source.path})
    errors.sort()
    return Report(rows_ok=ok, errors=errors, fatal=bool(checker.header_errors), sha256=source.sha256, size=source.size)


def _on_register(numbers: dict[str, int]) -> set[str]:
    """Which of ``numbers`` the register already holds: a scan of the register's numbers when it is
    not much bigger than the file, else lookups in chunks."""
    if not numbers:
        return set()
    table = connection.ops.quote_name(Member._meta.db_table)
    taken: set[str] = set()
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        (count,) = cur.fetchone()
        if count <= 4 * len(numbers):
            cur.execute(f"SELECT number FROM {table}")
            while chunk := cur.fetchmany(10_000):
                taken.update(n for (n,) in chunk if n in numbers)
        else:
            given = list(numbers)
            for i in range(0, len(given), 500):
                part = given[i:i + 500]
                cur.execute(f"SELECT number FROM {table} WHERE number IN ({', '.join(['%s'] * len(part))})", part)
                taken.update(n for (n,) in cur.fetchall())
    return taken


def validate(path: str | os.PathLike[str]) -> Report:
    """Check every row of the file against the register as it is now. Writes nothing.

    Raises :class:`BadFile` when the file cannot be read as CSV at all.
    """
    return _check_file(_CsvFile(path), _Context())


# --- writing --------------------------------------------------------------------------------------


def _lock_register() -> None:
    """PostgreSQL: no one else adds members or changes units until the import commits.
    (SQLite: the transaction already began with BEGIN IMMEDIATE and holds the write lock.)"""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {qn(Member._meta.db_table)} IN EXCLUSIVE MODE")
            cur.execute(f"LOCK TABLE {qn(Unit._meta.db_table)} IN SHARE MODE")


def _reserve_ids(n: int, high: int) -> int:
    """Reserve ``n`` member ids above every id handed out so far; return the first."""
    start = high + 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Member._meta.db_table])
            (seq,) = cur.fetchone()
            if seq:
                cur.execute("SELECT nextval(%s)", [seq])
                start = max(start, int(cur.fetchone()[0]))
                cur.execute("SELECT setval(%s, %s, true)", [seq, start + n - 1])
    return start


_MEMBER_COLUMNS = ("id", *_ROW_FIELDS)
_CHANGE_COLUMNS = ("member_id", "on", "status_from", "status_to", "reason", "entry_index")


def _columns(model: Any, names: tuple[str, ...]) -> str:
    qn = connection.ops.quote_name
    return ", ".join(qn(model._meta.get_field(n.removesuffix("_id") if n.endswith("_id") and n != "id" else n).column) for n in names)


class _Writer:
    """Writes batches of (member row, status change row) with the fastest means the database has."""

    def __init__(self, entry_index: int) -> None:
        self.entry_index = entry_index
        qn = connection.ops.quote_name
        self.member_table = qn(Member._meta.db_table)
        self.change_table = qn(StatusChange._meta.db_table)
        self.member_cols = _columns(Member, _MEMBER_COLUMNS)
        self.change_cols = _columns(StatusChange, _CHANGE_COLUMNS)
        self.mode = connection.vendor if _FAST_PATHS and connection.vendor in ("postgresql", "sqlite") else "orm"

    def write(self, members: list[tuple[Any, ...]]) -> None:
        e = self.entry_index
        reason = STATUS_REASON
        changes = [(m[0], m[8], "", m[7], reason, e) for m in members]
        if self.mode == "postgresql":
            with connection.cursor() as cur:
                with cur.copy(f"COPY {self.member_table} ({self.member_cols}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in members:
                        write(row)
                with cur.copy(f"COPY {self.change_table} ({self.change_cols}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in changes:
                        write(row)
        elif self.mode == "sqlite":
            with connection.cursor() as cur:
                marks = ", ".join(["%s"] * len(_MEMBER_COLUMNS))
                cur.executemany(f"INSERT INTO {self.member_table} ({self.member_cols}) VALUES ({marks})", members)
                marks = ", ".join(["%s"] * len(_CHANGE_COLUMNS))
                cur.executemany(f"INSERT INTO {self.change_table} ({self.change_cols}) VALUES ({marks})", changes)
        else:
            Member.objects.bulk_create([Member(**dict(zip(_MEMBER_COLUMNS, row, strict=True))) for row in members], batch_size=1000)
            StatusChange.objects.bulk_create([StatusChange(**dict(zip(_CHANGE_COLUMNS, row, strict=True))) for row in changes], batch_size=1000)


class _SqliteCache:
    """A larger page cache while the import runs: the indexes of a big register fit in memory."""

    def __enter__(self) -> None:
        self.previous = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA cache_size")
                self.previous = cur.fetchone()[0]
                cur.execute("PRAGMA cache_size = -262144")  # 256 MiB

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            with connection.cursor() as cur:
                cur.execute(f"PRAGMA cache_size = {int(self.previous)}")


@consequential
def import_members(
    path: str | os.PathLike[str], *, skip_bad_rows: bool = False, progress: Callable[[int], Any] | None = None
) -> ImportResult:
    """Load a register kept elsewhere: every good row becomes a member, in one transaction.

    If any row is bad and ``skip_bad_rows`` is false, raise :class:`ImportRejected` and import
    nothing. A bad header is never skipped. ``progress(n)`` is called after each batch of ``n``
    members is written (and ``progress.start(total)`` first, when the callback has such a method). One record entry, naming no one, says how many rows came from which file.
    """
    _lock_register()
    ctx = _Context()
    report = _check_file(_CsvFile(path), ctx)
    if report.fatal or (report.errors and not skip_bad_rows):
        raise ImportRejected(report.errors, report)
    if report.rows_ok == 0:
        raise ImportRejected(report.errors or [RowError(1, "", _("there are no rows to import"))], report)

    file_name = Path(path).name
    skipped = report.rows_bad
    entry = record.append(
        "import_members", "done",
        detail={"rows": report.rows_ok, "skipped": skipped, "sha256": report.sha256},  # no file name: it may name a person
        articles=[],
    )
    if progress is not None and callable(getattr(progress, "start", None)):
        progress.start(report.rows_ok)  # type: ignore[attr-defined]
    next_id = _reserve_ids(report.rows_ok, ctx.max_member_id)
    first_id = next_id
    prefix = ctx.prefix
    bad = report.bad_lines
    writer = _Writer(entry.index)

    source = _CsvFile(path)
    rows = source.rows()
    header_line, header = next(rows)
    checker = _Checker(ctx, header, header_line)
    check = checker.check
    batch: list[tuple[Any, ...]] = []
    with _SqliteCache():
        try:
            for line, fields in rows:
                if line in bad:
                    continue
                good, problems = check(line, fields)
                if good is None:
                    raise BadFile(_("%(file)s: changed while it was being imported (line %(line)d)") % {"file": source.path, "line": line})
                batch.append((next_id, good[0] or f"{prefix}-{next_id:06d}", *good[1:]))
                next_id += 1
                if len(batch) >= BATCH_ROWS:
                    writer.write(batch)
                    if progress is not None:
                        progress(len(batch))
                    batch = []
            if batch:
                writer.write(batch)
                if progress is not None:
                    progress(len(batch))
        except IntegrityError as exc:
            raise ImportRejected([RowError(0, "", _("the database refused the rows: %(why)s") % {"why": exc})], report) from exc
    if source.sha256 != report.sha256 or next_id - first_id != report.rows_ok:
        raise BadFile(_("%(file)s: changed while it was being imported") % {"file": source.path})
    return ImportResult(rows=report.rows_ok, skipped=skipped, entry_index=entry.index, sha256=report.sha256,
                        file_name=file_name, errors=tuple(report.errors))


# --- the command ----------------------------------------------------------------------------------

MAX_SHOWN = 50
PROGRESS_KIND = "import_members"  # registered in members/apps.py: the administrators follow it


def main(argv: list[str]) -> int:
    """``charter import members FILE.csv [--skip-bad-rows]``: 0 imported, 1 rejected, 2 unreadable."""
    from charter.progress import background
    from charter.progress.models import Operation
    from charter.progress.track import Tracker
    from charter.rulebook.store import NoRulebook

    parser = argparse.ArgumentParser(prog="charter import members", description=_("Load an existing member register from a CSV file."))
    parser.add_argument("file", metavar="FILE.csv")
    parser.add_argument("--skip-bad-rows", action="store_true", help=_("import the good rows and skip the bad ones"))
    args = parser.parse_args(argv)
    shown_name = args.file

    def show(errors: list[RowError]) -> None:
        for e in errors[:MAX_SHOWN]:
            where = f"{shown_name}:{e.line}" if e.line else shown_name
            print(f"{where}: {e.column}: {e.reason}" if e.column else f"{where}: {e.reason}", file=sys.stderr)
        if len(errors) > MAX_SHOWN:
            print(_("… and %(n)d more") % {"n": len(errors) - MAX_SHOWN}, file=sys.stderr)

    print(_("checking %(file)s …") % {"file": shown_name}, file=sys.stderr)
    # The shared progress helper: a bar here, and a row the administrators see on the Long
    # operations page (its figures while the import's one transaction runs show once it commits).
    tracker = Tracker(background.record(PROGRESS_KIND), echo=sys.stderr, label=_("importing"))
    tracker.start(step=Operation.Step.CHECKING)

    class Progress:
        def __call__(self, n: int) -> None:
            tracker.advance(n)

        def start(self, total: int) -> None:
            tracker.begin_step(Operation.Step.WRITING, total=total)

    try:
        result = import_members(args.file, skip_bad_rows=args.skip_bad_rows, progress=Progress())
    except BadFile as exc:
        tracker.fail(str(exc))
        print(f"charter: {exc}", file=sys.stderr)
        return 2
    except NoRulebook as exc:
        tracker.fail(str(exc))
        print(f"charter: {exc}", file=sys.stderr)
        return 2
    except ImportRejected as exc:
        tracker.fail(str(exc))
        show(exc.errors)
        if exc.report is not None and exc.report.fatal:
            print(_("nothing was imported (the header must be corrected first)"), file=sys.stderr)
        elif args.skip_bad_rows:
            print(_("nothing was imported (no good rows)"), file=sys.stderr)
        else:
            print(_("nothing was imported (use --skip-bad-rows to import the good rows)"), file=sys.stderr)
        return 1
    tracker.finish(result={"rows": result.rows, "skipped": result.skipped})
    # The rows that were left out, so they can be corrected and imported on their own.
    show(list(result.errors))
    print(_("imported %(n)d members (skipped %(k)d bad rows)") % {"n": result.rows, "k": result.skipped})
    return 0
