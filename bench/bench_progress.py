"""Benchmark: what following a long operation costs the operation (decision 0018).

On SQLite, in a fresh database under /tmp/charter-bench-progress/: a loop of N items (1,000,000 by
default) calls ``Tracker.advance()`` per item, the row written at most once a second, against the
same loop bare (the peer). Then the polled fragment (``/operations/ID/``) rendered R times by the
test client, signed in as the operation's starter: what a page polling every two seconds costs
the server per request.

    .venv/bin/python bench/bench_progress.py [--items N] [--polls R]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
WORK = Path("/tmp/charter-bench-progress")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--polls", type=int, default=500)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from _figures import figure
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from charter.accounts.models import User
    from charter.progress import background
    from charter.progress.track import Tracker

    n = args.items
    started = time.perf_counter()
    done = 0
    for _i in range(n):
        done += 1
    bare = time.perf_counter() - started

    op = background.record("bench", total=n)
    tracker = Tracker(op)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        tracker.start(total=n)
        for _i in range(n):
            tracker.advance()
        tracker.finish()
        tracked = time.perf_counter() - started
    writes = sum(1 for q in ctx.captured_queries if q["sql"].startswith("UPDATE"))
    per_item = (tracked - bare) / n * 1e9
    print(f"{n:,} items: bare {bare:.3f} s, with the tracker {tracked:.3f} s ({writes} row writes)")
    figure(f"tracker cost per item ({n:,} items, row written once a second)", per_item, "ns", f"bare loop: {bare / n * 1e9:.0f} ns per item")
    figure(f"row writes for {n:,} items", writes, "writes", f"{tracked:.1f} s of work: at most one a second, plus start and end")

    user = User.objects.create_user("bench")
    running = background.record("bench", by=user, total=1000)
    Tracker(running).start(total=1000)
    client = Client()
    client.force_login(user)
    url = f"/operations/{running.pk}/"
    assert client.get(url).status_code == 200
    started = time.perf_counter()
    for _i in range(args.polls):
        client.get(url)
    per_poll = (time.perf_counter() - started) / args.polls * 1000
    print(f"{args.polls} polls of the fragment: {per_poll:.2f} ms each")
    figure("the progress fragment, one poll", per_poll, "ms", f"a page polls it every 2 s: one core serves ~{int(2000 / per_poll)} watchers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
