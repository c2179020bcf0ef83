"""Benchmark: 100,000 members sign one initiative through the web API, on PostgreSQL.

In a subprocess of its own (Django reads its settings once per process):

1. creates a fresh database ``charter_bench_initiative``, migrates it and founds a small
   organization through the actions (the founding rulebook, one region, one area, B branches);
2. bulk-inserts N members in good standing with their sign-in users and sessions (``COPY``, not
   timed, not through the actions: the import has its own benchmark);
3. one of them starts an ``investigation`` initiative through the action (threshold: one tenth of
   the members in good standing, so the obligation arises at signature N/10);
4. times T threads, each with its own Django test ``Client`` (so its own database connection),
   each POSTing ``/api/initiatives/{id}/signature`` for its share of the members, in random order:
   the whole request (session, user, membership, the ``sign_initiative`` action with its row lock,
   the judge, the record entry) for every signature;
5. checks that every signature was counted exactly once (rows, the count, one record entry each,
   entries numbered 1..N in the order of the record), that the obligation was created exactly once,
   and that the record verifies.

The peer: the same N signature rows written with one bare ``COPY`` into a copy of the table (no
request, no rule, no record), to show what the writes alone cost.

    .venv/bin/python bench/bench_initiative.py [--members N] [--threads T] [--branches B]

PostgreSQL is reached at postgres://postgres@127.0.0.1:5432 (override with --pg-url). Prints figures;
never a pass/fail timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from _figures import figure  # bench/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _org import build_org  # noqa: E402

CHILD_ENV = "CHARTER_BENCH_INITIATIVE_CHILD"
WORK = Path("/tmp/charter-bench-initiative")
PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_DB = "charter_bench_initiative"
SIGNING = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
MEMBER_COLUMNS = ("id", "number", "name", "phone", "email", "language", "branch_id", "status", "status_since", "applied_on", "joined_on", "dues_paid_until", "user_id")
USER_COLUMNS = ("id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined")


def copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def members_and_sessions(n: int, branch_ids: list[int]) -> list[tuple[int, str]]:
    """N members in good standing, each with a user and a signed-in session: [(member id, session key)]."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction

    from charter.accounts.models import User
    from charter.members.models import Member

    password = "!bench-unusable"  # nobody signs in with a password here: the sessions are made below
    auth_hash = User(password=password).get_session_auth_hash()
    backend = settings.AUTHENTICATION_BACKENDS[0] if getattr(settings, "AUTHENTICATION_BACKENDS", None) else "django.contrib.auth.backends.ModelBackend"
    first = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    joined = dt.datetime(2019, 1, 10, tzinfo=dt.UTC)
    users, members, sessions, out = [], [], [], []
    store = SessionStore()
    expires = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    for i in range(n):
        pk, uid = first + i, first_user + i
        users.append((uid, password, False, f"bench{pk}", "", "", "", False, True, joined))
        members.append((pk, f"BENCH-{pk:07d}", f"Member {pk}", "", f"member{pk}@example.org" if i % 3 == 0 else "", "en",
                        branch_ids[i % len(branch_ids)], "member", "2019-01-10", "2019-01-10", "2019-01-10", "2027-12-31", uid))
        key = f"bench{pk:010d}{random.getrandbits(64):016x}"
        sessions.append((key, store.encode({SESSION_KEY: str(uid), BACKEND_SESSION_KEY: backend, HASH_SESSION_KEY: auth_hash}), expires))
        out.append((pk, key))
    with transaction.atomic():
        copy_rows("accounts_user", USER_COLUMNS, users)
        copy_rows("members_member", MEMBER_COLUMNS, members)
        with connection.cursor() as cursor, cursor.cursor.copy("COPY django_session (session_key, session_data, expire_date) FROM STDIN") as copy:
            for row in sessions:
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return out


def sign_share(initiative_id: int, share: list[tuple[int, str]], threads: int) -> tuple[list[float], list[str]]:
    """One process's share of the members POST their signatures, from ``threads`` threads, each with
    its own test Client and so its own database connection: (latencies, errors)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    url = f"/api/initiatives/{initiative_id}/signature"
    parts = [share[i::threads] for i in range(threads)]
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []

    def run(n: int) -> None:
        client = Client()
        try:
            for _pk, key in parts[n]:
                client.cookies[settings.SESSION_COOKIE_NAME] = key
                t0 = time.perf_counter()
                response = client.post(url)
                latencies[n].append(time.perf_counter() - t0)
                if response.status_code != 201:
                    errors.append(f"{response.status_code} {response.content[:200]!r}")
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return [x for part in latencies for x in part], errors


def _worker(job: tuple[int, list[tuple[int, str]], int]) -> tuple[list[float], list[str]]:
    from django.db import connections

    connections.close_all()  # never share the parent's connection
    return sign_share(*job)


def sign_all(initiative_id: int, people: list[tuple[int, str]], processes: int, threads: int) -> tuple[float, list[float], list[str]]:
    """Every member POSTs their signature: ``processes`` worker processes (like a server's workers)
    of ``threads`` threads each; (seconds, sorted latencies, errors)."""
    import multiprocessing

    from django.db import connections

    connections.close_all()
    shares = [people[i::processes] for i in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        t0 = time.perf_counter()
        results = pool.map(_worker, [(initiative_id, share, threads) for share in shares])
        seconds = time.perf_counter() - t0
    return seconds, sorted(x for lat, _e in results for x in lat), [e for _l, errs in results for e in errs]


def bare_copy(initiative_id: int, people: list[tuple[int, str]]) -> float:
    """The peer: the same signature rows, one COPY into an empty copy of the table."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bare_signature AS SELECT * FROM initiatives_signature WHERE 1 = 0")
    now = SIGNING
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy("COPY bare_signature (id, initiative_id, member_id, signed_at, entry_index) FROM STDIN") as copy:
        for i, (pk, _key) in enumerate(people):
            copy.write_row((i + 1, initiative_id, pk, now, i))
    seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bare_signature")
    return seconds


