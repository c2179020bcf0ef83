"""Real local servers for the transports to talk to: an SMTP server (aiosmtpd) and an SMS gateway
(http.server), each on a free port, each keeping what arrived so a test can read it."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes

    @property
    def subject(self) -> str:
        """The Subject as a mail client shows it (the parser's header object keeps the blank that
        folding puts before an encoded word)."""
        raw = email.message_from_bytes(self.raw, policy=email.policy.compat32)["Subject"]
        return str(make_header(decode_header(raw)))


class SmtpSink:
    """An SMTP server that keeps every message; ``refuse`` holds addresses it answers 550 for."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mails: list[Mail] = []
        self.refuse: set[str] = set()
        self.controller: Any = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), message, envelope.content))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@dataclass
class Request:
    authorization: str
    content_type: str
    payload: dict[str, Any]


@dataclass
class SmsGateway:
    """An SMS gateway's HTTP API: POST JSON {"to", "text", "id"} with a bearer token.

    ``mode``: "up" (200 with {"id": "gw-N"}), "503" (overloaded, takes nothing), "lost" (takes the
    message, then answers 503 as if the answer were lost on the way), "400" (refuses the message),
    "no-id" (200 without a JSON id). ``stop()`` closes the port: connections are refused."""

    token: str = "gateway-secret"
    mode: str = "up"
    port: int = field(default_factory=free_port)
    requests: list[Request] = field(default_factory=list)
    delivered: list[dict[str, Any]] = field(default_factory=list)  # messages it took, in order
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/messages"

    def start(self) -> None:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                payload = json.loads(raw.decode("utf-8"))
                gateway.requests.append(Request(self.headers.get("Authorization", ""), self.headers.get("Content-Type", ""), payload))
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    return self.answer(401, {"error": "bad token"})
                if gateway.mode == "503":
                    return self.answer(503, {"error": "busy"})
                if gateway.mode == "400":
                    return self.answer(400, {"error": "not a phone number"})
                gateway.delivered.append(payload)
                if gateway.mode == "lost":
                    return self.answer(503, {"error": "the answer got lost"})
                if gateway.mode == "no-id":
                    return self.answer(200, "queued")
                return self.answer(200, {"id": f"gw-{len(gateway.delivered)}", "status": "queued"})

            def answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode("utf-8") if not isinstance(body, str) else body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json" if not isinstance(body, str) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
