"""Benchmark: the public record at 1,000,000 entries, on SQLite and on PostgreSQL.

For each database, in a subprocess of its own (Django reads its settings once per process):

1. builds a log of N entries shaped like Charter's (canonical JSON with commitments, articles and
   details): the entries' rows bulk-inserted as acts would have appended them (N separate acts
   would take hours), then integrated as the signer does (the stored subtrees, the log state, the
   entries sealed in blocks of 256), and a signed checkpoint;
2. times ``charter record verify`` (``record.log.verify``: every leaf hash, every stored subtree,
   every block, every checkpoint, read from the database, by one worker process per core) beside a bare loop
   that hashes the same entry bytes, already in memory, with ``hashlib.sha256(b"\\x00" + entry)``;
3. times 1,000 inclusion proofs and 1,000 consistency proofs at random (median, 95th percentile)
   and prints their length beside log2(N);
4. times appending: entries each in its own transaction (``record.log.append``, what every act
   does inside its own transaction), by one, two, four and eight writer processes at once, with an
   integrator process building the tree over them as the signer does; the clock stops when the
   tree holds every entry.

    .venv/bin/python bench/bench_record.py [--entries N] [--appends M] [--only sqlite|postgres]

PostgreSQL is reached at postgres://postgres@127.0.0.1:5432 (override with --pg-url); the run
drops and recreates the database charter_bench_record. When it cannot connect, it says so.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _figures import figure  # bench/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD_ENV = "CHARTER_BENCH_RECORD"
WORK = Path("/tmp/charter-bench-record")
PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_DB = "charter_bench_record"
ACTS = ["admit_member", "dues_payment", "convene_meeting", "record_attendance", "decide_motion", "transfer_member", "elect_to_seat"]


def entry_body(i: int, rng: random.Random) -> dict:
    return {
        "v": 1, "index": i, "time": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:{i % 60:02d}:00Z",
        "act": ACTS[i % len(ACTS)], "outcome": "done" if i % 17 else "refused",
        "actor": "p:" + hashlib.sha256(f"a{i % 5000}".encode()).hexdigest(),
        "subjects": ["p:" + hashlib.sha256(f"s{rng.randrange(10**6)}".encode()).hexdigest()],
        "articles": ["1.1", "4.2"], "detail": {"unit": i % 10000, "body": i % 700, "meeting": i // 40},
    }


def build(n: int) -> list[bytes]:
    """Write ``n`` entries' rows in bulk (as acts would have appended them), then integrate them
    as the signer does: the tree, and the entries sealed in blocks (``record.integration``)."""
    from django.db import connection, transaction

    from charter.lib import merkle
    from charter.lib.canonical import canonical_json
    from charter.record import integration
    from charter.record.checkpoints import sign_if_due

    rng = random.Random(9162)
    bodies: list[bytes] = []
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        entries = []
        for i in range(n):
            data = canonical_json(entry_body(i, rng))
            bodies.append(data)
            entries.append((i, data.decode(), merkle.leaf_hash(data).hex(), "2026-01-01 10:00:00+00:00", ACTS[i % len(ACTS)], "done"))
            if len(entries) >= 20000 or i == n - 1:
                cur.executemany('INSERT INTO record_entry ("index", body, leaf_hash, created_at, act, outcome) VALUES (%s, %s, %s, %s, %s, %s)', entries)
                entries = []
        if connection.vendor == "postgresql":  # the next act's index (migration 0005)
            cur.execute("SELECT setval('record_entry_index_seq', %s, false)", [n])
    appended = time.perf_counter()
    assert integration.integrate() is None
    sign_if_due()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:  # as autovacuum would have, on a log that has lived
            for table in ("record_entry", "record_node", "record_block", "record_checkpoint", "record_logstate"):
                cur.execute(f"VACUUM ANALYZE {table}")
    print(f"  built {n:,} entries in {time.perf_counter() - started:.1f} s (their integration and sealing: {time.perf_counter() - appended:.1f} s)", flush=True)
    return bodies


def bench_verify(bodies: list[bytes]) -> None:
    from charter.record import log

    started = time.perf_counter()
    problem = log.verify()
    took = time.perf_counter() - started
    assert problem is None, problem
    sha = hashlib.sha256
    started = time.perf_counter()
    for b in bodies:
        sha(b"\x00" + b).digest()
    bare = time.perf_counter() - started
    print(f"  record verify over {len(bodies):,} entries: {took:.2f} s   bare hashlib loop over the same bytes: {bare:.2f} s   ratio {took / bare:.1f}x", flush=True)
    from charter.record import sweep

    workers, sweep.PARALLEL_MIN = sweep.PARALLEL_MIN, len(bodies) + 1
    started = time.perf_counter()
    assert log.verify() is None
    print(f"  (the same in one process: {time.perf_counter() - started:.2f} s)", flush=True)
    sweep.PARALLEL_MIN = workers
    figure(f"record verify, {len(bodies):,} entries, {_db()}", took, "s", f"bare hashlib loop over the same bytes: {bare:.2f} s", "1,000,000 entries")


def bench_proofs(n: int) -> None:
    from charter.record import proofs

    rng = random.Random(6962)
    for name, make, length in (
        ("inclusion", lambda: proofs.inclusion(rng.randrange(n), n), None),
        ("consistency", lambda: proofs.consistency(rng.randrange(1, n), n), None),
    ):
        times, sizes = [], []
        for _ in range(1000):
            started = time.perf_counter()
            proof = make()
            times.append((time.perf_counter() - started) * 1000)
            sizes.append(len(proof))
        times.sort()
        print(f"  {name} proof: median {statistics.median(times):.2f} ms, p95 {times[949]:.2f} ms; "
              f"{min(sizes)}-{max(sizes)} hashes (log2 N = {math.log2(n):.1f})", flush=True)
        figure(f"{name} proof, {n:,} entries, {_db()}", statistics.median(times), "ms median", f"{max(sizes)} hashes at most; log2 N = {math.log2(n):.1f}", "")
        del length


def _writer(count: int, tag: int, go: Any) -> None:
    from django.db import transaction

    from charter.record import log

    go.wait()
    for i in range(count):
        with transaction.atomic():
            log.append("dues_payment", "done", detail={"writer": tag, "n": i, "months": 3}, articles=["1.3"])


def _integrator(stop: Any, rounds: Any) -> None:
    """What the checkpoint signer does in its round, in a loop: build the tree over the new entries."""
    from charter.record import integration

    while not stop.is_set():
        assert integration.integrate() is None
        rounds.value += 1
        stop.wait(0.5)


def bench_append(m: int) -> None:
    """Appends by 1, 2, 4 and 8 writer processes at once (a server runs processes: threads of one
    interpreter would measure its lock), each act in its own transaction, as every act does, while
    an integrator process builds the tree over them as the signer does (``record.integration``).
    The clock stops when every act has committed and the tree has taken in every entry."""
    import multiprocessing

    from django.db import connections

    from charter.record import integration
    from charter.record.models import Entry, LogState

    ctx = multiprocessing.get_context("fork")  # Django is set up; each child opens its own connection
    best = (0.0, 0)
    for writers in (1, 2, 4, 8):
        connections.close_all()
        go, stop, rounds = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
        procs = [ctx.Process(target=_writer, args=(m // writers, t, go)) for t in range(writers)]
        for p in procs:
            p.start()
        time.sleep(1.0)  # every child started and imported before the clock starts
        integrator = ctx.Process(target=_integrator, args=(stop, rounds))
        started = time.perf_counter()
        go.set()
        integrator.start()
        for p in procs:
            p.join()
        appended = time.perf_counter() - started
        stop.set()
        integrator.join()
        behind = Entry.objects.count() - LogState.objects.get().size
        assert integration.integrate() is None  # what the integrator had not reached yet
        took = time.perf_counter() - started
        connections.close_all()
        if any(p.exitcode for p in procs) or integrator.exitcode:
            raise SystemExit(f"a writer or the integrator failed (exit codes {[p.exitcode for p in procs]}, {integrator.exitcode})")
        done = (m // writers) * writers
        best = max(best, (done / took, writers))
        print(f"  append, one act per transaction, {writers} writer process(es): {done / took:,.0f} acts/s "
              f"({done:,} in {took:.2f} s: all committed in {appended:.2f} s, the tree {behind:,} entries behind then, "
              f"{rounds.value} rounds of integration meanwhile)", flush=True)
        figure(f"record append, one act per transaction, {writers} writer process(es), {_db()}", done / took, "acts/s", "the tree built over them within the time", "")
    rate, writers = best
    print(f"  append at best: {rate:,.0f} acts/s with {writers} writer processes", flush=True)
    figure(f"record append at best, {_db()}", rate, "acts/s", f"{writers} writer processes", "2,000 acts/s" if _db() == "PostgreSQL" else "")


def _db() -> str:
    return "SQLite" if os.environ.get("DATABASE_URL", "").startswith("sqlite") else "PostgreSQL"


def child(n: int, m: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    bodies = build(n)
    bench_verify(bodies)
    del bodies
    bench_proofs(n)
    bench_append(m)


def run(label: str, url: str, args: argparse.Namespace) -> None:
    print(f"== {label}", flush=True)
    env = {**os.environ, "DATABASE_URL": url, CHILD_ENV: "1", "RECORD_SIGNING_KEY_FILE": str(WORK / "signing.key")}
    subprocess.run([sys.executable, __file__, "--entries", str(args.entries), "--appends", str(args.appends)], env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--appends", type=int, default=12000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    if os.environ.get(CHILD_ENV):
        child(args.entries, args.appends)
        return
    WORK.mkdir(parents=True, exist_ok=True)
    if args.only != "postgres":
        db = WORK / "record.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        run("SQLite", f"sqlite:///{db}", args)
    if args.only != "sqlite":
        try:
            import psycopg

            with psycopg.connect(args.pg_url.replace("postgres://", "postgresql://") + "/postgres", autocommit=True, connect_timeout=5) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
                conn.execute(f"CREATE DATABASE {PG_DB}")
        except Exception as exc:  # noqa: BLE001 - report and go on
            print(f"== PostgreSQL: not reachable ({exc}); skipped")
            return
        run("PostgreSQL", f"{args.pg_url}/{PG_DB}", args)
    print(json.dumps({"entries": args.entries, "appends": args.appends}))


if __name__ == "__main__":
    main()
