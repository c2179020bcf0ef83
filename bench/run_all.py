"""``make bench``: run every benchmark (bench/bench_*.py, and the fuzzing of the API and of the
pages' forms), each at a quick size (``--full``: the issue's size), collect the FIGURE lines they
print (bench/_figures.py) and write one table of figures to docs/benchmarks.md, each beside its
anchor or peer.

    .venv/bin/python bench/run_all.py [--full] [--only NAME ...] [--out docs/benchmarks.md]

Each bench's whole output goes to /tmp/charter-bench-logs/NAME.log. A bench that fails or prints no
figure is listed as such; the others still run. A bench not listed in SIZES runs with its defaults.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _figures import parse  # noqa: E402

LOGS = Path("/tmp/charter-bench-logs")

# name: (quick arguments, full arguments: the size, usually the bench's own defaults)
SIZES: dict[str, tuple[list[str], list[str]]] = {
    "bench_checkin": ([], []),
    "bench_dashboard": ([], ["--scale", "1"]),
    "bench_duplicate_votes": ([], ["--submissions", "100"]),
    "bench_hall": (["--participants", "300"], []),
    "bench_import": (["--rows", "20000", "--branches", "200"], []),
    "bench_initiative": (["--members", "2000", "--branches", "10"], []),
    "bench_mixed_load": ([], ["--members", "2000"]),
    "bench_notices": (["--members", "20000"], []),
    "bench_pages": (["--members", "20000", "--region", "3000", "--runs", "5"], []),
    "bench_questions": (["--questions", "300", "--seconds", "20"], []),
    "bench_record": (["--entries", "20000", "--appends", "4000"], []),
    "bench_statement": ([], ["--rows", "100000"]),
    "bench_stv": ([], []),  # the size takes under a minute
    "bench_vote_load": ([], []),  # the size (2,000 voters and connections) takes about a minute
    "fuzz_api": (["--examples", "20"], ["--examples", "100"]),
    "fuzz_forms": (["--posts", "10"], []),
}


def run(name: str, full: bool) -> tuple[list[list[str]], str, float]:
    quick, whole = SIZES.get(name, ([], []))
    args = whole if full else quick
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{name}.log"
    print(f"== {name} {' '.join(args)}", flush=True)
    t0 = time.monotonic()
    figures: list[list[str]] = []
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / f"{name}.py"), *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            out.write(line)
            print("   " + line, end="", flush=True)
            if (fields := parse(line.rstrip("\n"))) is not None:
                figures.append(fields)
        code = proc.wait()
    status = "ok" if code == 0 and figures else (f"failed (exit {code})" if code else "printed no figure")
    return figures, f"{status}: {' '.join(args) or '(defaults)'}", time.monotonic() - t0


def table(rows: list[tuple[str, list[str]]]) -> str:
    head = "| Bench | Figure | Value | Unit | Anchor / peer | Goal |\n| --- | --- | ---: | --- | --- | --- |\n"
    return head + "".join(f"| {bench} | {f[0]} | {f[1]} | {f[2]} | {f[3]} | {f[4]} |\n" for bench, f in rows)


def kept(text: str, names: set[str]) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """The rows and run lines of an earlier table for the benches not run now."""
    rows, runs = [], []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| bench_") or line.startswith("| fuzz_"):
            if cells[0] not in names and len(cells) == 6:
                rows.append((cells[0], cells[1:]))
        elif line.startswith("- `") and line[3 : line.index("`", 3)] not in names:
            runs.append(line)
    return rows, runs


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--full", action="store_true", help="the issue's sizes (hours in all), not the quick ones")
    p.add_argument("--only", nargs="*", help="bench names (e.g. bench_stv)")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = p.parse_args()
    names = [*sorted(f.stem for f in (ROOT / "bench").glob("bench_*.py")), "fuzz_api", "fuzz_forms"]
    if args.only:
        names = [n for n in names if n in args.only or n.removeprefix("bench_") in args.only]
    rows: list[tuple[str, list[str]]] = []
    runs: list[str] = []
    if args.only and args.out.exists():  # a partial run keeps the other benches' figures and runs
        rows, runs = kept(args.out.read_text(encoding="utf-8"), set(names))
    for name in names:
        figures, status, seconds = run(name, args.full)
        rows += [(name, f) for f in figures]
        runs.append(f"- `{name}`: {status}, {seconds:.0f} s ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)")
    rows.sort(key=lambda r: r[0])
    runs.sort()
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    text = (
        "# Benchmarks\n\n"
        "Written by `make bench` (bench/run_all.py): every bench of bench/, each figure beside its anchor\n"
        "or peer. A bench prints `FIGURE name | value | unit | anchor/peer | goal` lines (bench/_figures.py);\n"
        "the table collects them. Figures, never pass/fail timings; the machine is shared, so read them\n"
        "with the load beside them. `make bench FULL=1` runs the issues' sizes.\n\n"
        f"Run: {when}, {'full' if args.full else 'quick'} sizes, {os.cpu_count()} cores, load average "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end.\n\n"
        + table(rows)
        + "\n## The runs\n\n" + "\n".join(runs) + "\n\nEach bench's whole output: /tmp/charter-bench-logs/NAME.log.\n"
    )
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(rows)} figures from {len(names)} benches)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
