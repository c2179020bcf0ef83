"""Benchmark: count a 1,000,000-ballot STV election with our Scottish STV.

Generates a fixed-seed profile (20 candidates in 5 parties, 5 seats, ballot
lengths 1-20, candidates of unequal popularity, voters favouring one party's
candidates), writes it as a BLT file with one line per ballot paper, parses it,
counts it on one core, and compares with pyrankvote's STV when that package is
importable. pyrankvote transfers surpluses its own way (floats, equal shares per
ballot), so it is a speed reference that should mostly, not always, agree.

    .venv/bin/python bench/bench_stv.py [--ballots N] [--peer-ballots N] [--seed S]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _figures import figure  # bench/ is on the path of a script run from it

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from charter.voting.counting.blt import Election, read_blt  # noqa: E402
from charter.voting.counting.scottish import count_scottish  # noqa: E402

CANDIDATES = 20
PARTIES = 5
SEATS = 5
# Share of ballots of each length 1..20: many short ballots, a long tail.
REPEAT = 3
LENGTH_WEIGHTS = [24, 15, 13, 11, 8, 6, 5, 4, 3, 2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.4, 0.3, 0.7]


def generate(ballots: int, seed: int) -> Counter[tuple[int, ...]]:
    """A Plackett-Luce profile with party loyalty, as a Counter of 0-based rankings."""
    rng = random.Random(seed)
    popularity = [rng.lognormvariate(0, 0.8) for _ in range(CANDIDATES)]
    party_of = [c % PARTIES for c in range(CANDIDATES)]
    party_share = [rng.uniform(0.5, 3.0) for _ in range(PARTIES)]
    # log-weights per favourite party: own party's candidates boosted
    logw = [
        [math.log(popularity[c] * (6.0 if party_of[c] == p else 1.0)) for c in range(CANDIDATES)]
        for p in range(PARTIES)
    ]
    parties = rng.choices(range(PARTIES), weights=party_share, k=ballots)
    lengths = rng.choices(range(1, CANDIDATES + 1), weights=LENGTH_WEIGHTS, k=ballots)
    rand, log, cands = rng.random, math.log, range(CANDIDATES)
    profile: Counter[tuple[int, ...]] = Counter()
    for p, length in zip(parties, lengths, strict=True):
        lw = logw[p]
        # Gumbel-max trick: sorting w + Gumbel noise samples a Plackett-Luce ranking
        keys = [lw[c] - log(-log(rand())) for c in cands]
        profile[tuple(sorted(cands, key=keys.__getitem__, reverse=True)[:length])] += 1
    return profile


def write_blt(profile: Counter[tuple[int, ...]], path: Path) -> None:
    """One line per ballot paper, as councils publish them."""
    with path.open("w", encoding="utf-8") as out:
        out.write(f"{CANDIDATES} {SEATS}\n")
        for prefs, times in profile.items():
            line = "1 " + " ".join(str(c + 1) for c in prefs) + " 0\n"
            out.write(line * times)
        out.write("0\n")
        for c in range(CANDIDATES):
            out.write(f'"Candidate {c + 1:02d}" "Party {c % PARTIES + 1}"\n')
        out.write('"Benchmark"\n')


def run_peer(election: Election) -> tuple[float, set[str]] | str:
    """Count with pyrankvote's STV; returns (seconds, winners) or why it could not."""
    try:
        import pyrankvote  # type: ignore[import-not-found]
        from pyrankvote import Ballot, Candidate  # type: ignore[import-not-found]
    except ImportError:
        return "pyrankvote not importable (pip install pyrankvote==2.0.6)"
    cands = [Candidate(name) for name in election.candidates]
    papers: list[Ballot] = []
    for weight, prefs in election.ballots:
        papers.extend([Ballot(ranked_candidates=[cands[c] for c in prefs])] * weight)
    start = time.perf_counter()
    result = pyrankvote.single_transferable_vote(cands, papers, number_of_seats=election.seats)
    seconds = time.perf_counter() - start
    return seconds, {c.name for c in result.get_winners()}


