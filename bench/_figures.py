"""The figures convention: each bench prints, besides its own report, one line per figure

    FIGURE name | value | unit | anchor/peer | goal

that ``make bench`` (bench/run_all.py) collects into the table of docs/benchmarks.md. ``name``
says what was measured and at what size; ``anchor/peer`` is the figure it stands beside (a
peer's measurement, a bare baseline, or the standard it answers to); ``goal`` is the issue's goal,
or "" when it sets none. No field may hold a "|".
"""

from __future__ import annotations


def fmt(value: float | int | str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 100:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def figure(
    name: str, value: float | int | str, unit: str = "", peer: str = "", goal: str = ""
) -> None:
    fields = [name, fmt(value), unit, peer, goal]
    print("FIGURE " + " | ".join(f.replace("|", "/").strip() for f in fields), flush=True)


def parse(line: str) -> list[str] | None:
    if not line.startswith("FIGURE "):
        return None
    fields = [f.strip() for f in line[len("FIGURE ") :].split("|")]
    return (fields + [""] * 5)[:5]
