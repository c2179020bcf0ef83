"""Crash safety on PostgreSQL: a load of acts and votes through the real server (``charter serve
--workers 2``), and in the middle of it a SIGKILL, to the server's processes or, separately, to
PostgreSQL's postmaster. Afterwards every write the server acknowledged (a 2xx answer) is there,
no act is without its record entry (``charter record reconcile``) and the record verifies
(``charter record verify``); the server serves again after a restart.

Each test runs a private PostgreSQL server of its own (``charter.testing.pgcluster``: initdb in a
temporary folder, a free loopback port), never the machine's shared one. The suite runs these only
when it runs on PostgreSQL; on SQLite they are skipped.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import connection

from charter.testing import pgcluster
from charter.testing.load import headers
from charter.testing.serving import ROOT, Server, build_org, charter, env_for

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MEMBERS = 60
KILL_AFTER = 30  # acknowledged writes before the kill: well inside the load of 2 x 59

LOOK = r"""
import json, sys
import django
django.setup()
from charter.initiatives.models import Signature
from charter.voting.models import Participation
acked = json.loads(sys.stdin.read())
votes = dict(Participation.objects.filter(poll_id=acked["poll"]).values_list("voter_id", "idempotency_key"))
signed = dict(Signature.objects.filter(initiative_id=acked["initiative"], withdrawn_at__isnull=True).values_list("member_id", "entry_index"))
print(json.dumps({
    "lost_votes": [m for m, key in acked["votes"] if votes.get(m) != key],
    "lost_signatures": [m for m in acked["signatures"] if m not in signed],
    "signatures_without_entry": [m for m, e in signed.items() if e is None],
    "votes": len(votes), "signatures": len(signed),
}))
"""


@pytest.fixture
def cluster() -> Iterator[pgcluster.PrivateCluster]:
    if connection.vendor != "postgresql":
        pytest.skip("crash safety is PostgreSQL's to show (the suite runs on SQLite)")
    if not pgcluster.available():
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    with pgcluster.PrivateCluster() as pg:
        yield pg


class Load:
    """Every member but the chair votes (with an idempotency key) and signs the initiative, through
    the API, a few at a time. ``acked`` holds what the server acknowledged, in order."""

    def __init__(self, base: str, setup: dict[str, Any], threads: int = 6) -> None:
        self.base, self.setup = base, setup
        self.jobs = [
            (kind, i) for i in range(1, len(setup["members"])) for kind in ("vote", "sign")
        ]
        self.next = 0
        self.lock = threading.Lock()
        self.acked: list[tuple[str, int, str]] = []
        self.failed = 0
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _take(self) -> tuple[str, int] | None:
        with self.lock:
            if self.next >= len(self.jobs):
                return None
            self.next += 1
            return self.jobs[self.next - 1]

    def _run(self) -> None:
        with httpx.Client(timeout=20) as client:
            while (job := self._take()) is not None:
                kind, i = job
                member, session = self.setup["members"][i], self.setup["sessions"][i]
                key = f"crash-{member}"
                try:
                    if kind == "vote":
                        url = f"{self.base}/api/polls/{self.setup['poll']}/votes"
                        r = client.post(
                            url,
                            headers=headers(session),
                            content=json.dumps({"idempotency_key": key, "choice": "yes"}),
                        )
                    else:
                        r = client.post(
                            f"{self.base}/api/initiatives/{self.setup['initiative']}/signature",
                            headers=headers(session),
                        )
                except httpx.HTTPError:
                    with self.lock:
                        self.failed += 1
                    continue
                with self.lock:
                    if r.status_code in (200, 201):
                        self.acked.append((kind, member, key))
                    else:
                        self.failed += 1

    def stop(self) -> None:
        """No new requests after the crash: those in flight finish or fail."""
        with self.lock:
            self.next = len(self.jobs)

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def wait_for(self, acked: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while len(self.acked) < acked:
            assert time.monotonic() < deadline, f"only {len(self.acked)} writes acknowledged"
            assert any(t.is_alive() for t in self.threads), (
                f"the load ended with {len(self.acked)} acknowledged"
            )
            time.sleep(0.005)

    def join(self) -> None:
        for t in self.threads:
            t.join(timeout=120)

    def look(self, env: dict[str, str]) -> dict[str, Any]:
        acked = {
            "poll": self.setup["poll"],
            "initiative": self.setup["initiative"],
            "votes": [(m, k) for kind, m, k in self.acked if kind == "vote"],
            "signatures": [m for kind, m, _k in self.acked if kind == "sign"],
        }
        run = subprocess.run(
            [sys.executable, "-c", LOOK],
            input=json.dumps(acked),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        return json.loads(run.stdout.strip().splitlines()[-1])


def vote_again_after_restart(base: str, setup: dict[str, Any], timeout: float = 60) -> int:
    """The chair votes once the server (or its database) is back: the status of the first answer
    that is not a connection error or a 5xx of a connection the pool held from before the crash."""
    deadline = time.monotonic() + timeout
    body = json.dumps({"idempotency_key": "after-the-crash", "choice": "no"})
    with httpx.Client(timeout=20) as client:
        while True:
            try:
                r = client.post(
                    f"{base}/api/polls/{setup['poll']}/votes",
                    headers=headers(setup["chair"]),
                    content=body,
                )
                if r.status_code < 500 or time.monotonic() > deadline:
                    return r.status_code
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.2)


def assert_nothing_lost(load: Load, env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    seen = load.look(env)
    assert seen["lost_votes"] == [] and seen["lost_signatures"] == [], seen
    assert seen["signatures_without_entry"] == []
    assert seen["votes"] >= sum(1 for k, *_ in load.acked if k == "vote")
    reconciled = charter(env, "record", "reconcile")
    assert reconciled.returncode == 0, reconciled.stdout + reconciled.stderr
    verified = charter(env, "record", "verify")
    assert verified.returncode == 0 and verified.stdout.startswith("OK:"), (
        verified.stdout + verified.stderr
    )
    return seen


def test_killing_the_app_mid_load_loses_no_acknowledged_write(cluster, tmp_path):
    env = env_for(cluster.createdb("charter"), tmp_path)
    setup = build_org(env, MEMBERS)
    server = Server(env, tmp_path)
    server.start()
    load = Load(server.base, setup)
    try:
        load.start()
        load.wait_for(KILL_AFTER)
        server.kill()  # every process of `charter serve --workers 2`, with requests in flight
        load.stop()
        load.join()
    finally:
        server.kill()
    assert KILL_AFTER <= len(load.acked) < len(load.jobs), "the kill fell outside the load"
    assert load.failed > 0  # requests in flight were cut off by the kill

    assert_nothing_lost(load, env, tmp_path)
    restarted = Server(env, tmp_path)
    restarted.start()
    try:
        assert vote_again_after_restart(restarted.base, setup) == 201
    finally:
        restarted.stop()


def test_killing_postgresql_mid_load_loses_no_acknowledged_write(cluster, tmp_path):
    env = env_for(cluster.createdb("charter"), tmp_path)
    setup = build_org(env, MEMBERS)
    server = Server(env, tmp_path)
    server.start()
    load = Load(server.base, setup)
    try:
        load.start()
        load.wait_for(KILL_AFTER)
        cluster.kill()  # SIGKILL to the private postmaster and its backends: crash recovery on start
        load.stop()
        load.join()
        assert KILL_AFTER <= len(load.acked) < len(load.jobs), "the kill fell outside the load"
        assert load.failed > 0  # requests in flight failed with the database gone
        cluster.start()
        assert_nothing_lost(load, env, tmp_path)
        # The server kept running through the outage; its pool gives it new connections.
        assert vote_again_after_restart(server.base, setup) == 201
    finally:
        server.stop()
