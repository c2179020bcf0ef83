"""Page render times with a 1,000,000-member register: a region of 150,000 and a member's home.

Builds the organization through its actions (founding, then `import_members` for the register),
then renders each page repeatedly through Django's test client and prints the median, beside the
time of the bare SQL aggregate the region page rests on. Goal: each page under 200 ms (median).

    .venv/bin/python bench/bench_pages.py [--members 1000000] [--region 150000] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _figures import figure  # bench/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgres://postgres@127.0.0.1:5432/charter_bench_pages"


def child(args: argparse.Namespace) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import datetime as dt

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from charter.accounts.models import User
    from charter.elections.actions import fix_seats, seat_founder
    from charter.lib import clock
    from charter.members.actions import enrol_founder, record_dues_payment, transfer_member
    from charter.members.importing import import_members
    from charter.org.actions import close_founding, create_unit, found_organization
    from charter.org.models import Body, Unit
    from charter.rulebook.actions import install_founding_rulebook
    from charter.rulebook.spec import DATA_DIR

    call_command("migrate", verbosity=0)
    clock.set_frozen(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text())
    found_organization(name="Bench Alliance", top_unit="Bench")
    top = Unit.objects.get(parent=None)
    per_branch = 1000
    region_branches = args.region // per_branch
    other_branches = (args.members - args.region) // per_branch
    regions = [create_unit(parent=top, level="region", name=f"Region {i}") for i in range(7)]
    big = regions[0]
    branches: dict[int, list[int]] = {}
    for r_i, region in enumerate(regions):
        count = region_branches if r_i == 0 else other_branches // 6 + (1 if r_i <= other_branches % 6 else 0)
        areas = [create_unit(parent=region, level="area", name=f"Area {r_i}.{a}") for a in range(5)]
        branches[region.pk] = [create_unit(parent=areas[b % 5], level="branch", name=f"Branch {r_i}.{b}").pk for b in range(count)]
    home = Unit.objects.get(pk=branches[big.pk][0])
    person = enrol_founder(name="Bench Person", branch=home, email="bench@example.org")
    rc = Body.objects.get(kind="regional_committee", unit=big)
    fix_seats(rc, seats=7)
    seat_founder(person, body=rc)
    seat_founder(person, body=rc, office="regional_secretary")
    close_founding()
    record_dues_payment(person, months=11)
    transfer_member(person, to_branch=Unit.objects.get(pk=branches[big.pk][1]), by=person)

    rng = random.Random(2026)
    csv_path = Path(tempfile.mkdtemp()) / "register.csv"
    t0 = time.perf_counter()
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "branch", "status", "joined_on", "dues_paid_until"])
        for ids in branches.values():
            for b in ids:
                for _ in range(per_branch):
                    paid = "2026-11-01" if rng.random() < 0.8 else "2026-03-01"
                    w.writerow([f"Member {rng.randrange(10**9)}", b, "member", "2020-01-01", paid])
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    result = import_members(csv_path)
    import_s = time.perf_counter() - t0
    clock.set_frozen(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC))

    user = User.objects.create_user("bench", password="bench-password-long-1")
    from charter.members.models import Member

    Member.objects.filter(pk=person.pk).update(user=user)
    from charter.testing.web import login_user

    client = login_user(Client(), user)  # past the second factor, as an officer signs in

    def median_ms(url: str, runs: int) -> float:
        client.get(url)  # warm
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (url, r.status_code)
        return statistics.median(times)

    region_ms = median_ms(f"/units/{big.pk}/", args.runs)
    home_ms = median_ms("/me/", args.runs)
    with connection.cursor() as cur:
        sql_times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            cur.execute(
                "SELECT branch_id, status, COUNT(*) FROM members_member WHERE branch_id IN "
                "(SELECT id FROM org_unit WHERE path LIKE %s) GROUP BY branch_id, status",
                [big.path + "%"],
            )
            cur.fetchall()
            sql_times.append((time.perf_counter() - t) * 1000)
    from charter.members.models import Member as M

    return {
        "db": connection.vendor, "members": M.objects.count(), "region_members": M.objects.within(big).count(),
        "csv_s": round(gen_s, 1), "import_s": round(import_s, 1), "imported": result.rows if hasattr(result, "rows") else None,
        "region_ms": round(region_ms, 1), "home_ms": round(home_ms, 1), "sql_ms": round(statistics.median(sql_times), 1),
    }


def run(db: str, args: argparse.Namespace) -> dict | None:
    env = dict(os.environ, BENCH_PAGES_CHILD="1")
    if db == "sqlite":
        env["CHARTER_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-pages-")
        env.pop("DATABASE_URL", None)
    else:
        import psycopg

        try:
            with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=5) as conn:
                conn.execute("DROP DATABASE IF EXISTS charter_bench_pages")
                conn.execute("CREATE DATABASE charter_bench_pages")
        except Exception as exc:  # noqa: BLE001
            print(f"postgres: skipped ({exc})")
            return None
        env["DATABASE_URL"] = args.pg_url
    cmd = [sys.executable, __file__, "--members", str(args.members), "--region", str(args.region), "--runs", str(args.runs)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stdout[-2000:], out.stderr[-4000:])
        raise SystemExit(f"{db} run failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--members", type=int, default=1_000_000)
    p.add_argument("--region", type=int, default=150_000)
    p.add_argument("--runs", type=int, default=15)
    p.add_argument("--only", choices=["sqlite", "postgres"])
    p.add_argument("--pg-url", default=PG_URL)
    args = p.parse_args()
    if os.environ.get("BENCH_PAGES_CHILD"):
        print(json.dumps(child(args)))
        return 0
    rows = [r for db in ("sqlite", "postgres") if args.only in (None, db) and (r := run(db, args)) is not None]
    print(f"{'db':<11}{'members':>10}{'region':>9}{'import s':>10}{'region page ms':>16}{'home page ms':>14}{'bare SQL ms':>13}  goal < 200 ms")
    for r in rows:
        print(f"{r['db']:<11}{r['members']:>10}{r['region_members']:>9}{r['import_s']:>10}{r['region_ms']:>16}{r['home_ms']:>14}{r['sql_ms']:>13}")
        figure(f"region page, {r['region_members']:,} of {r['members']:,} members, {r['db']}", r["region_ms"], "ms median", f"bare SQL aggregate: {r['sql_ms']} ms", "< 200 ms")
        figure(f"member's home page, {r['members']:,} members, {r['db']}", r["home_ms"], "ms median", "", "< 200 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
