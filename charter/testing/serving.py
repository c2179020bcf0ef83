"""The real server (``charter serve``) in a process group of its own, against a database of its own:
for the crash-safety tests and the load benches."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from charter.testing.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[2]
CHARTER = str(Path(sys.executable).with_name("charter"))


def env_for(url: str, work: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("CHARTER_TEST_SQLITE", "PYTEST_CURRENT_TEST", "DB_POOL")
    }
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="charter.settings",
        PYTHONPATH=str(ROOT),
        CHARTER_VAR_DIR=str(work / "var"),
        STATIC_ROOT=str(work / "static"),
        NOTICE_OUTBOX_DIR=str(work / "outbox"),
        RECORD_SIGNING_KEY="",
        RECORD_SIGNING_KEY_FILE=str(work / "signing.key"),
        LOG_LEVEL="ERROR",
    )
    return env


BUILD = r"""
import json, sys
import django
django.setup()
from charter.testing.load import build
print("BUILT " + json.dumps(build(int(sys.argv[1]))), flush=True)
"""


def build_org(env: dict[str, str], members: int) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-c", BUILD, str(members)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(
        next(line for line in run.stdout.splitlines() if line.startswith("BUILT "))[6:]
    )


class Server:
    """``charter serve`` in a process group of its own, so that SIGKILL reaches every process of it."""

    def __init__(self, env: dict[str, str], work: Path, workers: int = 2) -> None:
        self.env, self.work, self.workers = env, work, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> None:
        import httpx

        log = (self.work / f"server-{self.port}.log").open("ab")
        cmd = [CHARTER, "serve", "--port", str(self.port), "--workers", str(self.workers)]
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                assert self.proc.poll() is None, f"the server stopped: {self.log()}"
                try:
                    if client.get(f"{self.base}/api/openapi.json").status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.1)
        raise AssertionError(f"the server did not answer within {timeout} s: {self.log()}")

    def log(self) -> str:
        return "\n".join(
            (self.work / f"server-{self.port}.log").read_text(errors="replace").splitlines()[-30:]
        )

    def kill(self) -> None:
        """SIGKILL to every process of the server at once: no shutdown, no flush, no goodbye."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGINT)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def charter(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CHARTER, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
