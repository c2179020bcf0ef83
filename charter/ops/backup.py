"""``charter backup FILE`` and ``charter restore FILE``: a consistent copy of the whole database and
its return into a fresh, empty one.

PostgreSQL: ``pg_dump --format=custom`` (one snapshot: a consistent copy while the server runs)
and ``pg_restore`` into an empty database. SQLite: the online backup API (a consistent copy of the
file while others write), and the copy put back where the configured database is, only when there
is none. Either way the restore ends by recomputing the public record (``record verify``) and
prints its root, to compare with the root the backup was taken at.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Outcome:
    path: Path
    entries: int
    root: str


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """The connection arguments of pg_dump/pg_restore for a Django database, the password in the
    environment (never on a command line others can read)."""
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    """pg_dump/pg_restore: on PATH, else Debian's versioned folder matching the server's major version."""
    found = shutil.which(name)
    if found:
        return found
    major = connection.pg_version // 10000 if connection.vendor == "postgresql" else 0  # type: ignore[attr-defined]
    for folder in (
        Path(f"/usr/lib/postgresql/{major}/bin"),
        *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True),
    ):
        if (folder / name).exists():
            return str(folder / name)
    raise BackupError(
        f"{name} was not found: install the PostgreSQL client (apt-get install postgresql-client)"
    )


def record_state() -> tuple[int, str]:
    from charter.record.models import LogState

    state = LogState.objects.filter(id=1).first()
    return (state.size, state.root) if state else (0, "")


def backup(path: Path) -> Outcome:
    """Write a consistent copy of the configured database to ``path`` (which must not exist)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites a file")
    path.parent.mkdir(parents=True, exist_ok=True)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        # The record's state is read in the dump's own snapshot below, from the restored copy's view.
        tmp = path.with_name(path.name + ".partial")
        run = subprocess.run(
            [
                _tool("pg_dump"),
                *args,
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(tmp),
                str(db["NAME"]),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            tmp.unlink(missing_ok=True)
            raise BackupError(f"pg_dump failed: {run.stderr.strip()}")
        os.replace(tmp, path)
        entries, root = _state_in_dump(path)
    elif connection.vendor == "sqlite":
        tmp = path.with_name(path.name + ".partial")
        tmp.unlink(missing_ok=True)
        source = sqlite3.connect(str(db["NAME"]))
        try:
            target = sqlite3.connect(str(tmp))
            try:
                source.backup(target)  # one consistent snapshot, even while the server writes
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                row = target.execute(
                    "SELECT size, root FROM record_logstate WHERE id = 1"
                ).fetchone()
            finally:
                target.close()
        finally:
            source.close()
        os.replace(tmp, path)
        entries, root = (row[0], row[1]) if row else (0, "")
    else:
        raise BackupError(f"no backup for the {connection.vendor} database")
    return Outcome(path, entries, root)


def _state_in_dump(path: Path) -> tuple[int, str]:
    """The record's size and root as the dump holds them (its own snapshot, not the live table's):
    read from the dump's data for record_logstate."""
    run = subprocess.run(
        [
            _tool("pg_restore"),
            "--data-only",
            "--table",
            "record_logstate",
            "--file",
            "-",
            str(path),
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise BackupError(f"pg_restore could not read the dump: {run.stderr.strip()}")
    lines = run.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "record_logstate" in line:
            columns = [
                c.strip().strip('"') for c in line[line.index("(") + 1 : line.index(")")].split(",")
            ]
            row = lines[i + 1]
            if row == "\\.":
                return 0, ""
            values = dict(zip(columns, row.split("\t"), strict=False))
            return int(values["size"]), values["root"]
    return 0, ""


def _has_tables() -> bool:
    return bool(connection.introspection.table_names())


def restore(path: Path) -> Outcome:
    """Put the backup ``path`` into the configured database, which must be empty, then verify the
    record. Raises BackupError when anything is not right; the database is then to be dropped."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        if _has_tables():
            raise BackupError(
                f"the database {db['NAME']} is not empty: restore only into a fresh database (createdb NAME)"
            )
        connection.close()
        args, env = _pg_env(db)
        run = subprocess.run(
            [
                _tool("pg_restore"),
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                str(db["NAME"]),
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise BackupError(f"pg_restore failed: {run.stderr.strip()}")
    elif connection.vendor == "sqlite":
        target = Path(str(db["NAME"]))
        try:
            with sqlite3.connect(str(path)) as check:
                ok = check.execute("PRAGMA integrity_check").fetchone()[0]
                check.execute("SELECT count(*) FROM record_entry").fetchone()
        except sqlite3.DatabaseError as exc:
            ok = str(exc)
        if ok != "ok":
            raise BackupError(f"{path} is not a sound SQLite database: {ok}")
        connection.close()
        if target.exists() and target.stat().st_size > 0:
            with sqlite3.connect(str(target)) as existing:
                tables = existing.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                ).fetchone()[0]
            if tables:
                raise BackupError(f"{target} is not empty: restore only into a fresh database")
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        tmp = target.with_name(target.name + ".restoring")
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    else:
        raise BackupError(f"no restore for the {connection.vendor} database")

    from charter.record import log

    problem = log.verify()
    if problem is not None:
        raise BackupError(f"the restored record does not verify: {problem}")
    entries, root = record_state()
    return Outcome(path, entries, root)
