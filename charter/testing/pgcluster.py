"""A private PostgreSQL server for tests and benches that must kill or misconfigure one: its own
data folder in a temporary directory, its own free loopback port, started with ``pg_ctl`` and
stopped (or killed with SIGKILL) without touching any other server on the machine.

    with PrivateCluster(tmp_path, settings={"synchronous_commit": "off"}) as pg:
        pg.url("charter")          # postgres://postgres@127.0.0.1:PORT/charter
        pg.kill()                  # SIGKILL the postmaster (and its children), as a crash would
        pg.start()                 # crash recovery from the WAL

When the tests run as root (initdb refuses root), the cluster runs as the ``postgres`` user.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def binary(name: str) -> str | None:
    for folder in BIN_DIRS:
        if (folder / name).exists():
            return str(folder / name)
    return shutil.which(name)


def available() -> bool:
    return (
        binary("initdb") is not None
        and binary("pg_ctl") is not None
        and (os.geteuid() != 0 or _user_exists("postgres"))
    )


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCluster:
    def __init__(self, base: Path | None = None, settings: dict[str, str] | None = None) -> None:
        # A folder of its own under the system's temporary directory, which the postgres user can reach.
        self.base = Path(base) if base is not None else Path(tempfile.mkdtemp(prefix="charter-pg-"))
        self.data = self.base / "pgdata"
        self.log = self.base / "postgres.log"
        self.port = free_port()
        self.settings = {
            "fsync": "on",
            "synchronous_commit": "on",
            "full_page_writes": "on",
            **(settings or {}),
        }

    # -- as the right user -------------------------------------------------------------------------
    def _run(self, *cmd: str, check: bool = True, **kw: Any) -> subprocess.CompletedProcess[str]:
        argv = list(cmd)
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        return subprocess.run(argv, check=check, capture_output=True, text=True, **kw)

    def init(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self.base.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
        self._run(
            binary("initdb") or "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        conf = "\n".join(
            [
                f"port = {self.port}",
                "listen_addresses = '127.0.0.1'",
                f"unix_socket_directories = '{self.base}'",
                "max_connections = 60",
                "shared_buffers = 32MB",
                *(f"{k} = {v}" for k, v in self.settings.items()),
                "",
            ]
        )
        with (self.data / "postgresql.conf").open("a") as f:
            f.write(conf)

    def start(self) -> None:
        self._run(
            binary("pg_ctl") or "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self) -> None:
        if self.postmaster_pid() is not None:
            self._run(
                binary("pg_ctl") or "pg_ctl",
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "-w",
                "stop",
                check=False,
            )

    def postmaster_pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend of this cluster: nothing is flushed on the way out."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        try:
            children = subprocess.run(
                ["pgrep", "-P", str(pid)], capture_output=True, text=True
            ).stdout.split()
        except FileNotFoundError:  # no procps: the backends exit once the postmaster is gone
            children = []
        os.kill(pid, signal.SIGKILL)
        for child in children:
            try:
                os.kill(int(child), signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.postmaster_pid() is not None:
            time.sleep(0.05)

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def createdb(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def __enter__(self) -> PrivateCluster:
        self.init()
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)
