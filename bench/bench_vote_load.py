"""Benchmark: 2,000 voters vote through the web API while 2,000 live connections watch, on PostgreSQL.

1. creates a fresh database (``bench_live``, or the one named in DATABASE_URL), migrates it and
   founds a small organization through the actions; N + 1 members of one branch come in through
   ``import_members`` (the real import act, on a CSV file); each gets a sign-in and a signed-in
   session (identity, not an act of the organization; nobody types a password here);
2. one of them, the chair, creates a yes/no secret poll of the branch meeting and opens it (actions);
3. starts the real server, ``charter serve --workers W``, on a free loopback port;
4. opens C live connections to the poll's stream (``/polls/ID/live/``: the voters' phones and the
   hall screen), each signed in as a member, and waits until every one has had its first state;
5. N voters vote once each through ``POST /api/polls/ID/votes`` with an idempotency key, at most P at
   a time; some send the same vote again with the same key (must be replayed, not counted) and some
   try again with another key (must be refused);
6. the chair closes and publishes the poll through the API; every connection records when it sees
   the result;
7. checks the published totals against the acknowledged votes: lost, duplicated, server errors.

Prints votes/s, vote latency, the wall time to take every vote, close-to-result on the connections,
and the peer's figures beside ours. Never a pass/fail timing; stops by itself (timeouts everywhere)
and stops its server.

    .venv/bin/python bench/bench_vote_load.py [--voters N] [--connections C] [--workers W] [--parallel P]

DATABASE_URL names the PostgreSQL server and database (default postgres://postgres@127.0.0.1:5432/bench_live);
the database is dropped and created again.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import json
import os
import random
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _figures import figure  # bench/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

WORK = Path("/tmp/charter-bench-vote-load")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_live"
CSRF = "benchcsrftokenbenchcsrftoken0123"  # any 32 letters: the cookie and the header must match
USER_COLUMNS = ("id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined")

PEER = (
    "OpenSlides 3.3 on the same kind of machine: 1,000 votes took 50 s with no connection open (20 votes/s), "
    "947 s with 1,000 connections open (about 1 vote/s): it pushes every vote to every connection."
)


# --- the database, built through the actions --------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres".replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def build(voters: int) -> dict[str, Any]:
    """The organization, the members, their sessions and the open poll: ids and session keys."""
    import django

    django.setup()
    from _org import build_org
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction

    from charter.accounts.models import User
    from charter.lib import clock
    from charter.members.importing import import_members
    from charter.members.models import Member
    from charter.org.models import Body, Unit
    from charter.voting.actions import create_poll, open_poll

    call_command("migrate", "--verbosity", "0")
    branch = Unit.objects.get(pk=build_org(1)[0])  # the founding, through the actions, as that bench does
    clock.set_frozen(None)

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"members-{voters + 1}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "branch", "language", "status", "joined_on", "dues_paid_until"])
        for i in range(voters + 1):
            w.writerow([f"Delegate {i + 1}", branch.pk, "en", "member", "2019-01-10", "2099-12-31"])
    import_members(path)

    members = list(Member.objects.filter(branch=branch).order_by("pk").values_list("pk", flat=True))
    password = "!bench-unusable"  # no password sign-in: the sessions are made below
    auth_hash = User(password=password).get_session_auth_hash()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    joined = dt.datetime(2019, 1, 10, tzinfo=dt.UTC)
    store = SessionStore()
    expires = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    users, sessions, keys = [], [], []
    for i, pk in enumerate(members):
        uid = first_user + i
        users.append((uid, password, False, f"delegate{pk}", "", "", "", False, True, joined))
        key = f"live{pk:010d}{secrets.token_hex(8)}"
        sessions.append((key, store.encode({SESSION_KEY: str(uid), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: auth_hash}), expires))
        keys.append(key)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY accounts_user ({', '.join(USER_COLUMNS)}) FROM STDIN") as copy:
            for row in users:
                copy.write_row(row)
        cursor.execute("SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), (SELECT max(id) FROM accounts_user))")
        with cursor.cursor.copy("COPY django_session (session_key, session_data, expire_date) FROM STDIN") as copy:
            for row in sessions:
                copy.write_row(row)
        # Linking a sign-in to a person is identity, not an act of the organization (as in the demo).
        cursor.execute(
            "UPDATE members_member m SET user_id = u.id FROM accounts_user u WHERE u.username = 'delegate' || m.id AND m.branch_id = %s",
            [branch.pk],
        )
    chair = Member.objects.get(pk=members[0])
    body = Body.objects.get(unit=branch, kind="branch_meeting")
    poll = create_poll(body, by=chair, title="Adopt the conference resolution", method="yes_no", mode="secret")
    poll = open_poll(poll, by=chair)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return {"poll": poll.pk, "electorate": poll.electorate, "chair": keys[0], "voters": keys[1:]}


# --- the server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ, "DATABASE_URL": url, "CHARTER_VAR_DIR": str(WORK / "var"), "STATIC_ROOT": str(WORK / "static"),
        "LOG_LEVEL": "WARNING", "NOTICE_OUTBOX_DIR": str(WORK / "outbox"),
    }
    log = (WORK / "server.log").open("wb")
    cmd = [str(Path(sys.executable).with_name("charter")), "serve", "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


async def wait_ready(base: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"the server stopped (exit {proc.returncode}); see {WORK / 'server.log'}")
            try:
                if (await client.get(f"{base}/api/openapi.json")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


# --- the load --------------------------------------------------------------------------------------


class Watcher:
    """One live connection: when it got its first state, the highest turnout it saw, when it saw the result."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.max_voted = 0
        self.events = 0
        self.result_at: float | None = None
        self.result: dict[str, Any] | None = None
        self.error = ""


