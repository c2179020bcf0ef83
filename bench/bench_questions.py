"""Benchmark: 1,000 written questions sent from phones within one minute, while moderators work.

1. creates a fresh PostgreSQL database (``bench_questions``, or the one named in DATABASE_URL),
   founds a small organization, imports N members through the actions and registers them at a
   conference (bench/_conference.py);
2. starts the real server, ``charter serve --workers W``, on a free loopback port;
3. Q participants each send one question through ``POST /api/conferences/ID/phones/CODE/questions``
   with a key, spread evenly over S seconds; some phones send theirs again with the same key (as a
   phone does when the answer was lost), which must be kept once; meanwhile the chair accepts
   questions through the console as they arrive;
4. reads the counts per session (``queries.question_counts`` over the API) and compares them with
   the questions acknowledged.

Prints questions/s, latency, lost, duplicated, server errors. Stops by itself and stops its server.

    .venv/bin/python bench/bench_questions.py [--questions Q] [--seconds S] [--workers W]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from _figures import figure  # noqa: E402  (bench/ is on the path of a script run from it)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_vote_load import (  # noqa: E402
    CSRF,
    free_port,
    pct,
    recreate_database,
    start_server,
    stop_server,
    wait_ready,
)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_questions"
PEER = "Scenario 5: more than 50 written questions in one session, 75 in another, 59 in a third; the goal is 1,000 within one minute, 0 lost, 0 server errors."


async def run(base: str, setup: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    conf, codes, session = setup["conference"], setup["codes"][: args.questions], setup["session"]
    rng = random.Random(5)
    resend = set(rng.sample(range(len(codes)), min(args.resend, len(codes))))
    statuses: list[int] = [0] * len(codes)
    replays: list[int] = []
    latencies: list[float] = []
    chair = {"Cookie": f"sessionid={setup['chair']}; csrftoken={CSRF}", "X-CSRFToken": CSRF}
    ids: list[int] = []
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=100)
    async with httpx.AsyncClient(timeout=httpx.Timeout(60, pool=120), limits=limits) as client:
        start = time.monotonic()

        async def send(i: int) -> None:
            await asyncio.sleep(max(0.0, start + i * args.seconds / len(codes) - time.monotonic()))
            url = f"{base}/api/conferences/{conf}/phones/{codes[i]}/questions"
            body = {
                "session": session,
                "text": f"Question {i + 1}: what does the conference say about sector {i % 17}?",
                "key": f"q-{i}",
            }
            t = time.monotonic()
            try:
                r = await client.post(url, json=body)
                statuses[i] = r.status_code
                if r.status_code == 201:
                    ids.append(r.json()["id"])
            except httpx.HTTPError:
                statuses[i] = 0
            latencies.append(time.monotonic() - t)
            if i in resend:
                try:
                    replays.append((await client.post(url, json=body)).status_code)
                except httpx.HTTPError:
                    replays.append(0)

        moderated: list[int] = []

        async def moderate(stop: asyncio.Event) -> None:
            done = 0
            while not stop.is_set():
                if done < len(ids) and done < args.moderate:
                    r = await client.post(
                        f"{base}/conferences/{conf}/floor/chair/accept/",
                        data={"question": ids[done]},
                        headers=chair,
                    )
                    moderated.append(r.status_code)
                    done += 1
                else:
                    await asyncio.sleep(0.05)

        stop = asyncio.Event()
        mod = asyncio.create_task(moderate(stop))
        await asyncio.wait_for(
            asyncio.gather(*(send(i) for i in range(len(codes)))), args.seconds + 300
        )
        wall = time.monotonic() - start
        stop.set()
        await mod
        counts = (
            await client.get(f"{base}/api/conferences/{conf}/question-counts", headers=chair)
        ).json()
    return {
        "statuses": statuses,
        "replays": replays,
        "latencies": latencies,
        "wall": wall,
        "counts": counts.get(str(session), {}),
        "moderated": moderated,
    }


def report(out: dict[str, Any], args: argparse.Namespace) -> None:
    statuses = out["statuses"]
    ok = sum(1 for s in statuses if s == 201)
    kept = int(out["counts"].get("submitted", 0))
    errors = sum(1 for s in statuses + out["replays"] + out["moderated"] if s >= 500)
    lat = out["latencies"]
    print(f"server: charter serve --workers {args.workers} (uvicorn); {os.cpu_count()} cores")
    print(
        f"questions: {ok:,} of {len(statuses):,} acknowledged (201) in {out['wall']:.1f} s (paced over {args.seconds:.0f} s)"
    )
    print(
        f"latency: p50 {1000 * statistics.median(lat):.0f} ms, p95 {1000 * pct(lat, 0.95):.0f} ms, max {1000 * max(lat):.0f} ms"
    )
    print(
        f"resent with the same key: {sum(1 for s in out['replays'] if s == 200)} of {len(out['replays'])} answered 200 (kept once)"
    )
    print(
        f"moderated meanwhile: {sum(1 for s in out['moderated'] if s == 302)} accepted through the console"
    )
    print(
        f"kept in the session's queue: {kept:,} (accepted {out['counts'].get('accepted', 0)}, pending {out['counts'].get('pending', 0)})"
    )
    print(
        f"lost: {max(0, ok - kept)}  duplicated: {max(0, kept - ok)}  server errors (5xx): {errors}  unanswered: {sum(1 for s in statuses if s == 0)}  other: {sorted({s for s in statuses if s not in (0, 201)})}"
    )
    print(f"peer: {PEER}")
    figure(
        f"questions sent from phones, {len(statuses):,} in {args.seconds:.0f} s",
        max(0, ok - kept),
        "lost",
        f"kept {kept:,}; duplicated {max(0, kept - ok)}; server errors {errors}; p95 {1000 * pct(lat, 0.95):.0f} ms; "
        "scenario 5: 50 to 75 questions a session",
        "1,000 within one minute: 0 lost, 0 server errors",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--resend", type=int, default=50)
    parser.add_argument(
        "--moderate", type=int, default=200, help="questions the chair accepts while they arrive"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("this benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…/NAME")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    from bench_vote_load import WORK

    os.environ.setdefault("CHARTER_VAR_DIR", str(WORK / "var"))
    t0 = time.perf_counter()
    recreate_database(url)
    from _conference import build

    setup = build(args.questions)
    print(
        f"built {args.questions:,} members through the actions and wrote their registrations at a conference as rows in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(url, port, args.workers)
    try:
        asyncio.run(wait_ready(base, proc))
        out = asyncio.run(asyncio.wait_for(run(base, setup, args), args.seconds + 600))
    finally:
        stop_server(proc)
    report(out, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
