"""Bad input never becomes a server error: Schemathesis over the whole OpenAPI schema
(/api/openapi.json), signed in, against the real server (``charter serve``) on a loopback port.

1. builds the documented cast (``charter.testing.cast``, through the actions) in a fresh SQLite
   file under /tmp/charter-fuzz-PID/, with a poll and an initiative so that some ids exist,
   and gives one person of the cast (default: rashid, the Regional Secretary, who may act the
   most) a sign-in and a signed-in session;
2. starts ``charter serve`` on a free loopback port;
3. runs ``schemathesis run`` on the schema with every check (server errors, status codes and
   responses off their schema, invalid input accepted, valid input refused, ...), at least
   ``--examples`` (100) cases per operation, signed in with the session cookie and the CSRF
   header, the phases examples, coverage and fuzzing (and stateful with ``--stateful``);
4. prints what it found, grouped by check and operation, and FIGURE lines; exits 1 if anything.

    .venv/bin/python bench/fuzz_api.py [--examples 100] [--as rashid] [--seed 2026] [--stateful] [--only REGEX]
    make fuzz [EXAMPLES=N]

The whole report and the reproductions: /tmp/charter-fuzz-PID/ (printed at the end).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _figures import figure  # noqa: E402

WORK = Path(
    f"/tmp/charter-fuzz-{os.getpid()}"
)  # one folder per run: two runs never share a database
CSRF = "fuzzcsrftokenfuzzcsrftoken012345"

SETUP = r"""
import datetime as dt, json, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
call_command("migrate", verbosity=0)
from charter.accounts.models import User
from charter.initiatives.actions import start_initiative
from charter.lib import clock
from charter.members.models import Member
from charter.testing.cast import build
from charter.voting.actions import create_poll, open_poll

