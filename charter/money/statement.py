"""Reading a bank statement (CSV), no database. Every problem names its line and column.

The first line names the columns. Charter needs a date, an amount (or a credit column) and the
payment's text; it recognises the names banks commonly use for them (see ``COLUMNS``). Dates are
``YYYY-MM-DD``, ``DD/MM/YYYY`` or ``DD.MM.YYYY``; amounts may use a thousands comma (``1,500.00``)
or a decimal comma (``1500,00``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

COLUMNS = {
    "date": ("date", "booking date", "booked", "value date", "transaction date", "posting date"),
    "amount": ("amount", "credit", "paid in", "credit amount", "deposit"),
    "text": (
        "text",
        "description",
        "reference",
        "details",
        "narrative",
        "particulars",
        "payment details",
        "memo",
    ),
}
MAX_ROWS = 200_000
MAX_TEXT = 300


class StatementError(ValueError):
    """A statement Charter cannot read; ``line`` (1-based) and ``column`` say where."""

    def __init__(self, message: str, *, line: int | None = None, column: str = "") -> None:
        self.message, self.line, self.column = message, line, column
        super().__init__(message)


@dataclass(frozen=True)
class Row:
    line: int
    booked_on: dt.date
    amount: Decimal
    text: str


@functools.lru_cache(maxsize=4096)  # a statement's lines share few dates
def _date(value: str) -> dt.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValueError(value)


_DECIMAL_COMMA = re.compile(r"^-?\d+,\d{1,2}$")


def _amount(value: str) -> Decimal:
    v = value.strip().replace(" ", "").replace("\u00a0", "")
    if _DECIMAL_COMMA.match(v):
        v = v.replace(",", ".")
    else:
        v = v.replace(",", "")
    if not v:
        raise ValueError(value)
    try:
        amount = Decimal(v)
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e10"):
        raise ValueError(value)
    return amount.quantize(Decimal("0.01"))


def read(data: bytes) -> list[Row]:
    """The rows of a statement, or :class:`StatementError` naming the first problem found."""
    if not data.strip():
        raise StatementError(_("The file is empty."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StatementError(
            _("The file is not UTF-8 text (save it from the spreadsheet as CSV UTF-8)."), line=line
        ) from None
    if "\x00" in text:
        raise StatementError(
            _("The file is not a CSV text file."), line=text[: text.index("\x00")].count("\n") + 1
        )
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise StatementError(
            _("The first line cannot be read: %(problem)s.") % {"problem": exc}, line=1
        ) from None
    names = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        found = [i for i, n in enumerate(names) if n in aliases]
        if not found:
            raise StatementError(
                _("The first line names no %(column)s column (one of: %(names)s).")
                % {"column": key, "names": ", ".join(aliases)},
                line=1,
                column=key,
            )
        where[key] = found[0]
    rows: list[Row] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise StatementError(
                    _("This line has %(n)s fields; the first line names %(k)s.")
                    % {"n": len(fields), "k": len(header)},
                    line=line,
                )
            if len(rows) >= MAX_ROWS:
                raise StatementError(
                    _("A statement may have at most %(n)s rows; split the file.") % {"n": MAX_ROWS},
                    line=line,
                )
            raw = {k: fields[i] for k, i in where.items()}
            try:
                booked_on = _date(raw["date"])
            except ValueError:
                raise StatementError(
                    _("'%(value)s' is not a date (YYYY-MM-DD or DD/MM/YYYY).")
                    % {"value": raw["date"][:40]},
                    line=line,
                    column=header[where["date"]],
                ) from None
            try:
                amount = _amount(raw["amount"])
            except ValueError:
                raise StatementError(
                    _("'%(value)s' is not an amount.") % {"value": raw["amount"][:40]},
                    line=line,
                    column=header[where["amount"]],
                ) from None
            rows.append(
                Row(
                    line=line,
                    booked_on=booked_on,
                    amount=amount,
                    text=" ".join(raw["text"].split())[:MAX_TEXT],
                )
            )
    except csv.Error as exc:
        raise StatementError(
            _("This line cannot be read as CSV: %(problem)s.") % {"problem": exc},
            line=reader.line_num,
        ) from None
    if not rows:
        raise StatementError(_("The file has a first line but no payments."), line=2)
    return rows


def references(text: str, prefix: str) -> set[str]:
    """The membership numbers a payment's text names, written as Charter writes them
    (``WDA-000123``); ``wda 123``, ``WDA123`` and ``WDA-0123`` name the same member."""
    pattern = re.compile(
        rf"(?<![A-Za-z0-9]){re.escape(prefix)}[\s\-/#:]?0*(\d{{1,9}})(?!\d)", re.IGNORECASE
    )
    return {f"{prefix.upper()}-{int(n):06d}" for n in pattern.findall(text)}
