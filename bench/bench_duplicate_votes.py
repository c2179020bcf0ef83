"""Benchmark: 10,000 concurrent duplicate vote submissions (100 voters × 100 each) through the real
server on PostgreSQL: 0 double votes. Then the same load against a copy of the database with the
uniqueness constraint on (poll, voter) dropped, which must report doubles: the bench can see them.

1. creates the database ``charter_bench_dupes`` and builds an organization of V members with
   sign-ins and sessions and an open yes/no poll, through the actions (``charter.testing.load``);
   copies it (``CREATE DATABASE ... TEMPLATE``) to ``charter_bench_dupes_nounique`` and drops the
   constraint ``one_vote_per_voter`` there;
2. for each database: starts ``charter serve --workers 2`` on a free loopback port; every voter
   sends S submissions, all at once with P in flight, a voter's submissions side by side: half
   of them with one idempotency key (a phone resending), the others each with a new key (a second
   vote tried from another device);
3. counts per voter the participation rows and ballots: a voter with more than one is a double vote;
   every voter must have exactly one acknowledged new vote (201), the same-key resends replayed
   (200) and the other keys refused (409); server errors counted.

    .venv/bin/python bench/bench_duplicate_votes.py [--voters 100] [--submissions 20] [--parallel 100]

The issue's size is ``--submissions 100`` (10,000 submissions); the default, 2,000, takes a few minutes.

PostgreSQL at postgres://postgres@127.0.0.1:5432 (override with --pg-url). Prints figures (and the
FIGURE lines of bench/_figures.py); never a pass/fail timing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _figures import figure  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"
DB, NOUNIQUE = "charter_bench_dupes", "charter_bench_dupes_nounique"
WORK = Path("/tmp/charter-bench-dupes")


def admin(pg_url: str, *sql: str) -> None:
    import psycopg

    with psycopg.connect(
        f"{pg_url}/postgres".replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        for statement in sql:
            conn.execute(statement)


def build(pg_url: str, voters: int) -> dict[str, Any]:
    """In a child process (Django reads its settings once per process)."""
    code = "import json, sys, django; django.setup(); from charter.testing.load import build; print('BUILT ' + json.dumps(build(int(sys.argv[1]), initiative=False)))"
    env = {
        **os.environ,
        "DATABASE_URL": f"{pg_url}/{DB}",
        "DJANGO_SETTINGS_MODULE": "charter.settings",
        "CHARTER_VAR_DIR": str(WORK / "var"),
    }
    run = subprocess.run(
        [sys.executable, "-c", code, str(voters + 1)],
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


def count(url: str, poll: int) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        per_voter = conn.execute(
            "SELECT voter_id, count(*) FROM voting_participation WHERE poll_id = %s GROUP BY voter_id",
            [poll],
        ).fetchall()
        ballots = conn.execute(
            "SELECT count(*) FROM voting_ballot WHERE poll_id = %s", [poll]
        ).fetchone()[0]
        constraint = conn.execute(
            "SELECT count(*) FROM pg_constraint WHERE conname = 'one_vote_per_voter'"
        ).fetchone()[0]
    return {
        "rows": sum(n for _v, n in per_voter),
        "voters": len(per_voter),
        "doubles": sum(1 for _v, n in per_voter if n > 1),
        "extra_rows": sum(n - 1 for _v, n in per_voter if n > 1),
        "ballots": ballots,
        "constraint": bool(constraint),
    }


async def submit_all(
    base: str, setup: dict[str, Any], voters: int, submissions: int, parallel: int
) -> dict[str, Any]:
    import httpx

    from charter.testing.load import headers

    poll = setup["poll"]
    sessions = setup["sessions"][1 : voters + 1]
    jobs = []
    for v, session in enumerate(sessions):
        for s in range(submissions):
            key = f"v{v}-phone" if s % 2 == 0 else f"v{v}-device-{s}"
            jobs.append((v, session, key, "same" if s % 2 == 0 else "other"))
    gate = asyncio.Semaphore(parallel)
    statuses: list[tuple[int, str, int]] = []
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=parallel + 10, max_keepalive_connections=parallel + 10)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(60, pool=120)) as client:

        async def one(v: int, session: str, key: str, kind: str) -> None:
            async with gate:
                t0 = time.monotonic()
                try:
                    r = await client.post(
                        f"{base}/api/polls/{poll}/votes",
                        headers=headers(session),
                        content=json.dumps({"idempotency_key": key, "choice": "yes"}),
                    )
                    status = r.status_code
                except httpx.HTTPError:
                    status = 0
                latencies.append(time.monotonic() - t0)
                statuses.append((v, kind, status))

        t0 = time.monotonic()
        await asyncio.gather(*(one(*job) for job in jobs))
        wall = time.monotonic() - t0
    return {"statuses": statuses, "latencies": latencies, "wall": wall}


def run_one(
    pg_url: str, name: str, setup: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    from charter.testing.serving import Server

    url = f"{pg_url}/{name}"
    work = WORK / name
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CHARTER_VAR_DIR": str(work / "var"),
        "STATIC_ROOT": str(WORK / "static"),
        "NOTICE_OUTBOX_DIR": str(work / "outbox"),
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "charter.settings",
    }
    env.pop("DB_POOL", None)
    server = Server(env, work, workers=args.workers)
    server.start()
    try:
        out = asyncio.run(
            submit_all(server.base, setup, args.voters, args.submissions, args.parallel)
        )
    finally:
        server.stop()
    out.update(count(url, setup["poll"]))
    by_voter: dict[int, Counter[tuple[str, int]]] = {}
    for v, kind, status in out["statuses"]:
        by_voter.setdefault(v, Counter())[(kind, status)] += 1
    out["created"] = Counter(sum(c[(k, 201)] for k in ("same", "other")) for c in by_voter.values())
    out["server_errors"] = sum(1 for _v, _k, s in out["statuses"] if s >= 500 or s == 0)
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--voters", type=int, default=100)
    p.add_argument(
        "--submissions",
        type=int,
        default=20,
        help="per voter (default 20; the issue's figure: 100)",
    )
    p.add_argument(
        "--parallel", type=int, default=100, help="submissions in flight at once (default 100)"
    )
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--pg-url", default=PG)
    args = p.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    total = args.voters * args.submissions
    try:
        admin(
            args.pg_url,
            f'DROP DATABASE IF EXISTS "{NOUNIQUE}" WITH (FORCE)',
            f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)',
            f'CREATE DATABASE "{DB}"',
        )
    except Exception as exc:  # noqa: BLE001
        print(f"postgres: cannot connect to {args.pg_url} ({exc}); nothing measured")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()
    setup = build(args.pg_url, args.voters)
    admin(args.pg_url, f'CREATE DATABASE "{NOUNIQUE}" TEMPLATE "{DB}"')
    import psycopg

    with psycopg.connect(
        f"{args.pg_url}/{NOUNIQUE}".replace("postgres://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("ALTER TABLE voting_participation DROP CONSTRAINT one_vote_per_voter")
    print(
        f"built {args.voters} voters with sessions and an open poll, and the copy without the constraint, in {time.monotonic() - t0:.1f} s",
        flush=True,
    )

    results = {}
    for name in (DB, NOUNIQUE):
        print(
            f"{name}: {total:,} submissions ({args.voters} voters × {args.submissions}), {args.parallel} in flight, charter serve --workers {args.workers} …",
            flush=True,
        )
        results[name] = r = run_one(args.pg_url, name, setup, args)
        print(f"  constraint one_vote_per_voter present: {r['constraint']}")
        print(
            f"  {len(r['statuses']):,} answered in {r['wall']:.1f} s ({len(r['statuses']) / r['wall']:.0f}/s); latency p50 {1000 * pct(r['latencies'], 0.5):.0f} ms, p95 {1000 * pct(r['latencies'], 0.95):.0f} ms"
        )
        print(
            f"  voters with a vote: {r['voters']} of {args.voters}; participation rows {r['rows']}, ballots {r['ballots']}"
        )
        print(
            f"  DOUBLE VOTES: {r['doubles']} voters counted more than once ({r['extra_rows']} extra rows)"
        )
        codes = Counter(s for _v, _k, s in r["statuses"])
        print(
            f"  answers: {dict(sorted(codes.items()))} (201 a new vote, 200 a resend replayed, 409 a second vote refused)"
        )
        print(
            f"  new votes acknowledged (201) per voter: {dict(sorted(r['created'].items()))} (voters by how many); server errors or no answer: {r['server_errors']}"
        )
    good, bad = results[DB], results[NOUNIQUE]
    print(
        f"the bench sees doubles when the constraint is gone: {'yes' if bad['doubles'] > 0 else 'NO: the bench could not show them'}"
    )
    size = f"{args.voters}×{args.submissions}"
    figure(
        f"duplicate vote submissions {size}: double votes",
        good["doubles"],
        "voters",
        f"without the uniqueness constraint: {bad['doubles']} voters doubled ({bad['extra_rows']} extra rows)",
        "0",
    )
    figure(
        f"duplicate vote submissions {size}: server errors",
        good["server_errors"],
        "requests",
        "",
        "0",
    )
    figure(
        f"duplicate vote submissions {size}: throughput",
        len(good["statuses"]) / good["wall"],
        "requests/s",
        f"p95 {1000 * pct(good['latencies'], 0.95):.0f} ms",
        "",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
