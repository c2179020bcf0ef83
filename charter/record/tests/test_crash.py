"""A process killed in the middle of an act leaves neither the act's rows nor its entry.

A child process builds the cast in a real database (PostgreSQL when the suite runs on it, else a
SQLite file), then admits an applicant; when the action has written every row, the entry and the
notices, and before the transaction commits, the child says so and sleeps. It is killed with
SIGKILL. Another process then looks: nothing of the act is there, ``record reconcile`` is clean
and ``record verify`` passes.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]

ACT = r"""
import datetime as dt, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)

from charter.lib import clock
from charter.members import actions
from charter.members.models import Member
from charter.record.models import Entry
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.cast import build
from charter.testing.meetings import hold

cast = build()
clock.set_frozen(dt.datetime(2026, 10, 1, 10, tzinfo=dt.UTC))
applicant = actions.apply_for_membership(name="Naveed Khoso", branch=cast.karachi, email="n@example.org")
rc = cast.bodies["rc"]
seated = list(Member.objects.filter(mandates__body=rc, mandates__office="", mandates__ended_on__isnull=True))
meeting = hold(rc, by=cast.rashid, present=seated, notice_days=8)
before = {"entries": Entry.objects.count(), "applicant": applicant.pk, "meeting": meeting.pk}
tell = actions._tell

def tell_then_hang(*args, **kwargs):
    tell(*args, **kwargs)  # the last write of admit_member: everything is written, nothing committed
    inside = {"entries": Entry.objects.count(), "status": Member.objects.get(pk=applicant.pk).status}
    print("READY " + __import__("json").dumps({**before, "inside": inside}), flush=True)
    time.sleep(120)

actions._tell = tell_then_hang
actions.admit_member(applicant, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(6, 0, 1)))
print("COMMITTED", flush=True)
"""

LOOK = r"""
import io, json, sys
from contextlib import redirect_stdout
import django
django.setup()
from charter.cli import main
from charter.meetings.models import Motion
from charter.members.models import Member, StatusChange
from charter.notices.models import Notice
from charter.record.models import Entry

before = json.loads(sys.argv[1])
out = io.StringIO()
with redirect_stdout(out):
    reconciled = main(["record", "reconcile"])
    verified = main(["record", "verify"])
print(json.dumps({
    "entries": Entry.objects.count(),
    "admit_entries": Entry.objects.filter(act="admit_member").count(),
    "status": Member.objects.get(pk=before["applicant"]).status,
    "changes": list(StatusChange.objects.filter(member_id=before["applicant"]).values_list("status_to", flat=True)),
    "motions": Motion.objects.filter(meeting_id=before["meeting"]).count(),
    "notices": Notice.objects.filter(member_id=before["applicant"]).count(),
    "reconcile": reconciled, "verify": verified, "said": out.getvalue(),
}))
"""


def database_url(tmp_path: Path) -> str:
    """The suite's own PostgreSQL test database when there is one; else a new SQLite file."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        auth = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or ''}{':' + str(s['PORT']) if s['PORT'] else ''}/{s['NAME']}"
    return f"sqlite:///{tmp_path / 'charter.sqlite3'}"


def run_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CHARTER_TEST_SQLITE", "PYTEST_CURRENT_TEST")}
    env.update(
        DATABASE_URL=database_url(tmp_path), DJANGO_SETTINGS_MODULE="charter.settings",
        RECORD_SIGNING_KEY="", RECORD_SIGNING_KEY_FILE=str(tmp_path / "signing.key"), PYTHONPATH=str(ROOT),
    )
    return env


def wait_for_line(proc: subprocess.Popen[str], prefix: str, timeout: float) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            line = proc.stdout.readline()
            if line.startswith(prefix):
                return line
            if not line and proc.poll() is not None:
                break
    proc.kill()
    raise AssertionError(f"the child never said {prefix!r}: {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the child writes the suite's database: empty it after
def test_an_act_killed_before_commit_leaves_no_trace(tmp_path):
    env = run_env(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", ACT], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = wait_for_line(child, "READY ", timeout=60)
        child.send_signal(signal.SIGKILL)  # mid-act: rows, entry and notices written, not committed
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    before = json.loads(line.removeprefix("READY "))
    assert before["inside"] == {"entries": before["entries"] + 1, "status": "member"}  # killed after the writes

    look = subprocess.run([sys.executable, "-c", LOOK, json.dumps(before)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert look.returncode == 0, look.stderr
    after = json.loads(look.stdout.strip().splitlines()[-1])
    assert after["entries"] == before["entries"] and after["admit_entries"] == 0
    assert after["status"] == "applicant" and after["changes"] == ["applicant"]
    assert after["motions"] == 0 and after["notices"] == 0
    assert after["reconcile"] == 0 and after["verify"] == 0, after["said"]
    assert "OK:" in after["said"]
