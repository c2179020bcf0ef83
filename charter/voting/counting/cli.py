"""Command line: ``count --method METHOD [--seats N] FILE.blt [--json] [--seed N]``.

``main`` takes the arguments after the word ``count`` (a leading ``count`` is
accepted and dropped too) and returns the exit status: 0 counted, 2 for a bad
command line or a file that cannot be read or parsed.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import METHODS, count
from .blt import BltError, read_blt

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``count``."""
    parser = argparse.ArgumentParser(
        prog="charter count",
        description="Count the ballots of a BLT file and print the count sheet.",
    )
    parser.add_argument("file", metavar="FILE.blt", help="the ballots, in BLT format")
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="scottish-stv",
        help="counting rule (default: scottish-stv)",
    )
    parser.add_argument("--seats", type=_positive, help="seats to fill, overriding the file's")
    parser.add_argument("--json", action="store_true", help="print the sheet as JSON")
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the lot that breaks remaining ties (default: 0)",
    )
    return parser


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run ``count`` with ``argv`` (default: sys.argv[1:]); returns the exit status."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if args_in[:1] == ["count"]:
        args_in = args_in[1:]
    parser = build_parser()
    args = parser.parse_args(args_in)
    if args.method == "irv" and args.seats not in (None, 1):
        parser.error("argument --seats: instant-runoff fills exactly one seat")
    try:
        election = read_blt(args.file)
    except BltError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{args.file}: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 2
    result = count(args.method, election, args.seats, args.seed)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(result.to_text())
    return 0
