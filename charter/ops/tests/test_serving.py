"""`charter serve --workers 2`: each worker listens on a socket of its own on the one port
(charter.ops.serving), the server answers on it, and stopping it closes them all."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx
import pytest

from charter.testing.serving import Server

# Where the system has no SO_REUSEPORT, `charter serve` falls back to uvicorn's one shared socket
# (nothing of this module runs); the test counts listening sockets in Linux's /proc/net/tcp.
pytestmark = pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT") or not Path("/proc/net/tcp").exists(), reason="SO_REUSEPORT and /proc/net/tcp are Linux's; without them serve uses uvicorn's shared socket")


def listening_on(port: int) -> int:
    """How many sockets listen on ``port`` (state 0A in /proc/net/tcp)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state = fields[1], fields[3]
        if int(local.rsplit(":", 1)[1], 16) == port and state == "0A":
            count += 1
    return count


def test_two_workers_listen_each_on_its_own_socket_and_stop_together(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # a SQLite file of its own
    env.update(CHARTER_VAR_DIR=str(tmp_path / "var"), DEBUG="0")
    server = Server(env, tmp_path, workers=2)
    server.start()
    try:
        assert listening_on(server.port) == 2, server.log()
        # a burst of connections, each asking at once: every one is answered
        clients = [httpx.Client(timeout=10) for _ in range(20)]
        try:
            assert {c.get(f"{server.base}/api/openapi.json").status_code for c in clients} == {200}
        finally:
            for c in clients:
                c.close()
    finally:
        server.stop()
    assert server.proc is not None and server.proc.returncode is not None
    assert listening_on(server.port) == 0


def test_a_port_already_taken_is_refused_with_the_reason(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        from charter.ops import serving

        with pytest.raises(SystemExit, match=f"cannot listen on 127.0.0.1:{port}"):
            serving.own_socket("127.0.0.1", port)
    finally:
        taken.close()
