"""Benchmark: 900 participants checked in at the door through the web API, within minutes.

In a subprocess of its own (Django reads its settings once per process):

1. creates a fresh database (PostgreSQL ``charter_conf`` by default, or a SQLite file with
   ``--sqlite``), migrates it, and founds an organization through the actions: the founding
   rulebook, 3 regions of 3 branches, N founding members and a Central Committee of 15, dues paid;
2. the CC convenes a two-day National Conference at a meeting, and the N members register
   themselves through the action (not timed: the figure is the door);
3. times D doors (threads, each with its own Django test ``Client`` signed in as an organizer, so its
   own database connection) POSTing ``/api/conferences/{id}/check-ins`` for their share of the
   badges, in random order, with ``--rescans`` of the badges scanned a second time by another door:
   the whole request (session, organizer, the ``check_in`` action with its row lock, the judge, the
   record entry);
4. checks that every participant is checked in exactly once (rows, one record entry each), that
   every second scan answered 200 and wrote nothing, that no request failed, and that the record
   verifies.

The peer: the same N check-in rows written with one bare ``bulk_create`` (no request, no rule, no
record), to show what the writes alone cost.

    .venv/bin/python bench/bench_checkin.py [--participants 900] [--doors 4] [--rescans 0.1] [--sqlite]

Prints figures; never a pass/fail timing.
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

from _figures import figure  # noqa: E402  (bench/ is on the path of a script run from it)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD_ENV = "CHARTER_BENCH_CHECKIN_CHILD"
PG_URL = "postgres://postgres@127.0.0.1:5432"
PG_DB = "charter_conf"
FOUNDED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 7)


def build(n: int) -> tuple[object, list[object]]:
    """The organization, through the actions: (the conference, its organizers)."""
    from django.db import transaction

    from charter.conferences import actions
    from charter.elections.actions import seat_founder
    from charter.lib import clock
    from charter.members.actions import enrol_founder, record_dues_payment
    from charter.members.models import Member
    from charter.org.actions import close_founding, create_unit, found_organization
    from charter.org.models import Body, Unit
    from charter.rulebook import judge as J
    from charter.rulebook.actions import install_founding_rulebook
    from charter.rulebook.enforce import Decision
    from charter.rulebook.spec import DATA_DIR
    from charter.testing.meetings import hold

    clock.set_frozen(FOUNDED)
    with transaction.atomic():
        install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8"))
        found_organization(name="Workers' Democratic Alliance", top_unit="WDA")
        top = Unit.objects.get(parent=None)
        branches = []
        for r in ("Sindh", "Punjab", "Balochistan"):
            region = create_unit(parent=top, level="region", name=r)
            area = create_unit(parent=region, level="area", name=f"{r} Area")
            branches += [
                create_unit(parent=area, level="branch", name=f"{r} Branch {i}")
                for i in range(1, 4)
            ]
        cc_people = [
            enrol_founder(
                name=f"CC Member {i}",
                branch=branches[0],
                email=f"cc{i}@example.org",
                phone="",
                language="en",
            )
            for i in range(15)
        ]
        for i in range(n):
            enrol_founder(
                name=f"Member {i:04d}",
                branch=branches[i % len(branches)],
                email="",
                phone="",
                language="en",
            )
        cc = Body.objects.get(kind="central_committee")
        for m in cc_people:
            seat_founder(m, body=cc)
        close_founding()
        for m in Member.objects.all():
            record_dues_payment(m, months=12, amount="1200", reference="bench")
    meeting = hold(cc, by=cc_people[0], present=cc_people)
    decision = Decision(by=cc_people[0], body=cc, meeting=meeting, votes=J.Votes(15, 0, 0))
    conference = actions.convene_conference(
        decision=decision,
        kind="conference",
        title="National Conference",
        starts_on=DAY,
        ends_on=DAY + dt.timedelta(days=1),
        organizers=cc_people[:4],
    )
    with transaction.atomic():
        for m in Member.objects.exclude(pk__in=[p.pk for p in cc_people]).order_by("pk"):
            actions.register_for_conference(conference, by=m, attributes={"sector": "Port"})
    return conference, cc_people[:4]


def door(
    url: str, organizer: object, badges: list[str], latencies: list[float], statuses: list[int]
) -> None:
    from django.db import connection
    from django.test import Client

    from charter.testing.web import login_user

    # Signed in past the second factor, as an organizer is after typing a code (check-in is an
    # organizer's act, and organizers' sessions need the second factor).
    client = login_user(Client(), organizer.user)  # type: ignore[attr-defined]
    try:
        for code in badges:
            t0 = time.perf_counter()
            response = client.post(url, {"code": code}, content_type="application/json")
            latencies.append(time.perf_counter() - t0)
            statuses.append(response.status_code)
    finally:
        connection.close()


def child(args: argparse.Namespace) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from charter.accounts.models import User
    from charter.conferences.models import CheckIn, Participant
    from charter.lib import clock
    from charter.members.models import Member
    from charter.record import log as record
    from charter.record.models import Entry

    call_command("migrate", verbosity=0, interactive=False)
    t0 = time.perf_counter()
    conference, organizers = build(args.participants)
    setup_s = time.perf_counter() - t0
    for m in organizers:
        user = User.objects.create_user(f"door{m.pk}", password=None)  # type: ignore[attr-defined]
        Member.objects.filter(pk=m.pk).update(user=user)  # type: ignore[attr-defined]
        m.user = user  # type: ignore[attr-defined]
    codes = list(Participant.objects.filter(conference=conference).values_list("code", flat=True))
    rng = random.Random(2026)
    rng.shuffle(codes)
    rescans = rng.sample(codes, int(len(codes) * args.rescans))
    shares = [codes[i :: args.doors] for i in range(args.doors)]
    for code in rescans:  # a badge scanned again, at another door, later in its queue
        shares[(codes.index(code) + 1) % args.doors].append(code)
    clock.set_frozen(dt.datetime.combine(DAY, dt.time(8, 0), tzinfo=dt.UTC))
    url = f"/api/conferences/{conference.pk}/check-ins"  # type: ignore[attr-defined]
    latencies: list[list[float]] = [[] for _ in shares]
    statuses: list[list[int]] = [[] for _ in shares]
    threads = [
        threading.Thread(
            target=door,
            args=(url, organizers[i % len(organizers)], shares[i], latencies[i], statuses[i]),
        )
        for i in range(len(shares))
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    all_lat = sorted(x for part in latencies for x in part)
    all_status = [s for part in statuses for s in part]
    rows = CheckIn.objects.filter(participant__conference=conference, day=DAY)
    entries = Entry.objects.filter(act="check_in_participant", outcome="done").count()
    try:
        record.verify()
        verified = True
    except Exception:  # noqa: BLE001 - reported as a figure
        verified = False
    # The peer: the same rows, bare.
    from django.db import transaction

    by = organizers[0]
    people = list(Participant.objects.filter(conference=conference))
    with transaction.atomic():
        CheckIn.objects.filter(
            participant__conference=conference, day=DAY + dt.timedelta(days=1)
        ).delete()
        t1 = time.perf_counter()
        CheckIn.objects.bulk_create(
            [
                CheckIn(
                    participant=p, day=DAY + dt.timedelta(days=1), checked_in_at=clock.now(), by=by
                )
                for p in people
            ]
        )
        bare_s = time.perf_counter() - t1
        transaction.set_rollback(True)

    def pct(q: float) -> float:
        return all_lat[min(len(all_lat) - 1, int(q * len(all_lat)))] * 1000 if all_lat else 0.0

    return {
        "participants": len(codes),
        "doors": args.doors,
        "requests": len(all_status),
        "rescans": len(rescans),
        "seconds": seconds,
        "setup_s": setup_s,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "max_ms": all_lat[-1] * 1000 if all_lat else 0.0,
        "created_201": all_status.count(201),
        "again_200": all_status.count(200),
        "server_errors": sum(1 for s in all_status if s >= 500),
        "other_errors": sum(1 for s in all_status if 400 <= s < 500),
        "rows": rows.count(),
        "distinct": rows.values("participant").distinct().count(),
        "entries": entries,
        "verified": verified,
        "bare_s": bare_s,
        "database": "sqlite" if args.sqlite else "postgresql",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=900)
    parser.add_argument(
        "--doors", type=int, default=4, help="organizers scanning at once (threads)"
    )
    parser.add_argument(
        "--rescans", type=float, default=0.1, help="share of badges scanned a second time"
    )
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    parser.add_argument("--pg-url", default=PG_URL)
    args = parser.parse_args()
    if os.environ.get(CHILD_ENV):
        print(json.dumps(child(args)))
        return
    env = dict(os.environ, **{CHILD_ENV: "1"})
    if args.sqlite:
        path = Path("/tmp/charter-bench-checkin.sqlite3")
        path.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        subprocess.run(
            ["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", PG_DB], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
        env["DATABASE_URL"] = f"{args.pg_url}/{PG_DB}"
    out = subprocess.run(
        [sys.executable, __file__, *sys.argv[1:]], env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    lost = r["participants"] - r["distinct"]
    print(
        f"Check-in at the door ({r['database']}): {r['participants']} participants, {r['doors']} doors, {r['rescans']} badges scanned twice"
    )
    print(
        f"  setup (founding, {r['participants']} members, convening, registration through the actions): {r['setup_s']:.1f} s, not timed"
    )
    print(
        f"  {r['requests']} requests in {r['seconds']:.1f} s ({r['requests'] / r['seconds']:.0f}/s); latency p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, max {r['max_ms']:.0f} ms"
    )
    print(
        f"  checked in: {r['distinct']} of {r['participants']} ({lost} lost); rows {r['rows']}, record entries {r['entries']}; first scans 201: {r['created_201']}, second scans 200: {r['again_200']}"
    )
    print(
        f"  server errors: {r['server_errors']}; other refusals: {r['other_errors']}; record verifies: {r['verified']}"
    )
    print(
        f"  goal: {r['participants']} check-ins within 10 minutes, 0 lost, 0 server errors -> {'met' if r['seconds'] < 600 and lost == 0 and r['server_errors'] == 0 else 'NOT met'}"
    )
    print(
        f"  peer: the same {r['participants']} rows by one bare bulk_create (no request, rule or record): {r['bare_s'] * 1000:.0f} ms"
    )
    size = f"{r['participants']:,} participants, {r['doors']} doors, {r['database']}"
    figure(
        f"check-ins through the web, {size}",
        r["seconds"],
        "s",
        f"the same rows by one bare bulk_create: {r['bare_s'] * 1000:.0f} ms",
        "900 within 10 minutes",
    )
    figure(f"check-ins lost, {size}", lost, "lost", f"server errors: {r['server_errors']}", "0 lost, 0 server errors")
    figure(f"check-in latency p95, {size}", r["p95_ms"], "ms", f"p50 {r['p50_ms']:.0f} ms", "")


if __name__ == "__main__":
    main()
