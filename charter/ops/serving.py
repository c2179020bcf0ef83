"""`charter serve --workers N`: N uvicorn processes, each listening on a socket of its own (decision 0009).

Uvicorn's own way binds one socket in the parent and shares it: whichever worker wakes first accepts
every connection waiting (asyncio accepts up to the backlog at once), so a burst of connections, such
as a hall's phones at the opening of a vote, could all land on one worker while the other stood idle
(seen as vote runs at 148 votes/s against 210-237/s, by the luck of the first accept). Here each worker
binds the port itself with SO_REUSEPORT, and the kernel shares new connections among the workers'
sockets evenly. Uvicorn's supervisor still starts, watches, restarts and stops the workers.
"""

from __future__ import annotations

import socket
from typing import Any

from uvicorn.supervisors import multiprocess

REUSE_PORT = hasattr(socket, "SO_REUSEPORT")


def own_socket(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` that the server's other processes may bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SystemExit(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    sock.set_inheritable(True)
    return sock


class OwnSocketProcess(multiprocess.Process):
    """A uvicorn worker process that opens its own listening socket when it starts."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:
        super().target([own_socket(self.config.host, self.config.port)])


def run_workers(config: Any) -> None:
    own_socket(config.host, config.port).close()  # the port is free (or say why not) before any worker starts
    multiprocess.Process = OwnSocketProcess  # type: ignore[misc] # the supervisor makes its workers from this name
    multiprocess.Multiprocess(config, sockets=[]).run()
