"""How far an operation has gone inside an all-or-nothing act, where its row cannot say it yet.

An act is one transaction: the tracker's updates of the operation's row inside it become visible
when it commits (decision 0018). So while the running code is inside a transaction, the tracker
also writes its figures (done, total, step) to a small file beside the database, one per
operation, replaced atomically; the progress fragment reads it when the row is older. The file
says nothing that decides anything: it is a window on the row's next version, removed when the
operation ends. One mechanism for SQLite and PostgreSQL, for the worker thread of ``charter serve``
and the server's processes, which share the machine's disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection


def _path(pk: int) -> Path:
    # Named by the database as well as the row: two databases on one machine (tests run in
    # parallel, each with its own) never read each other's operations.
    db = connection.settings_dict
    key = hashlib.sha256(f"{db.get('HOST')}:{db.get('PORT')}/{db.get('NAME')}".encode()).hexdigest()[:16]
    return Path(settings.PROGRESS_DIR) / f"{key}-{pk}.json"


def write(op: Any, *, done: int, total: int | None, step: str, at: dt.datetime) -> None:
    path = _path(op.pk)
    # The operation's own time of creation goes with the figures: a file left by an operation that
    # once had this id (a database made again, a test's rolled-back row) is never read as this one's.
    figures = {"done": done, "total": total, "step": step, "at": at.isoformat(), "op": _identity(op)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(figures), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:  # a window, not the record: the row still says it when the act commits
        pass


def _identity(op: Any) -> str:
    return op.created_at.isoformat() if op.created_at is not None else ""


def read(op: Any) -> dict[str, Any] | None:
    """The figures written for ``op`` (None when there are none, or they were another's)."""
    try:
        data = json.loads(_path(op.pk).read_text(encoding="utf-8"))
        data["at"] = dt.datetime.fromisoformat(data["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if data.get("op") == _identity(op) else None


def clear(pk: int) -> None:
    try:
        _path(pk).unlink()
    except OSError:
        pass


def overlay(op: Any) -> Any:
    """The operation as the page should show it: a running operation's figures from its file when
    the file is newer than the row (the act that writes them has not committed yet)."""
    if op.ended or op.pk is None:
        return op
    seen = read(op)
    if seen is None or (op.updated_at is not None and seen["at"] < op.updated_at):
        return op
    op.state = op.State.RUNNING
    op.done, op.total, op.step = int(seen["done"]), seen["total"], str(seen["step"] or "")
    return op
