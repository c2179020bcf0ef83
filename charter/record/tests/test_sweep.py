"""`record verify`'s bulk pass split between worker processes, each reading the same snapshot.

The workers need the log committed where a new connection sees it, so a child process builds one in
a real database (the suite's PostgreSQL database when the suite runs on it, else a SQLite file, where
the workers are new interpreters) and checks it with workers: a clean log is confirmed with every
entry counted once; a changed one is not, and the audit then names the entry; workers that see
another log state than the parent's leave the log to the audit, which passes it.
(The bulk pass without workers is held to the audit by every case of the tamper matrix.)
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from charter.record.tests.test_crash import ROOT, run_env

pytestmark = [
    pytest.mark.django_db(transaction=True),  # on PostgreSQL the child writes the suite's database
    pytest.mark.skipif(
        sys.platform != "linux",
        reason="verify starts workers on Linux only (record.sweep._workers)",
    ),
]


CHILD = r"""
import json
import os
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.db import transaction
from charter.record import audit, checkpoints, log, sweep
from charter.testing.tamper import rewrite

with transaction.atomic():
    for i in range(700):  # two blocks sealed, and entries in rows after them
        log.append("test_entry", "done", detail={"n": i, "note": "ünïcode ✓"})
        if i % 200 == 199:
            checkpoints.sign_if_due()
checkpoints.sign_if_due()

sweep.PARALLEL_MIN = 1
sweep._workers = lambda size, chunks, join: 3 if join else 1  # three, whatever the cores
runs = []
parallel = sweep._parallel

def counted(*args, **kwargs):
    runs.append(args[3])
    return parallel(*args, **kwargs)

sweep._parallel = counted

def bulk():
    seen = []
    with sweep.snapshot() as join:
        heads, problem = audit._signed_heads()
        ok = problem is None and audit.confirmed(heads, join, seen.append, bits=8)  # 3 chunks of 256
    return [ok, sum(seen)]

out = {"clean": bulk(), "clean_verify": str(log.verify())}
state, parent = sweep.Reader.state, os.getpid()
# the parent sees the log as it is not (a forked worker inherits this, and reads the real state)
sweep.Reader.state = lambda self: (700, "another root") if os.getpid() == parent else state(self)
out["failing"] = bulk()
out["failing_verify"] = str(log.verify())
sweep.Reader.state = state
rewrite('UPDATE record_entry SET leaf_hash = %s WHERE "index" = 77', "0" * 64)  # as a superuser would
out["changed"] = bulk()
problem = log.verify()
out["changed_verify"] = problem.index if problem else None
out["runs"] = runs
print(json.dumps(out))
"""


def test_workers_confirm_a_clean_log_and_not_a_changed_one(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=run_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["clean"] == [True, 700] and out["clean_verify"] == "None"
    assert out["failing"][0] is False and out["failing_verify"] == "None"  # the audit decided
    assert out["changed"][0] is False and out["changed_verify"] == 77
    assert out["runs"] == [3] * 6  # every bulk pass above, and each verify's, ran three workers
