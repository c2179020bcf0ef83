"""The dashboard with 1,000,000 members, 10,000 branches and five years of history.

The organization is founded through its actions (rulebook, top unit, regions and areas); the bulk of
it is then BULK-GENERATED straight into PostgreSQL with COPY, not built through the actions: the
branches and their bodies, the members with their dated status changes (applications, admissions,
refusals, lapses, resignations, expulsions), transfers, five years of meetings with attendance, and
the branch secretaries' and regional committees' terms (elected, co-opted, some expired). The record
holds none of these rows; that is acceptable for timing pages that only read them, and nowhere else.

Then the dashboard's monthly table is rebuilt (``rollup.rebuild``, timed), and the organization-wide
dashboard and one region's drill-down are each rendered through Django's test client, signed in as a
Central Committee member (who sees names), and their median is printed beside the time of the plain
SQL aggregate they rest on (monthly status changes grouped over the facts, for the organization and
for the region) and of reading the stored monthly rows. Goal: each page under 500 ms (median).

Runs on PostgreSQL in its own database (dropped and created again):

    .venv/bin/python bench/bench_dashboard.py                 # --scale 0.02: 20,000 members, 200 branches
    .venv/bin/python bench/bench_dashboard.py --scale 1       # 1,000,000 members, 10,000 branches
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _figures import figure  # noqa: E402  (bench/ is on the path of a script run from it)

ROOT = Path(__file__).resolve().parents[1]
DB = "charter_dashboard"
START = dt.date(2021, 12, 1)  # five years of history before "now"
NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
REGIONS, AREAS_PER_REGION = 10, 10


def days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


def generate(scale: float, rng: random.Random, say) -> dict:  # type: ignore[no-untyped-def]
    from django.db import connection, transaction

    from charter.lib import clock
    from charter.org.actions import close_founding, create_unit, found_organization
    from charter.org.models import Body, Unit
    from charter.rulebook.actions import install_founding_rulebook
    from charter.rulebook.spec import DATA_DIR
    from charter.rulebook.store import rulebook_on

    members_total = int(1_000_000 * scale)
    branch_count = max(int(10_000 * scale), REGIONS * AREAS_PER_REGION)
    clock.set_frozen(dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC))
    with transaction.atomic():
        install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8"))
    with transaction.atomic():
        found_organization(name="Bench Alliance", top_unit="Bench")
    top = Unit.objects.get(parent=None)
    regions = [create_unit(parent=top, level="region", name=f"Region {r}") for r in range(REGIONS)]
    areas = [
        create_unit(parent=region, level="area", name=f"Area {r}.{a}")
        for r, region in enumerate(regions)
        for a in range(AREAS_PER_REGION)
    ]
    with transaction.atomic():
        close_founding()
    rb = rulebook_on(START)
    branch_bodies = rb.bodies_at("branch")

    def copy(table: str, columns: list[str], rows) -> int:  # type: ignore[no-untyped-def]
        n = 0
        with (
            connection.cursor() as cur,
            cur.copy(
                f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
            ) as cp,
        ):
            for row in rows:
                cp.write_row(row)
                n += 1
        return n

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM org_unit")
        next_unit = cur.fetchone()[0] + 1
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM org_body")
        next_body = cur.fetchone()[0] + 1
    branches: list[tuple[int, int, int]] = []  # (unit id, area index, branch_meeting body id)
    unit_rows, body_rows = [], []
    for b in range(branch_count):
        a = b % len(areas)
        uid = next_unit + b
        area = areas[a]
        unit_rows.append(
            (
                uid,
                "branch",
                f"Branch {b}",
                area.pk,
                f"{area.path}{uid}/",
                START + dt.timedelta(days=rng.randint(0, 30)),
            )
        )
        meeting_body = None
        for spec in branch_bodies:
            body_rows.append((next_body, spec["key"], uid, f"{spec['name']}, Branch {b}"))
            if spec["key"] == "branch_meeting":
                meeting_body = next_body
            next_body += 1
        branches.append((uid, a, meeting_body or 0))
    copy("org_unit", ["id", "level", "name", "parent_id", "path", "created_on"], unit_rows)
    copy("org_body", ["id", "kind", "unit_id", "name"], body_rows)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('org_unit', 'id'), (SELECT MAX(id) FROM org_unit))"
        )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('org_body', 'id'), (SELECT MAX(id) FROM org_body))"
        )
    say(
        f"  {branch_count} branches in {len(areas)} areas and {REGIONS} regions ({time.perf_counter() - t0:.1f}s)"
    )

    # Members and their status changes. Region 0 grows (more applications every year); region 1 goes
    # quiet in the last year (no applications, lapses, branches stop meeting).
    t0 = time.perf_counter()
    now = NOW.date()
    span = days(START, now)
    member_rows, change_rows, transfer_rows = [], [], []
    by_branch: dict[int, list[int]] = {uid: [] for uid, _a, _b in branches}
    region_of = {uid: a // AREAS_PER_REGION for uid, a, _b in branches}
    branch_ids = [uid for uid, _a, _b in branches]
    quiet_from = now - dt.timedelta(days=300)
    for i in range(1, members_total + 1):
        branch = rng.choice(branch_ids)
        region = region_of[branch]
        status, status_since, joined, paid = "member", START, START, None
        if rng.random() < 0.4:  # on the register from the start (imported)
            applied = START
            change_rows.append((i, START, "", "member", "imported"))
        else:
            offset = int(span * (rng.random() ** (0.6 if region == 0 else 0.9)))
            applied = START + dt.timedelta(days=offset)
            if region == 1 and applied > quiet_from:
                applied = quiet_from - dt.timedelta(days=rng.randint(1, 400))
            change_rows.append((i, applied, "", "applicant", ""))
            decided = applied + dt.timedelta(days=rng.randint(10, 80 if region != 1 else 150))
            if decided > now:
                status, status_since, joined = "applicant", applied, None
            elif rng.random() < 0.03:
                change_rows.append((i, decided, "applicant", "refused", ""))
                status, status_since, joined = "refused", decided, None
            else:
                change_rows.append((i, decided, "applicant", "member", ""))
                status_since = joined = decided
        if status == "member":
            leave = rng.random()
            quiet = region == 1
            when = joined + dt.timedelta(days=rng.randint(60, max(61, days(joined, now) + 200)))
            if when <= now and leave < (0.25 if quiet else 0.08):
                change_rows.append((i, when, "member", "lapsed", ""))
                status, status_since = "lapsed", when
            elif when <= now and leave < (0.3 if quiet else 0.12):
                change_rows.append((i, when, "member", "resigned", ""))
                status, status_since = "resigned", when
            elif when <= now and leave < (0.302 if quiet else 0.122):
                change_rows.append((i, when, "member", "expelled", ""))
                status, status_since = "expelled", when
        if status in ("member", "lapsed", "resigned", "expelled"):
            behind = rng.random() < (0.35 if region == 1 else 0.12)
            paid = (
                now - dt.timedelta(days=rng.randint(130, 400))
                if behind
                else now + dt.timedelta(days=rng.randint(-60, 300))
            )
            if status == "member" and rng.random() < 0.02 and days(joined, now) > 90:
                moved_on = joined + dt.timedelta(days=rng.randint(30, days(joined, now) - 1))
                came_from = rng.choice(branch_ids)
                if came_from != branch:
                    transfer_rows.append((i, moved_on, came_from, branch))
        by_branch[branch].append(i)
        member_rows.append(
            (
                i,
                f"B-{i:07d}",
                f"Member {i}",
                branch,
                status,
                status_since,
                applied,
                joined,
                paid,
                "en",
                "",
                "",
            )
        )
    copy(
        "members_member",
        [
            "id",
            "number",
            "name",
            "branch_id",
            "status",
            "status_since",
            "applied_on",
            "joined_on",
            "dues_paid_until",
            "language",
            "phone",
            "email",
        ],
        member_rows,
    )
    copy(
        "members_statuschange",
        ["member_id", "on", "status_from", "status_to", "reason"],
        sorted(change_rows, key=lambda r: r[1]),
    )
    copy(
        "members_transfer",
        ["member_id", "on", "from_unit_id", "to_unit_id"],
        sorted(transfer_rows, key=lambda r: r[1]),
    )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('members_member', 'id'), (SELECT MAX(id) FROM members_member))"
        )
    say(
        f"  {len(member_rows)} members, {len(change_rows)} status changes, {len(transfer_rows)} transfers ({time.perf_counter() - t0:.1f}s)"
    )

    # Meetings: each branch about every two months (region 1 stops in its last year); each regional
    # committee monthly. Mandates: each branch elects its secretary yearly (some stop; region 1's
    # lapse); each regional committee has 7 seats elected yearly, some filled by co-option.
    t0 = time.perf_counter()
    meeting_rows, mandate_rows = [], []
    for uid, a, body_id in branches:
        region = a // AREAS_PER_REGION
        day = START + dt.timedelta(days=rng.randint(20, 60))
        size = max(len(by_branch[uid]), 3)
        while day < now - dt.timedelta(days=2):
            if not (region == 1 and day > quiet_from):
                at = dt.datetime.combine(day, dt.time(13), tzinfo=dt.UTC)
                present = rng.randint(max(1, size // 5), max(2, size // 2))
                meeting_rows.append(
                    (
                        body_id,
                        "Branch meeting",
                        at - dt.timedelta(days=10),
                        at,
                        False,
                        "",
                        "1. Business",
                        "held",
                        size,
                        size,
                        present,
                        max(3, size // 3),
                        "",
                    )
                )
            day += dt.timedelta(days=rng.randint(40, 80))
        people = by_branch[uid] or [1]
        term = START + dt.timedelta(days=rng.randint(10, 40))
        stops = region == 1 or rng.random() < 0.05
        while term < now:
            expires = term + dt.timedelta(days=365)
            last = expires >= now or (stops and expires > now - dt.timedelta(days=200))
            mandate_rows.append(
                (
                    body_id,
                    "branch_secretary",
                    rng.choice(people),
                    "elected",
                    term,
                    expires,
                    None if last else expires,
                    "" if last else "term expired",
                )
            )
            if last:
                break
            term = expires + dt.timedelta(days=1)
    with connection.cursor() as cur:
        cur.execute("SELECT id, unit_id FROM org_body WHERE kind = 'regional_committee'")
        rcs = dict(cur.fetchall())
    region_units = {r.pk: n for n, r in enumerate(regions)}
    for body_id, unit_id in rcs.items():
        region = region_units.get(unit_id)
        if region is None:
            continue
        pool = [
            m
            for uid, a, _b in branches
            if a // AREAS_PER_REGION == region
            for m in by_branch[uid][:20]
        ] or [1]
        day = START + dt.timedelta(days=15)
        while day < now - dt.timedelta(days=2):
            at = dt.datetime.combine(day, dt.time(13), tzinfo=dt.UTC)
            meeting_rows.append(
                (
                    body_id,
                    "Regional committee",
                    at - dt.timedelta(days=8),
                    at,
                    False,
                    "",
                    "1. Business",
                    "held",
                    7,
                    7,
                    rng.randint(4, 7),
                    4,
                    "",
                )
            )
            day += dt.timedelta(days=30)
        term = START + dt.timedelta(days=10)
        while term < now:
            expires = term + dt.timedelta(days=365)
            last = expires >= now
            seated = rng.sample(pool, min(7, len(pool)))
            for k, member in enumerate(seated):
                co_opted = k == 6 and rng.random() < (0.9 if region == 1 else 0.2)
                mandate_rows.append(
                    (
                        body_id,
                        "",
                        member,
                        "co_opted" if co_opted else "elected",
                        term + dt.timedelta(days=60 if co_opted else 0),
                        expires,
                        None if last else expires,
                        "" if last else "term expired",
                    )
                )
            term = expires + dt.timedelta(days=1)
    copy(
        "meetings_meeting",
        [
            "body_id",
            "title",
            "called_at",
            "starts_at",
            "urgent",
            "urgency_reason",
            "agenda",
            "state",
            "roster_size",
            "quorum_base",
            "present_count",
            "quorum_needed",
            "minutes",
        ],
        meeting_rows,
    )
    copy(
        "org_mandate",
        [
            "body_id",
            "office",
            "member_id",
            "filled_by",
            "starts_on",
            "expires_on",
            "ended_on",
            "end_reason",
            "suspended",
        ],
        [(*r, False) for r in mandate_rows],
    )
    say(
        f"  {len(meeting_rows)} meetings, {len(mandate_rows)} mandates ({time.perf_counter() - t0:.1f}s)"
    )

    # The viewer: a Central Committee member (sees everything, with names).
    cc = Body.objects.get(kind="central_committee", unit=top)
    viewer = by_branch[branches[0][0]][0]
    copy(
        "org_mandate",
        ["body_id", "office", "member_id", "filled_by", "starts_on", "end_reason", "suspended"],
        [(cc.pk, "", viewer, "elected", START, "", False)],
    )
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")  # as autovacuum would have, on a database that has lived
    return {
        "top": top,
        "region": regions[0],
        "viewer": viewer,
        "members": len(member_rows),
        "branches": branch_count,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--scale",
        type=float,
        default=0.02,
        help="1 = 1,000,000 members and 10,000 branches (default 0.02)",
    )
    p.add_argument("--runs", type=int, default=9)
    p.add_argument("--db", default=DB, help="PostgreSQL database to drop and create (your own)")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database a previous run generated",
    )
    args = p.parse_args()
    for cmd in (["dropdb", "--if-exists"], ["createdb"]) if not args.reuse else ():
        subprocess.run([*cmd, "-h", "127.0.0.1", "-U", "postgres", args.db], check=True)
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from charter.accounts.models import User
    from charter.dashboards.rollup import rebuild
    from charter.lib import clock
    from charter.members.models import Member

    def say(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    call_command("migrate", verbosity=0)
    if args.reuse:
        from charter.dashboards.models import Build, MonthlyCount
        from charter.org.models import Unit

        build = Build.objects.get()
        top = Unit.objects.get(parent=None)
        org = {
            "top": top,
            "region": Unit.objects.filter(parent=top).order_by("id").first(),
            "members": Member.objects.count(),
            "branches": Unit.objects.filter(level="branch").count(),
        }
        gen_s, rebuild_s, rows = 0.0, 0.0, MonthlyCount.objects.count()
        user = User.objects.get(username="bench")
        clock.set_frozen(NOW)
        say(f"Measuring again on {args.db} (table built {build.built_at:%Y-%m-%d %H:%M})")
    else:
        say(f"Generating (scale {args.scale})...")
        t0 = time.perf_counter()
        org = generate(args.scale, random.Random(2011), say)
        gen_s = time.perf_counter() - t0
        clock.set_frozen(NOW)
        t0 = time.perf_counter()
        rows = rebuild()
        rebuild_s = time.perf_counter() - t0
        say(f"  rebuilt the monthly table: {rows} rows in {rebuild_s:.1f}s")
        user = User.objects.create_user("bench", password="bench-password-long-1")
        Member.objects.filter(pk=org["viewer"]).update(user=user)
    from charter.testing.web import login_user

    client = login_user(Client(), user)  # past the second factor, as a CC member signs in

    def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
        fn()  # warm
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        return statistics.median(times)

    def page(url: str):  # type: ignore[no-untyped-def]
        def get() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def sql(query: str, params: list) -> object:  # type: ignore[type-arg]
        def run() -> None:
            with connection.cursor() as cur:
                cur.execute(query, params)
                cur.fetchall()

        return run

    region = org["region"]
    plain_org = "SELECT date_trunc('month', sc.\"on\"), sc.status_from, sc.status_to, COUNT(*) FROM members_statuschange sc GROUP BY 1, 2, 3"
    plain_region = (
        "SELECT date_trunc('month', sc.\"on\"), sc.status_from, sc.status_to, COUNT(*) FROM members_statuschange sc "
        "JOIN members_member m ON m.id = sc.member_id JOIN org_unit u ON u.id = m.branch_id WHERE u.path LIKE %s GROUP BY 1, 2, 3"
    )
    stored = "SELECT month, measure, n FROM dashboards_monthlycount WHERE unit_id = %s"
    results = [
        (
            "organization",
            median_ms(page("/dashboard/"), args.runs),
            median_ms(sql(plain_org, []), args.runs),
            median_ms(sql(stored, [org["top"].pk]), args.runs),
        ),
        (
            f"region ({Member.objects.within(region).count()} on its register)",
            median_ms(page(f"/dashboard/{region.pk}/"), args.runs),
            median_ms(sql(plain_region, [region.path + "%"]), args.runs),
            median_ms(sql(stored, [region.pk]), args.runs),
        ),
    ]
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM members_statuschange")
        changes = cur.fetchone()[0]
    print(
        f"{org['members']:,} members, {org['branches']:,} branches, {changes:,} status changes over five years "
        f"(generated in {gen_s:.0f}s; monthly table rebuilt in {rebuild_s:.1f}s, {rows:,} rows)"
    )
    print(
        f"{'dashboard':<40}{'page ms (median)':>18}{'plain SQL aggregate ms':>24}{'stored rows read ms':>21}  goal: page < 500 ms"
    )
    for name, page_ms, sql_ms, stored_ms in results:
        print(f"{name:<40}{page_ms:>18.1f}{sql_ms:>24.1f}{stored_ms:>21.1f}")
        figure(
            f"dashboard page, {name}, {org['members']:,} members, median",
            page_ms,
            "ms",
            f"the plain SQL aggregate: {sql_ms:.1f} ms; the stored monthly rows: {stored_ms:.1f} ms",
            "under 500 ms at 1,000,000 members",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