async def watch(host: str, port: int, path: str, session: str, w: Watcher, stop: asyncio.Event) -> None:
    """A phone: one HTTP/1.1 connection of its own on the stream, read line by line (a pooled HTTP
    client would spend its time walking a pool of thousands of open streams, not reading them)."""
    writer = None
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 30)
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\nCookie: sessionid={session}\r\n\r\n".encode())
        status = await asyncio.wait_for(reader.readline(), 60)
        if b" 200 " not in status:
            w.error = status.decode(errors="replace").strip() or "no answer"
            w.ready.set()
            return
        event = b""
        while not stop.is_set():
            line = await reader.readline()  # chunk sizes and blank lines are skipped below
            if not line:
                w.error = "closed by the server"
                w.ready.set()
                return
            if line.startswith(b"event: "):
                event = line[7:].strip()
            elif line.startswith(b"data: ") and event == b"state":
                state = json.loads(line[6:])
                w.events += 1
                w.max_voted = max(w.max_voted, state["voted"])
                w.ready.set()
                if state["result"] is not None:
                    w.result_at, w.result = time.monotonic(), state["result"]
                    return
    except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
        w.error = f"{type(exc).__name__}: {exc}"
        w.ready.set()
    finally:
        if writer is not None:
            writer.close()


class Lanes:
    """The voters' requests: P keep-alive HTTP/1.1 connections, one request on each at a time, written
    and read by hand. A general client (httpx) spent about a third of a core on this machine parsing
    and pooling, taken from the server it measures on the same two cores."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.host, self.port = host, port
        self.free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter] | None] = asyncio.Queue()
        for _ in range(size):
            self.free.put_nowait(None)  # connected on first use

    async def post(self, path: str, headers: dict[str, str], body: bytes) -> int:
        lane = await self.free.get()
        try:
            if lane is None:
                lane = await asyncio.wait_for(asyncio.open_connection(self.host, self.port), 30)
            reader, writer = lane
            head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            status_line = await asyncio.wait_for(reader.readline(), 60)
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
                elif name.lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
            if close:
                writer.close()
                lane = None
            return int(status_line.split()[1])
        except Exception:  # noqa: BLE001 - a vote that got no answer is counted as not acknowledged
            if lane is not None:
                lane[1].close()
            lane = None
            return 0
        finally:
            self.free.put_nowait(lane)


async def vote(lanes: Lanes, path: str, session: str, choice: str, key: str) -> tuple[int, float]:
    headers = {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF, "Content-Type": "application/json"}
    t0 = time.monotonic()
    status = await lanes.post(path, headers, json.dumps({"idempotency_key": key, "choice": choice}).encode())
    return status, time.monotonic() - t0


async def run_load(base: str, setup: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    poll, chair = setup["poll"], setup["chair"]
    voters: list[str] = setup["voters"][: args.voters]
    rng = random.Random(2011)
    out: dict[str, Any] = {}
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=args.parallel + 10)
    timeout = httpx.Timeout(30, connect=30, pool=60)
    host, port = base.removeprefix("http://").split(":")
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:
        # The phones and the hall screen: every voter (round robin) and the chair.
        stop = asyncio.Event()
        sessions = [chair] + [voters[i % len(voters)] for i in range(args.connections - 1)]
        watchers = [Watcher() for _ in sessions]
        t0 = time.monotonic()
        tasks = []
        for i, (s, w) in enumerate(zip(sessions, watchers, strict=True)):
            tasks.append(asyncio.create_task(watch(host, int(port), f"/polls/{poll}/live/", s, w, stop)))
            if i % 100 == 99:
                await asyncio.sleep(0.05)  # phones arrive over a moment, not in one SYN flood
        try:
            await asyncio.wait_for(asyncio.gather(*(w.ready.wait() for w in watchers)), 120)
        except TimeoutError:
            pass
        out["connect_s"] = time.monotonic() - t0
        out["connected"] = sum(1 for w in watchers if w.ready.is_set() and not w.error)

        # The votes: each voter once, at most P at a time; some send theirs twice.
        choices = [rng.choice(["yes", "yes", "no", "abstain"]) for _ in voters]
        keys = [f"vote-{i}-{secrets.token_hex(6)}" for i in range(len(voters))]
        again = set(rng.sample(range(len(voters)), min(args.resend, len(voters))))
        other_key = set(rng.sample(sorted(set(range(len(voters))) - again), min(args.resend // 2, len(voters) - len(again))))
        gate = asyncio.Semaphore(args.parallel)
        api = f"/api/polls/{poll}/votes"
        lanes = Lanes(host, int(port), args.parallel)
        statuses: list[int] = [0] * len(voters)
        latencies: list[float] = []
        extra: list[tuple[str, int]] = []

        async def one(i: int) -> None:
            async with gate:
                statuses[i], took = await vote(lanes, api, voters[i], choices[i], keys[i])
                latencies.append(took)
                if i in again:
                    extra.append(("same key", (await vote(lanes, api, voters[i], choices[i], keys[i]))[0]))
                if i in other_key:
                    extra.append(("other key", (await vote(lanes, api, voters[i], "no", keys[i] + "-again"))[0]))

        t_votes = time.monotonic()
        await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(len(voters)))), 600)
        out["votes_wall_s"] = time.monotonic() - t_votes
        await asyncio.sleep(2 * 0.5 + 0.2)  # two intervals of the live reader: the last turnout reaches the phones
        out["saw_full_turnout"] = sum(1 for w in watchers if w.max_voted >= sum(1 for s in statuses if s == 201))

        # Close and publish: the chair, through the API.
        chair_headers = {"Cookie": f"sessionid={chair}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
        t_close = time.monotonic()
        closed = await client.post(f"{base}/api/polls/{poll}/close", headers=chair_headers)
        published = await client.post(f"{base}/api/polls/{poll}/publish", headers=chair_headers)
        out["close_status"], out["publish_status"] = closed.status_code, published.status_code
        out["close_publish_s"] = time.monotonic() - t_close
        try:
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), args.result_timeout)
        except TimeoutError:
            pass
        stop.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        result = (await client.get(f"{base}/api/polls/{poll}/results", headers=chair_headers)).json()

    seen = [w.result_at - t_close for w in watchers if w.result_at is not None]
    acknowledged = [choices[i] for i, s in enumerate(statuses) if s == 201]
    expected = {c: acknowledged.count(c) for c in ("yes", "no", "abstain")}
    totals = result.get("result", {}).get("totals", {})
    out.update(
        statuses=statuses, latencies=latencies, extra=extra, seen=seen, expected=expected, totals=totals,
        ballots=result.get("ballots"), never=len(watchers) - len(seen), errors=[w.error for w in watchers if w.error],
        events=[w.events for w in watchers],
    )
    return out


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(out: dict[str, Any], args: argparse.Namespace) -> None:
    statuses, extra = out["statuses"], out["extra"]
    ok = sum(1 for s in statuses if s == 201)
    server_errors = sum(1 for s in statuses if s >= 500) + sum(1 for _k, s in extra if s >= 500)
    server_errors += sum(1 for s in (out["close_status"], out["publish_status"]) if s >= 500)
    no_answer = sum(1 for s in statuses if s == 0)
    lost = sum(max(0, out["expected"][c] - out["totals"].get(c, 0)) for c in out["expected"])
    duplicated = sum(max(0, out["totals"].get(c, 0) - out["expected"][c]) for c in out["expected"])
    replayed_ok = sum(1 for k, s in extra if k == "same key" and s == 200)
    refused_ok = sum(1 for k, s in extra if k == "other key" and s == 409)
    lat = out["latencies"]
    print(f"server: charter serve --workers {args.workers} (uvicorn); load generator: one asyncio process (asyncio streams for the connections and for the votes, on keep-alive connections, one per vote in flight); {os.cpu_count()} cores")
    print(f"live connections: {out['connected']:,} of {args.connections:,} open and fed in {out['connect_s']:.1f} s")
    print(f"votes: {ok:,} of {len(statuses):,} acknowledged in {out['votes_wall_s']:.2f} s  ->  {ok / out['votes_wall_s']:.0f} votes/s "
          f"({args.parallel} in flight at most)")
    print(f"vote latency: p50 {1000 * statistics.median(lat):.0f} ms, p95 {1000 * pct(lat, 0.95):.0f} ms, max {1000 * max(lat):.0f} ms")
    print(f"resubmissions: {replayed_ok} of {sum(1 for k, _s in extra if k == 'same key')} same-key replays answered 200 and not counted; "
          f"{refused_ok} of {sum(1 for k, _s in extra if k == 'other key')} second votes under another key refused (409)")
    print(f"connections that saw the full turnout before the close: {out['saw_full_turnout']:,} of {args.connections:,}")
    print(f"close + publish (the chair's two requests): {out['close_publish_s']:.2f} s; "
          f"close -> result on the connections: p95 {pct(out['seen'], 0.95):.2f} s, max {max(out['seen'], default=float('nan')):.2f} s")
    print(f"events per connection: median {statistics.median(out['events']) if out['events'] else 0:.0f}, max {max(out['events'], default=0)}")
    print(f"published: {out['ballots']} ballots, totals {out['totals']}; acknowledged {out['expected']}")
    print(f"lost votes: {lost}  duplicated: {duplicated}  server errors (5xx): {server_errors}  unanswered: {no_answer}  "
          f"connections that never saw the result: {out['never']}")
    if out["errors"]:
        print(f"connection errors ({len(out['errors'])}), e.g. {out['errors'][0]}")
    print(f"peer: {PEER}")
    n = len(statuses)
    figure(f"votes through the API with {args.connections:,} live connections open, {n:,} voters", ok / out["votes_wall_s"], "votes/s",
           "OpenSlides 3.3: 20 votes/s with no connection, about 1 vote/s with 1,000", "2,000 votes within 10 s")
    figure(f"vote latency, {n:,} voters, {args.parallel} in flight", 1000 * pct(lat, 0.95), "ms p95", f"p50 {1000 * statistics.median(lat):.0f} ms", "")
    figure(f"close to result on {args.connections:,} live connections", max(out["seen"], default=float("nan")), "s max",
           f"p95 {pct(out['seen'], 0.95):.2f} s", "")
    figure(f"vote load, {n:,} voters: lost / duplicated / server errors", f"{lost} / {duplicated} / {server_errors}", "", "", "0 / 0 / 0")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2: one per core)")
    parser.add_argument("--parallel", type=int, default=50, help="votes in flight at once (default 50)")
    parser.add_argument("--resend", type=int, default=40, help="voters who send their vote twice (half as many try another key)")
    parser.add_argument("--result-timeout", type=float, default=60)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("this benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…/NAME")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the server's processes inherit it
    need = 2 * args.connections + 2 * args.parallel + 200
    if hard < need:
        print(f"note: the open-file limit is {hard}; {need} are needed for {args.connections} connections", file=sys.stderr)

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    os.environ.setdefault("CHARTER_VAR_DIR", str(WORK / "var"))
    t0 = time.perf_counter()
    recreate_database(url)
    setup = build(args.voters)
    print(f"built {setup['electorate']:,} eligible members through the actions, signed in, and an open poll in {time.perf_counter() - t0:.1f} s", flush=True)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(url, port, args.workers)
    try:
        asyncio.run(wait_ready(base, proc))
        out = asyncio.run(asyncio.wait_for(run_load(base, setup, args), 900))
    finally:
        stop_server(proc)
    report(out, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
