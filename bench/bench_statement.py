"""Benchmark: a treasurer imports a bank statement of N lines (100,000 with --rows 100000).

On SQLite, in a fresh database under /tmp/charter-bench-statement/:

1. founds a small organization through the actions (one region, one area, B branches), with the
   first dues bands and a Regional Secretary who keeps the region's accounts;
2. inserts N members straight into the table and places each in a band (not timed, not through
   the actions: setup);
3. writes a statement of N lines: 90% name one member's number and pay one to six months of their
   band, 4% name nobody, 3% name two members, 3% are debits (fees);
4. times ``money.actions.import_bank_statement`` (read, match, apply the payments, keep every line,
   one entry on the record) and then the listing of the lines left for review.

The peer figure, printed beside: reading and matching alone (``statement.read`` and the reference
search, no database), the floor under the import.

With ``--pg-url postgres://postgres@127.0.0.1:5432`` the same runs on PostgreSQL, in a database
``charter_bench_statement`` made afresh (and dropped after).

    .venv/bin/python bench/bench_statement.py [--rows N] [--branches B] [--pg-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _figures import figure  # noqa: E402

PG_DB = "charter_bench_statement"
WORK = Path("/tmp/charter-bench-statement")
FOUNDED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
BANDS = [
    {"name": "A", "income_from": "0", "income_to": "15000", "monthly": "50"},
    {"name": "B", "income_from": "15000", "income_to": "30000", "monthly": "100"},
    {"name": "C", "income_from": "30000", "monthly": "200"},
]


def setup(branches: int, n: int) -> tuple[object, object, list[int]]:
    from django.db import connection, transaction

    from charter.elections.actions import fix_seats, seat_founder
    from charter.lib import clock
    from charter.members.actions import enrol_founder
    from charter.money.actions import set_founding_dues_bands
    from charter.money.models import BandAssignment
    from charter.org.actions import close_founding, create_unit, found_organization
    from charter.org.models import Body, Unit
    from charter.rulebook.actions import install_founding_rulebook
    from charter.rulebook.spec import DATA_DIR

    clock.set_frozen(FOUNDED)
    with transaction.atomic():
        install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8"))
    with transaction.atomic():
        found_organization(name="Workers' Democratic Alliance", top_unit="WDA")
    region = create_unit(parent=Unit.objects.get(parent=None), level="region", name="Sindh")
    area = create_unit(parent=region, level="area", name="Karachi")
    ids = [
        create_unit(parent=area, level="branch", name=f"Karachi Branch {i + 1:03d}").pk
        for i in range(branches)
    ]
    secretary = enrol_founder(name="Regional Secretary", branch=Unit.objects.get(pk=ids[0]))
    rc = fix_seats(Body.objects.get(kind="regional_committee", unit=region), seats=5)
    seat_founder(secretary, body=rc)
    seat_founder(secretary, body=rc, office="regional_secretary")
    bands = set_founding_dues_bands(bands=BANDS)
    close_founding()
    first = secretary.pk + 1
    cols = "id, number, name, phone, email, language, branch_id, status, status_since, applied_on, joined_on, dues_paid_until"
    rows = [
        (
            first + i,
            f"WDA-{first + i:06d}",
            f"Member {first + i}",
            "",
            "",
            "en",
            ids[i % len(ids)],
            "member",
            "2026-01-05",
            "2026-01-05",
            "2026-01-05",
            "2026-01-05",
        )
        for i in range(n)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO members_member ({cols}) VALUES ({', '.join(['%s'] * 12)})", rows
        )
    rng = random.Random(7)
    BandAssignment.objects.bulk_create(
        [
            BandAssignment(
                member_id=first + i, band=rng.choice(bands), since=FOUNDED.date(), entry_index=None
            )
            for i in range(n)
        ],
        batch_size=5000,
    )
    return region, secretary, [first + i for i in range(n)]


def statement_text(member_ids: list[int], monthly: dict[int, int], n: int) -> bytes:
    rng = random.Random(2026)
    lines = ["Booking date,Description,Amount,Balance"]
    for i in range(n):
        r = rng.random()
        pk = member_ids[i % len(member_ids)]
        if r < 0.90:
            lines.append(
                f"03/03/2026,IBFT DUES WDA-{pk:06d} MARCH,{monthly[pk] * rng.randint(1, 6)}.00,0"
            )
        elif r < 0.94:
            lines.append("03/03/2026,CASH DEPOSIT,500.00,0")
        elif r < 0.97:
            other = member_ids[(i + 1) % len(member_ids)]
            lines.append(f"03/03/2026,DUES WDA-{pk:06d} AND WDA-{other:06d},400.00,0")
        else:
            lines.append("03/03/2026,BANK CHARGES,-25.00,0")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=20_000,
        help="lines in the statement (the figure asks for 100000)",
    )
    parser.add_argument("--branches", type=int, default=50)
    parser.add_argument(
        "--pg-url", default="", help="run on PostgreSQL at this server (no database name)"
    )
    ns = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    if ns.pg_url:
        import psycopg

        with psycopg.connect(
            f"{ns.pg_url.replace('postgres://', 'postgresql://')}/postgres", autocommit=True
        ) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            admin.execute(f"CREATE DATABASE {PG_DB}")
        os.environ["DATABASE_URL"] = f"{ns.pg_url}/{PG_DB}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from charter.lib import clock
    from charter.money import statement
    from charter.money.actions import import_bank_statement
    from charter.money.models import BandAssignment, StatementRow

    members = ns.rows
    region, secretary, member_ids = setup(ns.branches, members)
    monthly = {
        m: int(b) for m, b in BandAssignment.objects.values_list("member_id", "band__monthly")
    }
    data = statement_text(member_ids, monthly, ns.rows)
    clock.set_frozen(dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC))

    t0 = time.perf_counter()
    rows = statement.read(data)
    refs = [statement.references(r.text, "WDA") for r in rows]
    floor = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    imp = import_bank_statement(unit=region, by=secretary, data=data, filename="bench.csv")
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    review = list(
        StatementRow.objects.filter(statement=imp, state="review")
        .order_by("line")
        .values_list("line", "why")
    )
    listing = time.perf_counter() - t0
    matched = StatementRow.objects.filter(statement=imp, state="matched").count()
    db = "PostgreSQL" if ns.pg_url else "SQLite"
    print(
        f"bank statement of {ns.rows:,} lines, {members:,} members in {ns.branches} branches ({db})"
    )
    print(
        f"  import_bank_statement: {took:8.2f} s  ({ns.rows / took:,.0f} lines/s): {matched:,} matched and paid, {len(review):,} left for review"
    )
    print(f"  of which on this process's CPU: {cpu:8.2f} s (the rest: waiting for the disk or the machine)")
    print(f"  lines to review listed: {listing:8.2f} s")
    print(
        f"  peer: read and match only (no database): {floor:.2f} s for {len(rows):,} lines ({sum(1 for r in refs if len(r) == 1):,} naming one number)"
    )
    figure(
        f"import a bank statement, {ns.rows:,} lines, {db}",
        took,
        "s",
        f"reading and matching alone: {floor:.1f} s; {len(review):,} lines left for review, listed in {listing:.2f} s",
        "under 30 s for 100,000 lines",
    )
    if ns.pg_url:
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(
            f"{ns.pg_url.replace('postgres://', 'postgresql://')}/postgres", autocommit=True
        ) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DB}")


if __name__ == "__main__":
    main()
