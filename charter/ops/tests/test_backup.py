"""The restore drill: ``charter backup`` of a database with a record, ``charter restore`` into a
fresh one, and the restored record verifies to the same root. SQLite always; PostgreSQL (pg_dump,
pg_restore) on a private server when the suite runs on PostgreSQL."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from charter.testing import pgcluster
from charter.testing.serving import ROOT, build_org, charter, env_for

CAST = r"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from charter.testing.cast import build
build()
"""


def root_of(verified: subprocess.CompletedProcess[str]) -> tuple[int, str]:
    assert verified.returncode == 0, verified.stdout + verified.stderr
    m = re.match(r"OK: (\d+) entries, root ([0-9a-f]{64})", verified.stdout)
    assert m, verified.stdout
    return int(m.group(1)), m.group(2)


def drill(source: dict[str, str], fresh: dict[str, str], tmp_path: Path) -> None:
    before = root_of(charter(source, "record", "verify"))
    assert before[0] > 5
    file = tmp_path / "charter.backup"
    backed = charter(source, "backup", str(file))
    assert backed.returncode == 0, backed.stderr
    assert f"the record at {before[0]} entries, root {before[1]}" in backed.stdout
    assert charter(source, "backup", str(file)).returncode == 1  # never overwrites a backup

    restored = charter(fresh, "restore", str(file))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert f"{before[0]} entries, root {before[1]}" in restored.stdout
    assert root_of(charter(fresh, "record", "verify")) == before
    reconciled = charter(fresh, "record", "reconcile")
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr

    again = charter(fresh, "restore", str(file))  # into a database that is no longer empty
    assert again.returncode == 1 and "not empty" in again.stderr
    assert root_of(charter(fresh, "record", "verify")) == before


def test_a_sqlite_backup_restores_into_a_fresh_file_with_the_same_record_root(tmp_path):
    source = env_for(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path)
    built = subprocess.run(
        [sys.executable, "-c", CAST],
        cwd=ROOT,
        env=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    fresh = env_for(f"sqlite:///{tmp_path / 'restored' / 'charter.sqlite3'}", tmp_path)
    drill(source, fresh, tmp_path)


def test_a_broken_file_is_refused(tmp_path):
    bad = tmp_path / "not-a-backup"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    fresh = env_for(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path)
    out = charter(fresh, "restore", str(bad))
    assert out.returncode == 1 and "restore failed" in out.stderr


@pytest.mark.postgres
@pytest.mark.slow
def test_a_postgresql_backup_restores_into_a_fresh_database_with_the_same_record_root(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the suite runs on SQLite")
    if not pgcluster.available():
        pytest.skip("no PostgreSQL server binaries")
    with pgcluster.PrivateCluster() as pg:
        source = env_for(pg.createdb("charter"), tmp_path)
        build_org(source, 12)
        fresh = env_for(pg.createdb("charter_restored"), tmp_path)
        drill(source, fresh, tmp_path)
