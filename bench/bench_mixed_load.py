"""Benchmark: a mixed load on PostgreSQL served by two app processes (``charter serve --workers 2``):
members browsing, signing an initiative and voting, while officers run polls.

1. creates the database ``charter_bench_mixed`` and builds, through the actions, an organization
   of N members with sign-ins and sessions, an open poll of their branch and an initiative
   collecting signatures (``charter.testing.load``);
2. starts ``charter serve --workers 2`` on a free loopback port (the background worker runs too);
3. sends, at most P at a time and in a shuffled order: for every member three page views (their
   home page, the poll's page, the initiative's page; plus one of the record, the API's ``/me`` or
   the turnout), one signature and one vote through the API; and for every tenth member an
   officer's cycle: the chair creates a poll, opens it, closes it and publishes it (four acts);
4. counts: requests per second, latency (p50, p95) per kind, server errors; and checks that every
   acknowledged vote and signature was counted once.

    .venv/bin/python bench/bench_mixed_load.py [--members 300] [--parallel 20] [--workers 2]

PostgreSQL at postgres://postgres@127.0.0.1:5432 (override with --pg-url). Prints figures (and the
FIGURE lines of bench/_figures.py); never a pass/fail timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _figures import figure  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"
DB = "charter_bench_mixed"
WORK = Path("/tmp/charter-bench-mixed")
ANCHOR = "votes alone (bench_vote_load, decision 0009): 59 votes/s, p95 1,782 ms with 50 in flight"


def build(url: str, members: int) -> dict[str, Any]:
    code = "import json, sys, django; django.setup(); from charter.testing.load import build; print('BUILT ' + json.dumps(build(int(sys.argv[1]))))"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "charter.settings",
        "CHARTER_VAR_DIR": str(WORK / "var"),
    }
    run = subprocess.run(
        [sys.executable, "-c", code, str(members)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    return json.loads(
        next(line for line in run.stdout.splitlines() if line.startswith("BUILT "))[6:]
    )


def plan(setup: dict[str, Any], rng: random.Random) -> list[tuple[str, Any]]:
    """The requests, shuffled: ("browse", (session, path)), ("sign", i), ("vote", i), ("officer", n)."""
    poll, ini = setup["poll"], setup["initiative"]
    jobs: list[tuple[str, Any]] = []
    extra = ["/record/", "/api/me", f"/api/polls/{poll}/turnout", f"/api/initiatives/{ini}"]
    for i, session in enumerate(setup["sessions"][1:], 1):
        for path in ("/me/", f"/polls/{poll}/", f"/initiatives/{ini}/", rng.choice(extra)):
            jobs.append(("browse", (session, path)))
        jobs.append(("sign", i))
        jobs.append(("vote", i))
        if i % 10 == 0:
            jobs.append(("officer", i))
    rng.shuffle(jobs)
    return jobs


async def run_load(
    base: str, setup: dict[str, Any], parallel: int, rng: random.Random
) -> dict[str, Any]:
    import httpx

    from charter.testing.load import headers

    jobs = plan(setup, rng)
    gate = asyncio.Semaphore(parallel)
    took: dict[str, list[float]] = {}
    statuses: dict[str, list[int]] = {}
    acked = {"votes": 0, "signatures": 0, "officer_cycles": 0}
    chair = headers(setup["chair"])

    async def timed(
        client: httpx.AsyncClient, kind: str, method: str, url: str, **kw: Any
    ) -> httpx.Response | None:
        t0 = time.monotonic()
        try:
            r: httpx.Response | None = await client.request(method, url, **kw)
        except httpx.HTTPError:
            r = None
        took.setdefault(kind, []).append(time.monotonic() - t0)
        statuses.setdefault(kind, []).append(r.status_code if r is not None else 0)
        return r

    limits = httpx.Limits(max_connections=parallel + 10, max_keepalive_connections=parallel + 10)
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=httpx.Timeout(60, pool=120)
    ) as client:

        async def one(kind: str, arg: Any) -> None:
            async with gate:
                if kind == "browse":
                    session, path = arg
                    await timed(
                        client, "browse", "GET", path, headers={"Cookie": f"sessionid={session}"}
                    )
                elif kind == "sign":
                    r = await timed(
                        client,
                        "sign",
                        "POST",
                        f"/api/initiatives/{setup['initiative']}/signature",
                        headers=headers(setup["sessions"][arg]),
                    )
                    acked["signatures"] += r is not None and r.status_code == 201
                elif kind == "vote":
                    body = json.dumps(
                        {
                            "idempotency_key": f"mixed-{arg}",
                            "choice": rng.choice(["yes", "no", "abstain"]),
                        }
                    )
                    r = await timed(
                        client,
                        "vote",
                        "POST",
                        f"/api/polls/{setup['poll']}/votes",
                        headers=headers(setup["sessions"][arg]),
                        content=body,
                    )
                    acked["votes"] += r is not None and r.status_code == 201
                else:  # an officer runs a poll from creation to publication: four acts
                    body = json.dumps(
                        {"title": f"Motion {arg}", "method": "yes_no", "mode": "named"}
                    )
                    r = await timed(
                        client,
                        "officer",
                        "POST",
                        f"/api/bodies/{setup['body']}/polls",
                        headers=chair,
                        content=body,
                    )
                    if r is None or r.status_code != 201:
                        return
                    pid = r.json()["id"]
                    done = 0
                    for step in ("open", "close", "publish"):
                        r = await timed(
                            client, "officer", "POST", f"/api/polls/{pid}/{step}", headers=chair
                        )
                        done += r is not None and r.status_code == 200
                    acked["officer_cycles"] += done == 3

        t0 = time.monotonic()
        await asyncio.gather(*(one(k, a) for k, a in jobs))
        wall = time.monotonic() - t0
    return {"took": took, "statuses": statuses, "wall": wall, "acked": acked}


def counted(url: str, setup: dict[str, Any]) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        votes = conn.execute(
            "SELECT count(*) FROM voting_participation WHERE poll_id = %s", [setup["poll"]]
        ).fetchone()[0]
        ballots = conn.execute(
            "SELECT count(*) FROM voting_ballot WHERE poll_id = %s", [setup["poll"]]
        ).fetchone()[0]
        sigs = conn.execute(
            "SELECT count(*) FROM initiatives_signature WHERE initiative_id = %s AND withdrawn_at IS NULL",
            [setup["initiative"]],
        ).fetchone()[0]
        count = conn.execute(
            "SELECT signature_count FROM initiatives_initiative WHERE id = %s",
            [setup["initiative"]],
        ).fetchone()[0]
    return {"votes": votes, "ballots": ballots, "signatures": sigs, "signature_count": count}


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", type=int, default=300)
    p.add_argument(
        "--parallel", type=int, default=20, help="requests in flight at once (default 20)"
    )
    p.add_argument("--workers", type=int, default=2, help="app processes (default 2)")
    p.add_argument("--pg-url", default=PG)
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    url = f"{args.pg_url}/{DB}"
    try:
        import psycopg

        with psycopg.connect(
            f"{args.pg_url}/postgres".replace("postgres://", "postgresql://"), autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DB}"')
    except Exception as exc:  # noqa: BLE001
        print(f"postgres: cannot connect to {args.pg_url} ({exc}); nothing measured")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    setup = build(url, args.members + 1)
    print(
        f"built {args.members + 1} members with sessions, an open poll and an initiative in {time.monotonic() - t0:.1f} s",
        flush=True,
    )

    from charter.testing.serving import Server

    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CHARTER_VAR_DIR": str(WORK / "var"),
        "STATIC_ROOT": str(WORK / "static"),
        "NOTICE_OUTBOX_DIR": str(WORK / "outbox"),
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DB_POOL", None)
    server = Server(env, WORK, workers=args.workers)
    server.start()
    try:
        out = asyncio.run(run_load(server.base, setup, args.parallel, random.Random(2026)))
    finally:
        server.stop()
    seen = counted(url, setup)

    took, statuses = out["took"], out["statuses"]
    every = [t for ts in took.values() for t in ts]
    n = len(every)
    errors = sum(1 for ss in statuses.values() for s in ss if s >= 500 or s == 0)
    print(
        f"server: charter serve --workers {args.workers} (uvicorn) on PostgreSQL; {args.parallel} requests in flight; {os.cpu_count()} cores"
    )
    print(
        f"{'kind':<9} | {'requests':>8} | {'p50 ms':>7} | {'p95 ms':>7} | {'max ms':>7} | statuses"
    )
    for kind in ("browse", "sign", "vote", "officer"):
        ts, ss = took.get(kind, []), statuses.get(kind, [])
        codes = dict(sorted({s: ss.count(s) for s in set(ss)}.items()))
        print(
            f"{kind:<9} | {len(ts):>8,} | {1000 * statistics.median(ts):>7.0f} | {1000 * pct(ts, 0.95):>7.0f} | {1000 * max(ts):>7.0f} | {codes}"
        )
    print(
        f"all       | {n:>8,} in {out['wall']:.1f} s  ->  {n / out['wall']:.0f} requests/s; p95 {1000 * pct(every, 0.95):.0f} ms; server errors (5xx or no answer): {errors}"
    )
    a = out["acked"]
    print(
        f"acknowledged: {a['votes']} votes (counted {seen['votes']}, ballots {seen['ballots']}), {a['signatures']} signatures "
        f"(rows {seen['signatures']}, count {seen['signature_count']}), {a['officer_cycles']} officer poll cycles"
    )
    print(
        f"lost or doubled: votes {seen['votes'] - a['votes']:+d}, signatures {seen['signatures'] - a['signatures']:+d}; the count matches the rows: {seen['signature_count'] == seen['signatures']}"
    )
    print(f"anchor: {ANCHOR}")
    size = f"{args.members} members, {args.workers} processes"
    figure(f"mixed load ({size}): throughput", n / out["wall"], "requests/s", ANCHOR, "")
    figure(
        f"mixed load ({size}): p95 latency, all requests",
        1000 * pct(every, 0.95),
        "ms",
        f"votes p95 {1000 * pct(took.get('vote', []), 0.95):.0f} ms, pages p95 {1000 * pct(took.get('browse', []), 0.95):.0f} ms",
        "",
    )
    figure(f"mixed load ({size}): server errors", errors, "requests", f"of {n:,}", "0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
