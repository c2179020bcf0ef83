"""The ``charter`` command: serve, demo, import, rules, record, count, check, backup, restore, and
Django's own commands.

Commands that need no database (``rules check``, ``count``) do not start Django.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "charter.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def _migrate() -> None:
    from django.conf import settings

    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    _manage("migrate", "--verbosity", "0")


def _start_worker(interval: float = 5.0) -> None:
    """While the server runs: deliver queued notices and sign a checkpoint of the record when it has
    grown (production runs the same loop as `charter worker`, in its own process)."""
    import threading

    threading.Thread(target=_work, args=(interval, None), name="charter-worker", daemon=True).start()


def _work(interval: float, rounds: int | None) -> None:
    import logging
    import time

    from django.db import close_old_connections

    from charter.discipline.actions import check_deadlines
    from charter.initiatives.fulfilment import check_initiative_deadlines
    from charter.money.tasks import check_dues
    from charter.notices.tasks import deliver_due
    from charter.progress.background import run_queued
    from charter.record.checkpoints import sign_if_due

    done = 0
    while rounds is None or done < rounds:
        for name, job in (("notices", deliver_due), ("record", sign_if_due), ("deadlines", check_deadlines), ("initiatives", check_initiative_deadlines), ("dues", check_dues), ("operations", run_queued)):
            try:
                job()
            except Exception:  # noqa: BLE001 - keep going; what was not done stays to do
                logging.getLogger(f"charter.{name}").exception("background work failed; will retry")
            finally:
                if rounds is None:  # a long-running worker drops stale connections; one round keeps its own
                    close_old_connections()
        done += 1
        if rounds is None or done < rounds:
            time.sleep(interval)


def cmd_worker(ns: argparse.Namespace) -> int:
    _django()
    from charter.progress.track import echo_to

    echo_to(sys.stderr)  # the operations it runs (an import, a count, a report) draw their bar in a terminal
    _work(ns.interval, 1 if ns.once else None)
    return 0


def cmd_serve(ns: argparse.Namespace) -> int:
    """Serve over ASGI with uvicorn (decision 0009): thousands of open connections (live screens)
    cost a coroutine each, not a thread. With ``--workers N`` N processes share the port; the
    background worker runs once, in this process."""
    # Each process keeps a small pool of PostgreSQL connections (ignored on SQLite).
    os.environ.setdefault("DB_POOL", str(max(4, 16 // max(1, ns.workers))))
    _django()
    _migrate()
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", "--verbosity", "0")
    if not getattr(ns, "no_worker", False):
        _start_worker()

    import uvicorn

    options = {
        "host": ns.host, "port": ns.port, "workers": ns.workers, "lifespan": "off",
        "log_level": os.environ.get("LOG_LEVEL", "warning").lower(), "access_log": getattr(ns, "access_log", False),
        "backlog": 4096, "timeout_graceful_shutdown": 3, "timeout_keep_alive": 30,
    }
    if ns.workers > 1:
        from charter.ops import serving

        if serving.REUSE_PORT:
            print(f"Serving on http://{ns.host}:{ns.port}/ ({ns.workers} processes, a listening socket each); Ctrl-C stops.", file=sys.stderr, flush=True)
            serving.run_workers(uvicorn.Config("charter.asgi:application", **options))
            return 0
    print(f"Serving on http://{ns.host}:{ns.port}/ ({ns.workers} process{'es' if ns.workers > 1 else ''}); Ctrl-C stops.", file=sys.stderr, flush=True)
    uvicorn.run("charter.asgi:application", **options)
    return 0


def cmd_demo(ns: argparse.Namespace) -> int:
    _django()
    _migrate()
    from charter import demo
    from charter.org.models import Organization

    if Organization.objects.exists():
        print("The database already holds an organization; the demo loads only into an empty one.", file=sys.stderr)
        print("Remove var/ (or point DATABASE_URL at an empty database) to load it again.", file=sys.stderr)
        if ns.load_only:
            return 1
    else:
        summary = demo.load(progress=lambda msg: print(msg, file=sys.stderr))
        print(f"Loaded the demo: {summary['members']} members in {summary['branches']} branches, {summary['entries']} record entries.")
    _print_cast()
    if ns.load_only:
        return 0
    return cmd_serve(argparse.Namespace(host="127.0.0.1", port=ns.port, workers=1, no_worker=False, access_log=False))


def _print_cast() -> None:
    from charter.accounts.models import User

    print("\nSign in at http://127.0.0.1:8000/ as (password: charter-demo):")
    from charter.accounts.twofactor import needs_two_factor
    from charter.demo import CAST

    officers = False
    for username, role, _who in CAST:
        user = User.objects.filter(username=username).select_related("member").first()
        if user is not None:
            who = getattr(getattr(user, "member", None), "name", "")
            second = needs_two_factor(user)
            officers = officers or second
            print(f"  {username:<12} {role} ({who}){'  *' if second else ''}")
    if officers:
        print("* decides, chairs or administers: after the password, Charter shows a QR code to scan with an")
        print("  authenticator app (or a key to type in), then asks for the app's six-digit code (README).")


def cmd_import(ns: argparse.Namespace, rest: Sequence[str]) -> int:
    _django()
    _migrate()
    from charter.members import importing

    return int(importing.main(list(rest)))


def cmd_rules(ns: argparse.Namespace) -> int:
    from charter.rulebook import explain, spec

    if ns.rules_cmd == "check":
        try:
            rb = spec.load(ns.file)
        except spec.RulebookError as exc:
            for problem in exc.problems:
                where = f"{ns.file}:{problem.line}" if problem.line else ns.file
                print(f"{where}: {problem.path or '(top)'}: {problem.message}", file=sys.stderr)
            print(f"{len(exc.problems)} problem(s); the rulebook was not accepted.", file=sys.stderr)
            return 1
        print(f"{ns.file}: OK")
        print(explain.summary(rb))
        return 0
    rb = _rulebook_for_explain(ns.rulebook)
    try:
        print(explain.explain(rb, ns.act))
    except KeyError as exc:
        print(str(exc.args[0] if exc.args else exc), file=sys.stderr)
        return 1
    return 0


def _rulebook_for_explain(path: str | None):  # type: ignore[no-untyped-def]
    from charter.rulebook import spec

    if path:
        return spec.load(path)
    try:
        _django()
        from charter.lib import clock
        from charter.rulebook.store import rulebook_on

        return rulebook_on(clock.today())
    except Exception:  # noqa: BLE001 - no database yet: fall back to the bundled rulebook
        return spec.bundled()


def cmd_record(ns: argparse.Namespace) -> int:
    if ns.record_cmd == "mirror":  # a member's own copy: needs no Django and no database
        from charter.record import mirror

        return mirror.main(ns)
    _django()
    from charter.record import log

    if ns.record_cmd == "keygen":
        from django.conf import settings

        from charter.lib.checkpoint import generate_signer

        private, public = generate_signer(settings.RECORD_ORIGIN)
        print(private)
        print(f"verifier key (publish it): {public}", file=sys.stderr)
        return 0
    if ns.record_cmd == "reconcile":
        from charter.record import reconcile

        return reconcile.main(ns)

    if ns.record_cmd == "verify":
        from tqdm import tqdm

        from charter.record.models import Entry

        total = Entry.objects.count()
        tqdm.monitor_interval = 0  # no monitor thread: verify forks its workers (record.sweep)
        with tqdm(total=total, unit="entry", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
            problem = log.verify(progress=bar.update)
        if problem is not None:
            print(f"INVALID: {problem}", file=sys.stderr)
            return 1
        from charter.record.models import LogState

        state = LogState.objects.filter(id=1).first()
        print(f"OK: {total} entries, root {state.root if state else 'empty'}")
        return 0
    return 2


def cmd_check(ns: argparse.Namespace) -> int:
    """Django's system checks as for a deployment (``check --deploy``, warnings fail too) with the
    settings of this environment, including the database's durability (charter/checks.py)."""
    _django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", "--deploy", "--fail-level", "WARNING", "--database", "default")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