def child(args: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from charter.initiatives.actions import start_initiative
    from charter.initiatives.models import Initiative, Obligation, Signature
    from charter.lib import clock
    from charter.members.models import Member
    from charter.record import log as record
    from charter.record.models import Entry

    call_command("migrate", verbosity=0, interactive=False)
    branch_ids = build_org(args.branches)
    t0 = time.perf_counter()
    people = members_and_sessions(args.members, branch_ids)
    setup_s = time.perf_counter() - t0
    clock.set_frozen(SIGNING)  # one day: the threshold is counted against that day's membership
    starter = Member.objects.get(pk=people[0][0])
    ini = start_initiative(by=starter, kind="investigation", title="Investigate", text="How were the expulsions decided?")
    random.Random(2026).shuffle(people)

    seconds, latencies, errors = sign_all(ini.pk, people, args.processes, args.threads)

    ini = Initiative.objects.get(pk=ini.pk)
    signed_rows = Signature.objects.filter(initiative=ini, withdrawn_at__isnull=True).count()
    distinct = Signature.objects.filter(initiative=ini).values("member").distinct().count()
    entries = Entry.objects.filter(act="sign_initiative")
    counts = [json.loads(b)["detail"]["signatures"] for b in entries.order_by("index").values_list("body", flat=True).iterator(chunk_size=5000)]
    obligation = Obligation.objects.filter(initiative=ini)
    checks = {
        "errors": len(errors),
        "rows": signed_rows, "distinct_members": distinct, "count": ini.signature_count, "entries": len(counts),
        "entries_numbered_1_to_n": counts == list(range(1, args.members + 1)),
        "obligations": obligation.count(), "threshold_entries": Entry.objects.filter(act="initiative_threshold_reached").count(),
        "needed": ini.needed, "obligation_at": obligation.first().signature_count if obligation.exists() else None,
    }
    t0 = time.perf_counter()
    problem = record.verify()
    verify_s = time.perf_counter() - t0
    bare_s = bare_copy(ini.pk, people)
    pct = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0  # noqa: E731
    return {
        "members": args.members, "processes": args.processes, "threads": args.threads, "seconds": seconds, "setup_s": setup_s, "verify_s": verify_s,
        "verified": problem is None, "bare_s": bare_s, "p50_ms": pct(0.5), "p95_ms": pct(0.95), "p99_ms": pct(0.99),
        "checks": checks, "first_errors": errors[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--processes", type=int, default=4, help="worker processes, like a server's (default 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per process, each with its own client and connection (default 2)")
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    if os.environ.get(CHILD_ENV):
        print(json.dumps(child(args)), flush=True)
        return 0

    import psycopg

    try:
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
    except psycopg.OperationalError as exc:
        print(f"postgres: cannot connect to {args.pg_url} ({str(exc).strip().splitlines()[0]}); nothing measured")
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, CHILD_ENV: "1", "DATABASE_URL": f"{args.pg_url}/{PG_DB}", "CHARTER_VAR_DIR": str(WORK / "var"), "DEBUG": "0"}
    print(f"postgres: {args.members:,} members sign one initiative through the API from {args.processes} processes × {args.threads} threads …", flush=True)
    done = subprocess.run([sys.executable, __file__, *sys.argv[1:]], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the run failed (exit {done.returncode})")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    c = r["checks"]
    rate = r["members"] / r["seconds"]
    print()
    print(f"{'members':>9} | {'clients':>7} | {'seconds':>8} | {'signatures/s':>12} | {'p50 ms':>6} | {'p95 ms':>6} | {'p99 ms':>6} | {'bare COPY rows/s':>16}")
    print(f"{'-' * 9}-+-{'-' * 7}-+-{'-' * 8}-+-{'-' * 12}-+-{'-' * 6}-+-{'-' * 6}-+-{'-' * 6}-+-{'-' * 16}")
    print(f"{r['members']:>9,} | {str(r['processes']) + '×' + str(r['threads']):>7} | {r['seconds']:>8.1f} | {rate:>12,.0f} | {r['p50_ms']:>6.1f} | {r['p95_ms']:>6.1f} | {r['p99_ms']:>6.1f} | {r['members'] / r['bare_s']:>16,.0f}")
    print()
    print(f"counted once each: {c['rows']:,} signature rows for {c['distinct_members']:,} members, count {c['count']:,}, "
          f"{c['entries']:,} record entries numbered 1..N: {c['entries_numbered_1_to_n']}; {c['errors']} failed requests {r['first_errors']}")
    print(f"obligation: {c['obligations']} (threshold entries: {c['threshold_entries']}), arose at signature {c['obligation_at']} of {c['needed']:,} needed")
    print(f"record verified: {r['verified']} in {r['verify_s']:.1f} s; members, users and sessions inserted in {r['setup_s']:.1f} s (not timed)")
    print(f"at this rate 100,000 signatures take {100_000 / rate / 60:.1f} minutes")
    figure(f"initiative signatures through the API, {r['members']:,} members", rate, "signatures/s", f"bare COPY of the rows: {r['members'] / r['bare_s']:,.0f} rows/s", "100,000 members")
    figure(f"initiative signature latency, {r['members']:,} members", r["p95_ms"], "ms p95", f"p50 {r['p50_ms']:.0f} ms", "")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
