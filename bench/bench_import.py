"""Benchmark: ``charter import members`` with 1,000,000 rows, on SQLite and on PostgreSQL.

Generates a fixed-seed CSV of N members spread over many branches, then for each database, in a
subprocess of its own (Django reads its settings once per process):

1. creates a fresh database, migrates it and builds an organization through the actions: the
   founding rulebook, the top unit, regions, areas and B branches created during the founding
   period, which is then closed;
2. copies that database (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE) for step 4;
3. times ``import_members`` on the whole file: both passes over the file, the checks, the record
   entry, the members and their status-history rows, the commit;
4. times a bare insert of the same members into the same table of the copy, with the rows already
   parsed and their branch ids looked up: ``executemany`` INSERT on SQLite, ``COPY`` on PostgreSQL,
   one transaction, no status-history rows, no checks.

    .venv/bin/python bench/bench_import.py [--rows N] [--branches B] [--seed S] [--only sqlite|postgres]

PostgreSQL is reached at postgres://postgres@127.0.0.1:5432 (override with --pg-url); the
benchmark drops and recreates the databases charter_bench and charter_bench_bare. When it cannot
connect, the PostgreSQL line says so and the run goes on.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from _figures import figure  # bench/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD_ENV = "CHARTER_BENCH_IMPORT_DB"
WORK = Path("/tmp/charter-bench-import")
PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_DB = "charter_bench"
PG_BARE = "charter_bench_bare"
FOUNDED = dt.datetime(2019, 1, 10, 9, 0, tzinfo=dt.UTC)

REGIONS = ["Sindh", "Punjab", "Khyber Pakhtunkhwa", "Balochistan", "Gilgit-Baltistan", "Azad Kashmir", "Islamabad", "Seraiki", "Hazara", "Potohar"]
FIRST = ["Aamir", "Abida", "Adeel", "Afshan", "Ahmed", "Aisha", "Akbar", "Alia", "Amna", "Anwar", "Asad", "Asma", "Ayesha",
         "Bashir", "Benazir", "Bilal", "Bushra", "Danish", "Dua", "Ejaz", "Erum", "Faisal", "Farah", "Farhan", "Fatima",
         "Ghulam", "Gul", "Habib", "Hina", "Hussain", "Imran", "Iqra", "Jamil", "Javeria", "Kamran", "Kiran", "Laila",
         "Mahnoor", "Majid", "Maria", "Nadia", "Naveed", "Nida", "Omar", "Parveen", "Qasim", "Rabia", "Rashid", "Rubina",
         "Saad", "Sadia", "Saima", "Sajid", "Sana", "Shahid", "Shazia", "Tariq", "Uzma", "Waqar", "Yasmin", "Zainab", "Zubair"]
LAST = ["Abbasi", "Afridi", "Ansari", "Awan", "Baloch", "Bhatti", "Bhutto", "Bugti", "Butt", "Chandio", "Chaudhry", "Dahri",
        "Durrani", "Gill", "Jatoi", "Junejo", "Kazmi", "Khan", "Khoso", "Khattak", "Laghari", "Leghari", "Magsi", "Malik",
        "Marri", "Memon", "Mengal", "Mirani", "Mughal", "Naqvi", "Niazi", "Pathan", "Qureshi", "Rajput", "Rind", "Shah",
        "Shaikh", "Siddiqui", "Soomro", "Syed", "Talpur", "Unar", "Wazir", "Yousafzai", "Zardari"]
STATUSES = [("member", 85), ("lapsed", 8), ("applicant", 3), ("resigned", 2), ("suspended", 1.5), ("expelled", 0.5)]
HEADER = ["name", "branch", "phone", "email", "language", "status", "joined_on", "dues_paid_until", "number"]


def layout(branches: int) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Regions, their areas and the branch names: deterministic, ``branches`` branches in all."""
    areas_per_region = 20
    per_area = max(1, -(-branches // (len(REGIONS) * areas_per_region)))
    out: list[tuple[str, list[tuple[str, list[str]]]]] = []
    made = 0
    for region in REGIONS:
        areas = []
        for a in range(areas_per_region):
            names = []
            for b in range(per_area):
                if made == branches:
                    break
                names.append(f"{region} {a + 1:02d} Branch {b + 1:03d}")
                made += 1
            if names:
                areas.append((f"{region} Area {a + 1:02d}", names))
        if areas:
            out.append((region, areas))
    return out


def branch_names(branches: int) -> list[str]:
    return [name for _region, areas in layout(branches) for _area, names in areas for name in names]


def generate(path: Path, rows: int, branches: int, seed: int) -> None:
    rng = random.Random(seed)
    names = branch_names(branches)
    statuses = [s for s, _w in STATUSES]
    status_weights = [w for _s, w in STATUSES]
    day0 = dt.date(1995, 1, 1).toordinal()
    joined_span = dt.date(2018, 12, 31).toordinal() - day0
    dues0 = dt.date(2019, 1, 1).toordinal()
    dues_span = dt.date(2027, 12, 31).toordinal() - dues0
    status_list = rng.choices(statuses, weights=status_weights, k=rows)
    branch_list = rng.choices(names, k=rows)
    rand, randrange, choice = rng.random, rng.randrange, rng.choice
    with path.open("w", encoding="utf-8", newline="") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(rows):
            first, last = choice(FIRST), choice(LAST)
            name = f"{last}, {first}" if rand() < 0.02 else f"{first} {last}"
            r = rand()
            phone = f"+92 3{randrange(10, 50)} {randrange(10**7):07d}" if r < 0.7 else (f"03{randrange(10, 50)}-{randrange(10**7):07d}" if r < 0.85 else "")
            email = f"{first}.{last}{i}@example.org".lower() if rand() < 0.4 else ""
            r = rand()
            language = "en" if r < 0.5 else ("ur" if r < 0.85 else "sd")
            status = status_list[i]
            joined = "" if status == "applicant" or rand() < 0.05 else dt.date.fromordinal(day0 + randrange(joined_span)).isoformat()
            dues = dt.date.fromordinal(dues0 + randrange(dues_span)).isoformat() if status != "applicant" and rand() < 0.9 else ""
            number = f"L-{i:07d}" if rand() < 0.3 else ""
            w.writerow([name, branch_list[i], phone, email, language, "" if status == "member" and rand() < 0.5 else status, joined, dues, number])


# --- the child: one database ----------------------------------------------------------------------


def build_org(branches: int) -> float:
    """An organization with ``branches`` branches, built through the actions during founding."""
    from django.db import transaction

    from charter.lib import clock
    from charter.org.actions import close_founding, create_unit, found_organization
    from charter.org.models import Unit
    from charter.rulebook.actions import install_founding_rulebook
    from charter.rulebook.spec import DATA_DIR

    t0 = time.perf_counter()
    clock.set_frozen(FOUNDED)
    # These founding steps append to the record and expect their caller's transaction.
    with transaction.atomic():
        install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8"))
    with transaction.atomic():
        found_organization(name="Workers' Democratic Alliance", top_unit="WDA")
    section = Unit.objects.get(parent=None)
    for region_name, areas in layout(branches):
        region = create_unit(parent=section, level="region", name=region_name)
        for area_name, names in areas:
            area = create_unit(parent=region, level="area", name=area_name)
            for name in names:
                create_unit(parent=area, level="branch", name=name)
    with transaction.atomic():
        close_founding()
    clock.set_frozen(None)
    return time.perf_counter() - t0


def bare_rows(csv_path: Path, branch_ids: dict[str, int], first_id: int, prefix: str, today: str) -> list[tuple]:
    """The same members as import_members writes, parsed beforehand (not timed)."""
    rows = []
    next_id = first_id
    with csv_path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for name, branch, phone, email, language, status, joined, dues, number in reader:
            status = status or "member"
            rows.append((next_id, number or f"{prefix}-{next_id:06d}", name, phone, email, language or "en", branch_ids[branch], status,
                         joined if status == "member" and joined else today, joined or today, joined or None, dues or None))
            next_id += 1
    return rows


BARE_COLUMNS = "id, number, name, phone, email, language, branch_id, status, status_since, applied_on, joined_on, dues_paid_until"


def child(db: str, args: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from charter.lib import clock
    from charter.members.importing import import_members, validate
    from charter.members.models import Member, StatusChange
    from charter.org.models import Unit
    from charter.record import log as record

    csv_path = Path(args.csv)
    call_command("migrate", verbosity=0, interactive=False)
    build_s = build_org(args.branches)
    connections.close_all()
    if db == "sqlite":
        src = Path(connection.settings_dict["NAME"])
        bare_db = src.with_name("bare.sqlite3")
        shutil.copyfile(src, bare_db)
    else:
        import psycopg

        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_BARE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_BARE} TEMPLATE {PG_DB}")

    members_before = Member.objects.count()
    t0 = time.perf_counter()
    report = validate(csv_path)
    check_s = time.perf_counter() - t0
    assert report.ok, report.errors[:5]

    t0 = time.perf_counter()
    result = import_members(csv_path)
    import_s = time.perf_counter() - t0
    assert result.rows == args.rows and result.skipped == 0, result
    assert Member.objects.count() == members_before + args.rows
    assert StatusChange.objects.filter(entry_index=result.entry_index).count() == args.rows
    t0 = time.perf_counter()
    problem = record.verify()
    assert problem is None, problem
    verify_s = time.perf_counter() - t0

    today = clock.today().isoformat()
    branch_ids = dict(Unit.objects.filter(level="branch").values_list("name", "id"))
    rows = bare_rows(csv_path, branch_ids, 1, "WDA", today)
    connections.close_all()
    if db == "sqlite":
        con = sqlite3.connect(bare_db, isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("PRAGMA cache_size=-262144")
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(f"INSERT INTO members_member ({BARE_COLUMNS}) VALUES ({', '.join('?' * 12)})", rows)
        con.execute("COMMIT")
        bare_s = time.perf_counter() - t0
        con.close()
        bare_db.unlink()
    else:
        import psycopg

        with psycopg.connect(f"{args.pg_url}/{PG_BARE}") as pg:
            t0 = time.perf_counter()
            with pg.cursor() as pgcur, pgcur.copy(f"COPY members_member ({BARE_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            pg.commit()
            bare_s = time.perf_counter() - t0
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_BARE} WITH (FORCE)")
    return {"db": db, "rows": args.rows, "build_s": build_s, "check_s": check_s, "import_s": import_s, "verify_s": verify_s, "bare_s": bare_s}


# --- the parent -----------------------------------------------------------------------------------


def pg_reachable(url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(f"{url}/postgres", connect_timeout=5) as con:
            con.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means: skip, and say why
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ""


def run_child(db: str, args: argparse.Namespace, csv_path: Path) -> dict:
    env = dict(os.environ)
    env[CHILD_ENV] = db
    env["CHARTER_VAR_DIR"] = str(WORK / "var")
    if db == "sqlite":
        db_file = WORK / "import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{db_file}"
    else:
        import psycopg

        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = f"{args.pg_url}/{PG_DB}"
    cmd = [sys.executable, __file__, "--rows", str(args.rows), "--branches", str(args.branches), "--csv", str(csv_path), "--pg-url", args.pg_url]
    done = subprocess.run(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the {db} run failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--csv", help=argparse.SUPPRESS)
    args = parser.parse_args()

    db = os.environ.get(CHILD_ENV)
    if db:
        print(json.dumps(child(db, args)), flush=True)
        return 0

    WORK.mkdir(parents=True, exist_ok=True)
    csv_path = WORK / f"members-{args.rows}-{args.branches}-{args.seed}.csv"
    t0 = time.perf_counter()
    generate(csv_path, args.rows, args.branches, args.seed)
    print(f"generated {csv_path} ({args.rows:,} rows, {args.branches:,} branches, seed {args.seed}, "
          f"{csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s", flush=True)

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
        print(f"{db}: building the organization and importing …", flush=True)
        results.append(run_child(db, args, csv_path))

    print()
    print(f"{'db':<9} | {'rows':>9} | {'import s':>8} | {'import rows/s':>13} | {'bare insert rows/s':>18} | {'ratio':>5}")
    print(f"{'-' * 9}-+-{'-' * 9}-+-{'-' * 8}-+-{'-' * 13}-+-{'-' * 18}-+-{'-' * 5}")
    for r in results:
        rate, bare = r["rows"] / r["import_s"], r["rows"] / r["bare_s"]
        print(f"{r['db']:<9} | {r['rows']:>9,} | {r['import_s']:>8.1f} | {rate:>13,.0f} | {bare:>18,.0f} | {bare / rate:>5.1f}")
        figure(f"import members, {r['rows']:,} rows, {r['db']}", rate, "rows/s", f"bare insert of the same rows: {bare:,.0f} rows/s", "1,000,000 rows")
    print()
    for r in results:
        print(f"{r['db']}: organization with {args.branches:,} branches built in {r['build_s']:.1f} s; "
              f"validate() alone {r['check_s']:.1f} s; bare insert {r['bare_s']:.1f} s; record verified in {r['verify_s']:.2f} s")
    for note in notes:
        print(note)
    print("ratio = bare insert rows/s / import rows/s (the import also checks every row, reads the file twice "
          "and writes a status-history row per member)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