def load(ballots: int, seed: int) -> tuple[Election, float, float, int, int]:
    """Generate, write and parse a profile: (election, generate s, parse s, bytes, distinct)."""
    t0 = time.perf_counter()
    profile = generate(ballots, seed)
    t_gen = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.blt"
        write_blt(profile, path)
        size = path.stat().st_size
        t0 = time.perf_counter()
        election = read_blt(path)
        t_parse = time.perf_counter() - t0
    return election, t_gen, t_parse, size, len(profile)


def _peer_words(rows: list[tuple[str, ...]]) -> str:
    peer = [r for r in rows if r[0].startswith("pyrankvote")]
    if not peer or peer[0][2] == "-":
        return "pyrankvote: not run"
    ours = [r for r in rows if r[0].startswith("charter") and r[1] == peer[0][1]]
    mine = f" (ours on the same {peer[0][1]}: {ours[0][2]} s)" if ours else ""
    return f"pyrankvote 2.0.6 on {peer[0][1]} ballots: {peer[0][2]} s{mine}, same winners: {peer[0][4]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--ballots", type=int, default=1_000_000, help="ballots in our count (default 1,000,000)"
    )
    parser.add_argument(
        "--peer-ballots",
        type=int,
        default=None,
        help="give pyrankvote a smaller profile of this many ballots (same generator and seed)",
    )
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--no-peer", action="store_true", help="skip pyrankvote")
    args = parser.parse_args()

    election, t_gen, t_parse, size, distinct = load(args.ballots, args.seed)
    print(
        f"profile: {args.ballots:,} ballots ({distinct:,} distinct), {CANDIDATES} candidates, "
        f"{SEATS} seats, seed {args.seed}"
    )
    print(
        f"generated in {t_gen:.2f} s; BLT file of {size / 1e6:.1f} MB parsed and aggregated in "
        f"{t_parse:.2f} s (not part of the count time below)"
    )

    runs = []
    for _ in range(REPEAT):  # each run builds its own ballot tree from the parsed election
        t0 = time.perf_counter()
        sheet = count_scottish(election)
        runs.append(time.perf_counter() - t0)
    t_ours = min(runs)
    print(
        f"our count, {REPEAT} runs: "
        + ", ".join(f"{t:.3f}" for t in runs)
        + " s (best shown below)"
    )
    rows = [
        (
            "charter scottish-stv",
            f"{args.ballots:,}",
            f"{t_ours:.3f}",
            ", ".join(sorted(sheet.elected)),
            "",
        )
    ]

    if not args.no_peer:
        peer_election, ours_on_peer = election, set(sheet.elected)
        size_peer = args.ballots
        if args.peer_ballots is not None and args.peer_ballots != args.ballots:
            size_peer = args.peer_ballots
            peer_election = load(size_peer, args.seed)[0]
            t0 = time.perf_counter()
            small = count_scottish(peer_election)
            t_small = time.perf_counter() - t0
            ours_on_peer = set(small.elected)
            rows.append(
                (
                    "charter scottish-stv",
                    f"{size_peer:,}",
                    f"{t_small:.3f}",
                    ", ".join(sorted(small.elected)),
                    "",
                )
            )
        peer = run_peer(peer_election)
        if isinstance(peer, str):
            rows.append(("pyrankvote 2.0.6 stv", "-", "-", peer, ""))
        else:
            seconds, winners = peer
            rows.append(
                (
                    "pyrankvote 2.0.6 stv",
                    f"{size_peer:,}",
                    f"{seconds:.3f}",
                    ", ".join(sorted(winners)),
                    "yes" if winners == ours_on_peer else "NO",
                )
            )

    header = ("counter", "ballots", "count s", "elected (sorted)", "same winners as ours")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    figure(f"Scottish STV count, {args.ballots:,} ballots, 20 candidates, 5 seats", t_ours, "s", _peer_words(rows), "<= 1 s for 1,000,000 ballots")
    print(
        f"\nour count: {len(sheet.stages)} stages, quota {sheet.quota}, one core; "
        f"goal <= 1 s: {'met' if max(runs) <= 1.0 else 'NOT met'} (slowest run {max(runs):.3f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