def cmd_backup(ns: argparse.Namespace) -> int:
    _django()
    from charter.ops.backup import BackupError, backup

    try:
        out = backup(ns.file)
    except BackupError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"OK: {out.path} ({out.path.stat().st_size:,} bytes); the record at {out.entries} entries, root {out.root or 'empty'}")
    print("Keep the record's signing key too (RECORD_SIGNING_KEY or its file): it is not in the database.", file=sys.stderr)
    return 0


def cmd_restore(ns: argparse.Namespace) -> int:
    _django()
    from charter.ops.backup import BackupError, restore

    try:
        out = restore(ns.file)
    except BackupError as exc:
        print(f"restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"OK: restored {out.path}; the record verifies: {out.entries} entries, root {out.root or 'empty'}")
    return 0


def cmd_count(rest: Sequence[str]) -> int:
    from charter.voting.counting import cli

    return int(cli.main(list(rest)))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["count"]:
        return cmd_count(argv[1:])
    if argv[:2] == ["import", "members"]:
        return cmd_import(argparse.Namespace(), argv[2:])
    if argv[:1] == ["manage"]:
        _django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["charter manage", *argv[1:]])
        return 0
    parser = argparse.ArgumentParser(prog="charter", description="Charter: run an organization under its own rules.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve", help="serve the configured database on http://HOST:PORT")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--workers", type=int, default=1, help="server processes (default 1; about one per core)")
    p.add_argument("--access-log", action="store_true", help="log every request")
    p.add_argument("--no-worker", action="store_true", help="do not deliver notices from this process")
    p = sub.add_parser("demo", help="load the demo organization (into an empty database) and serve it")
    p.add_argument("--load-only", action="store_true", help="load and exit")
    p.add_argument("--port", type=int, default=8000)
    sub.add_parser("migrate", help="create or upgrade the database tables")
    p = sub.add_parser("worker", help="deliver notices, sign record checkpoints and run long operations started from pages (when `serve --no-worker`)")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between rounds (default 5)")
    p.add_argument("--once", action="store_true", help="one round, then exit")
    sub.add_parser("import", help="import members FILE.csv [--skip-bad-rows]")
    p = sub.add_parser("rules", help="check or explain a rulebook")
    rs = p.add_subparsers(dest="rules_cmd", required=True)
    c = rs.add_parser("check", help="validate a rulebook file; each problem with its line")
    c.add_argument("file")
    e = rs.add_parser("explain", help="who may do ACT and under what conditions")
    e.add_argument("act")
    e.add_argument("--rulebook", help="a rulebook file (default: the one in force)")
    p = sub.add_parser("record", help="the public record")
    rc = p.add_subparsers(dest="record_cmd", required=True)
    rc.add_parser("verify", help="recompute every hash and the root from the stored entries")
    m = rc.add_parser("mirror", help="keep a verified copy of a Charter server's public log")
    m.add_argument("url", help="the server's address, e.g. https://charter.example.org")
    m.add_argument("--dir", default="charter-mirror", help="where the copy is kept (default: ./charter-mirror)")
    m.add_argument("--key", help="the log's verifier key (or a file holding it); default: trust the key seen first")
    m.add_argument("--peer", action="append", default=[], help="another mirror's folder or checkpoint URL to compare with (repeatable)")
    m.add_argument("--watch", type=float, metavar="SECONDS", help="keep going, checking every SECONDS")
    rc.add_parser("reconcile", help="find acts without their record entry and entries without their act")
    rc.add_parser("keygen", help="print a new signing key for RECORD_SIGNING_KEY (named after RECORD_ORIGIN)")
    sub.add_parser("count", help="count a BLT file: count --method M [--seats N] FILE.blt [--json]")
    sub.add_parser("manage", help="run a Django management command")
    sub.add_parser("check", help="the deployment checks (settings, security, PostgreSQL's durability); warnings fail")
    p = sub.add_parser("backup", help="a consistent copy of the database into FILE (pg_dump; SQLite's backup)")
    p.add_argument("file", type=Path)
    p = sub.add_parser("restore", help="restore FILE into the configured database, which must be empty; verifies the record")
    p.add_argument("file", type=Path)
    ns = parser.parse_args(argv)
    if ns.cmd == "check":
        return cmd_check(ns)
    if ns.cmd == "backup":
        return cmd_backup(ns)
    if ns.cmd == "restore":
        return cmd_restore(ns)
    if ns.cmd == "serve":
        return cmd_serve(ns)
    if ns.cmd == "demo":
        return cmd_demo(ns)
    if ns.cmd == "worker":
        return cmd_worker(ns)
    if ns.cmd == "migrate":
        _django()
        _migrate()
        return 0
    if ns.cmd == "rules":
        return cmd_rules(ns)
    if ns.cmd == "record":
        return cmd_record(ns)
    if ns.cmd == "import":
        parser.error("usage: charter import members FILE.csv [--skip-bad-rows]")
    return 2


if __name__ == "__main__":
    sys.exit(main())
