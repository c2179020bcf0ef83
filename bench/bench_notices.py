"""Benchmark: one notice to each of 1,000,000 members, queued and then delivered, on SQLite and on
PostgreSQL.

For each database, in a subprocess of its own (Django reads its settings once per process):

1. creates a fresh database, migrates it and founds a small organization through the actions (the
   founding rulebook, one region, one area, B branches);
2. bulk-inserts N members straight into the table (not timed, not through the actions: the import
   has its own benchmark), 50% English, 35% Urdu, 15% Sindhi; 40% with an email address,
   85% with a phone number, as in bench_import;
3. times ``outbox.queue`` for all of them in one transaction, the way an act calls it (a notice of
   a meeting: its subject and body rendered in each member's language), on all three channels: an
   inbox notice for every member, an email and a text message for those with an address and a
   phone number (the peer, timed after step 4 and rolled back, does the same with render(member));
4. times the delivery of every queued email and text message through the console transport (one
   JSON line per notice in /tmp/charter-bench-notices/outbox-DB/), by the worker's own loop
   (``tasks.deliver_due``), and checks that each was sent once.

    .venv/bin/python bench/bench_notices.py [--members N] [--branches B] [--only sqlite|postgres]

PostgreSQL is reached at postgres://postgres@127.0.0.1:5432 (override with --pg-url); the benchmark
drops and recreates the database charter_bench_notices. When it cannot connect, the PostgreSQL line
says so and the run goes on. The peer: the same notice queued with ``render(member)``, which
``outbox.queue`` must call once per member (each in their language) and whose rows it builds in
Python: what a caller pays for a notice that names the member.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _figures import figure  # bench/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _org import build_org  # noqa: E402

CHILD_ENV = "CHARTER_BENCH_NOTICES_DB"
WORK = Path("/tmp/charter-bench-notices")
PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_DB = "charter_bench_notices"
CALLED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
MEMBER_COLUMNS = ("id", "number", "name", "phone", "email", "language", "branch_id", "status", "status_since", "applied_on", "joined_on", "dues_paid_until")


def member_rows(n: int, branch_ids: list[int], first_id: int, seed: int = 2026) -> list[tuple]:
    rng = random.Random(seed)
    rand, randrange = rng.random, rng.randrange
    rows = []
    for i in range(n):
        pk = first_id + i
        r = rand()
        language = "en" if r < 0.5 else ("ur" if r < 0.85 else "sd")
        phone = f"+92 3{randrange(10, 50)} {randrange(10**7):07d}" if rand() < 0.85 else ""
        email = f"member{pk}@example.org" if rand() < 0.4 else ""
        rows.append((pk, f"BENCH-{pk:07d}", f"Member {pk}", phone, email, language, branch_ids[i % len(branch_ids)], "member",
                     "2019-01-10", "2019-01-10", "2019-01-10", "2027-12-31"))
    return rows


def insert_members(rows: list[tuple]) -> None:
    from django.db import connection, transaction

    columns = ", ".join(MEMBER_COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(f"INSERT INTO members_member ({columns}) VALUES ({', '.join(['%s'] * len(MEMBER_COLUMNS))})", rows)
        else:
            with cursor.cursor.copy(f"COPY members_member ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute("SELECT setval(pg_get_serial_sequence('members_member', 'id'), (SELECT max(id) FROM members_member))")


def child(db: str, args: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils.translation import gettext as _

    from charter.lib import clock
    from charter.members.models import Member
    from charter.notices import outbox, tasks
    from charter.notices.models import Notice

    call_command("migrate", verbosity=0, interactive=False)
    branch_ids = build_org(args.branches)
    first = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    t0 = time.perf_counter()
    insert_members(member_rows(args.members, branch_ids, first))
    members_s = time.perf_counter() - t0

    when = CALLED.strftime("%Y-%m-%d %H:%M UTC")
    title, agenda = "Annual general meeting", "1. Minutes\n2. Reports\n3. Elections"

    def render() -> tuple[str, str]:  # as meetings.actions.convene_meeting does: the same for all who read a language
        subject = _("%(body)s meets on %(when)s") % {"body": "Congress", "when": when}
        text = _("The %(body)s has been called to meet on %(when)s: %(title)s.\n\nAgenda:\n%(agenda)s") % {"body": "Congress", "when": when, "title": title, "agenda": agenda}
        return subject, text

    clock.set_frozen(CALLED)
    t0 = time.perf_counter()
    with transaction.atomic():
        queued = outbox.queue(Member.objects.filter(pk__gte=first), kind="bench_meeting", render=render, key="bench:1")
    queue_s = time.perf_counter() - t0
    outgoing = Notice.objects.exclude(channel="inbox").filter(state="queued").count()
    assert queued == Notice.objects.filter(kind="bench_meeting").count(), queued

    outbox_dir = Path(settings.NOTICE_OUTBOX_DIR)
    shutil.rmtree(outbox_dir, ignore_errors=True)
    t0 = time.perf_counter()
    sent = 0
    while True:
        n = tasks.deliver_due(seconds=3600)
        sent += n
        if n == 0:
            break
    deliver_s = time.perf_counter() - t0
    lines = sum(1 for f in ("email.jsonl", "sms.jsonl") for _line in open(outbox_dir / f, encoding="utf-8"))
    assert sent == outgoing == lines, (sent, outgoing, lines)
    assert not Notice.objects.filter(kind="bench_meeting", state="queued").exists()

    # The peer: the same notice through render(member), called for each member in their language,
    # the rows built in Python and written in chunks; rolled back once timed (after the foreign-key
    # checks PostgreSQL would make at commit; without the commit's own writes).
    def render_each(member: Member) -> tuple[str, str]:
        return render()

    t0 = time.perf_counter()
    with transaction.atomic():
        peer = outbox.queue(Member.objects.filter(pk__gte=first), kind="bench_peer", render=render_each, key="bench:peer")
        if connection.vendor == "postgresql":  # SQLite counts foreign-key violations as it goes
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        peer_s = time.perf_counter() - t0
        transaction.set_rollback(True)
    assert peer == queued, (peer, queued)
    clock.set_frozen(None)
    return {"db": db, "members": args.members, "members_s": members_s, "queued": queued, "queue_s": queue_s,
            "peer_s": peer_s, "outgoing": outgoing, "deliver_s": deliver_s}


# --- the parent -----------------------------------------------------------------------------------


def pg_reachable(url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(f"{url}/postgres", connect_timeout=5) as con:
            con.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means: skip, and say why
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ""


def run_child(db: str, args: argparse.Namespace) -> dict:
    env = dict(os.environ)
    env[CHILD_ENV] = db
    env["CHARTER_VAR_DIR"] = str(WORK / "var")
    env["NOTICE_OUTBOX_DIR"] = str(WORK / f"outbox-{db}")
    env["NOTICE_EMAIL_TRANSPORT"] = env["NOTICE_SMS_TRANSPORT"] = "console"
    env["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"  # the bench runs the worker's loop itself
    if db == "sqlite":
        db_file = WORK / "notices.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{db_file}"
    else:
        import psycopg

        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = f"{args.pg_url}/{PG_DB}"
    cmd = [sys.executable, __file__, "--members", str(args.members), "--branches", str(args.branches), "--pg-url", args.pg_url]
    done = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the {db} run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()

    db = os.environ.get(CHILD_ENV)
    if db:
        print(json.dumps(child(db, args)), flush=True)
        return 0

    WORK.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    notes: list[str] = []
    for db in ("sqlite", "postgres"):
        if args.only and args.only != db:
            continue
        if db == "postgres":
            why = pg_reachable(args.pg_url)
            if why:
                notes.append(f"postgres: skipped, cannot connect to {args.pg_url} ({why})")
                continue
        print(f"{db}: {args.members:,} members, queueing a notice to each and delivering it …", flush=True)
        results.append(run_child(db, args))

    print()
    print(f"{'db':<9} | {'members':>9} | {'rows':>9} | {'queue s':>7} | {'rows/s':>7} | {'peer s':>6} | {'sent':>9} | {'deliver s':>9} | {'notices/s':>9}")
    print(f"{'-' * 9}-+-{'-' * 9}-+-{'-' * 9}-+-{'-' * 7}-+-{'-' * 7}-+-{'-' * 6}-+-{'-' * 9}-+-{'-' * 9}-+-{'-' * 9}")
    for r in results:
        print(f"{r['db']:<9} | {r['members']:>9,} | {r['queued']:>9,} | {r['queue_s']:>7.1f} | {r['queued'] / r['queue_s']:>7,.0f} | "
              f"{r['peer_s']:>6.1f} | {r['outgoing']:>9,} | {r['deliver_s']:>9.1f} | {r['outgoing'] / r['deliver_s']:>9,.0f}")
    print()
    for r in results:
        print(f"{r['db']}: members bulk-inserted in {r['members_s']:.1f} s (untimed set-up)")
        figure(f"queue a notice to {r['members']:,} members, {r['db']}", r["queue_s"], "s", f"render(member) per member: {r['peer_s']:.1f} s", "1,000,000 members")
        figure(f"deliver {r['outgoing']:,} emails and texts, {r['db']}", r["outgoing"] / r["deliver_s"], "notices/s", "console transport (no network)", "")
    for note in notes:
        print(note)
    print("rows = notices written: an inbox notice per member, an email and a text message for those with an address and a phone;")
    print("queue s = outbox.queue with render() (rendered once per language, one INSERT ... SELECT), commit included;")
    print("peer s = the same with render(member) (called per member, rows built in Python), timed up to the commit, then rolled back;")
    print("sent = the emails and text messages, delivered through the console transport by the worker's loop (tasks.deliver_due),")
    print("each one's outcome committed before the next is sent (on PostgreSQL a WAL flush per notice).")
    print(f"load average when done: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