cast = build()
clock.set_frozen(None)
who = cast.people[sys.argv[1]]
poll = open_poll(create_poll(cast.body("branch_meeting", cast.karachi), by=cast.people["bilal"], title="Q", method="yes_no", mode="named"), by=cast.people["bilal"])
start_initiative(by=cast.people["alice"], kind="investigation", title="Investigate", text="How?")
user = User.objects.create_user(f"fuzz{who.pk}", password=None)
Member.objects.filter(pk=who.pk).update(user=user)  # identity, not an act of the organization
# An officer reaches the API only past the second factor: the session holds a verified device.
from django_otp import DEVICE_ID_SESSION_KEY
from charter.accounts.twofactor import enrolled_for_tests
device = enrolled_for_tests(user)
store = SessionStore()
store.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0], HASH_SESSION_KEY: user.get_session_auth_hash(), DEVICE_ID_SESSION_KEY: device.persistent_id})
store.set_expiry(dt.timedelta(days=2))
store.create()
print("SESSION " + store.session_key, flush=True)
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--examples", type=int, default=100, help="cases per operation and phase (default 100)"
    )
    p.add_argument(
        "--as",
        dest="person",
        default="rashid",
        help="the person of the cast signed in (default rashid)",
    )
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument(
        "--stateful", action="store_true", help="also the stateful phase (links between operations)"
    )
    p.add_argument(
        "--max-time",
        type=int,
        default=0,
        help="a time budget in seconds for the whole run (default none)",
    )
    p.add_argument(
        "--only",
        default="",
        help="a regular expression: fuzz only the operations whose path matches (e.g. ^/api/dashboard)",
    )
    args = p.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    from charter.testing.serving import Server, env_for

    env = env_for(f"sqlite:///{WORK / 'charter.sqlite3'}", WORK)
    env["SERVE_CONCURRENCY"] = "4"
    t0 = time.monotonic()
    built = subprocess.run(
        [sys.executable, "-c", SETUP, args.person],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        print(built.stderr, file=sys.stderr)
        return 2
    session = next(line for line in built.stdout.splitlines() if line.startswith("SESSION "))[8:]
    print(
        f"built the cast, a poll, an initiative, and a session for {args.person} in {time.monotonic() - t0:.1f} s",
        flush=True,
    )

    server = Server(env, WORK, workers=1)
    server.start()
    phases = "examples,coverage,fuzzing" + (",stateful" if args.stateful else "")
    cmd = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{server.base}/api/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(args.examples),
        "--seed",
        str(args.seed),
        "--phases",
        phases,
        "--workers",
        "1",
        "--continue-on-failure",
        "--no-shrink",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "all",
        "--exclude-checks",
        "ignored_auth",
        "-H",
        f"Cookie: sessionid={session}; csrftoken={CSRF}",
        "-H",
        f"X-CSRFToken: {CSRF}",
        "--report",
        "ndjson,pytest",
        "--report-dir",
        str(WORK),
    ]
    if args.max_time:
        cmd += ["--max-time", str(args.max_time)]
    if args.only:
        cmd += ["--include-path-regex", args.only]
    t0 = time.monotonic()
    try:
        run = subprocess.run(
            cmd,
            cwd=WORK,
            env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
            capture_output=True,
            text=True,
        )
    finally:
        server.stop()
    took = time.monotonic() - t0
    (WORK / "schemathesis.txt").write_text(run.stdout + run.stderr)
    found = findings(run.stdout)
    print(run.stdout[-3000:])
    print(
        f"schemathesis exit {run.returncode} after {took:.0f} s; the whole output: {WORK / 'schemathesis.txt'}"
    )
    by_kind: dict[str, set[str]] = {}
    for kind, op in found:
        by_kind.setdefault(kind, set()).add(op)
    for kind, ops in sorted(by_kind.items()):
        print(f"{kind} ({len(ops)} operations): {', '.join(sorted(ops))}")
    errors = len(by_kind.get("Server error", set()))
    accepted = len(by_kind.get("Schema-violating request accepted", set()))
    off = len(set().union(*(ops for kind, ops in by_kind.items() if kind in OFF_SCHEMA)))
    refused = len(by_kind.get("Schema-valid request rejected", set()))
    others = sorted(
        k
        for k in by_kind
        if k
        not in {
            "Server error",
            "Schema-violating request accepted",
            "Schema-valid request rejected",
            *OFF_SCHEMA,
        }
    )
    size = f"{args.examples} examples per operation, signed in as {args.person}"
    figure(
        f"API fuzzing (Schemathesis, {size}): operations with server errors",
        errors,
        "operations",
        f"of {operations(run.stdout)}",
        "0",
    )
    figure(
        f"API fuzzing ({size}): operations accepting invalid input", accepted, "operations", "", "0"
    )
    figure(
        f"API fuzzing ({size}): operations answering off their schema",
        off,
        "operations",
        f"other findings: {', '.join(others) or 'none'}",
        "0",
    )
    figure(
        f"API fuzzing ({size}): operations refusing some schema-valid input",
        refused,
        "operations",
        "the rules' own refusals (400/403/409): not faults",
        "",
    )
    return 0 if errors == accepted == off == 0 and not others else 1


# What Schemathesis reports as a response off the documented schema.
OFF_SCHEMA = {
    "Undocumented status code",
    "Response violates schema",
    "Undocumented Content-Type",
    "Missing Content-Type header",
    "Malformed media type",
    "Undocumented HTTP method",
}
# The session cookie is sent as a header on every request (with the CSRF cookie it must match), so a
# case that "leaves out" the cookie is still signed in: such findings say nothing about the API.
ARTIFACT = re.compile(r"`sessionid` (at|in) cookie")


def findings(text: str) -> set[tuple[str, str]]:
    """(finding, "METHOD /path") pairs from Schemathesis's report, without the signed-in artifacts."""
    found: set[tuple[str, str]] = set()
    op, case_kinds, artifact = "", [], False

    def flush() -> None:
        if not artifact:
            found.update((k, op) for k in case_kinds)

    for line in text.splitlines():
        head = re.match(r"^_{3,} ([A-Z]+ \S+) _{3,}$", line)
        if (
            head
            or re.match(r"^\d+\. Test Case ID", line)
            or line.startswith("=")
            and "SUMMARY" in line
        ):
            flush()
            case_kinds, artifact = [], False
            if head:
                op = head.group(1)
            continue
        kind = re.match(r"^- (?:ST\d+ )?(.+?)\s*$", line)
        if kind and op:
            case_kinds.append(kind.group(1))
        if ARTIFACT.search(line):
            artifact = True
    flush()
    return found


def operations(text: str) -> str:
    m = re.search(r"(\d+) operations? (?:selected|tested)|Operations:\s+(\d+)", text)
    return f"{(m.group(1) or m.group(2))} operations" if m else "every operation"


if __name__ == "__main__":
    sys.exit(main())
