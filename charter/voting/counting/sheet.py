"""The result of a count: a stage-by-stage sheet, its JSON form and a plain-text table."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["Action", "Stage", "TieBreak", "CountSheet", "units"]


def units(value: int, places: int) -> Decimal:
    """An integer count of 1/10**places as an exact Decimal with that many places."""
    return Decimal(value).scaleb(-places)


@dataclass
class Action:
    """What a stage did: count first preferences, transfer a surplus, or exclude."""

    kind: str  # "first" | "surplus" | "exclusion"
    candidates: list[str] = field(default_factory=list)
    amount: Decimal | None = None  # the surplus, or the excluded candidates' votes


@dataclass
class Stage:
    """The position at the end of one stage of the count."""

    number: int
    action: Action
    totals: dict[str, Decimal]
    non_transferable: Decimal  # cumulative; earlier stages' rounding losses folded in
    rounding_loss: Decimal  # this stage's own loss from truncating transfer values
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    quota: Decimal | None = None  # set only by methods whose quota moves (Meek)


@dataclass
class TieBreak:
    """How one tie was broken."""

    stage: int  # the stage at whose end the decision was taken
    purpose: str  # "surplus" | "exclusion" | "last seats"
    tied: list[str]
    chosen: str
    method: str  # "earlier stage" | "lot"
    earlier_stage: int | None = None  # the stage that decided it, for "earlier stage"
    seed: int | None = None  # for "lot": the seed of random.Random
    draw: int | None = None  # for "lot": which draw from that generator (1-based)

    def describe(self) -> str:
        """One line for humans."""
        tied = ", ".join(self.tied)
        if self.method == "lot":
            how = f"by lot (random.Random({self.seed}), draw {self.draw})"
        else:
            how = f"by the totals at stage {self.earlier_stage}"
        where = f"stage {self.stage}: " if self.stage else ""
        return f"{where}{self.purpose} tie between {tied} broken {how}: {self.chosen}"


@dataclass
class CountSheet:
    """A whole count. Values are Decimals with ``places`` decimal places."""

    method: str
    seats: int
    valid: Decimal
    quota: Decimal | None
    elected: list[str]
    stages: list[Stage]
    places: int
    candidates: list[str] = field(default_factory=list)  # file order, withdrawn left out
    withdrawn: list[str] = field(default_factory=list)
    ties: list[TieBreak] = field(default_factory=list)
    title: str = ""

    def fmt(self, value: Decimal | None) -> str | None:
        """A value as a string with exactly ``places`` decimals."""
        return None if value is None else f"{value:.{self.places}f}"

    def to_json(self) -> dict[str, Any]:
        """The sheet as JSON-ready data (vote values as fixed-decimal strings)."""
        f = self.fmt
        return {
            "method": self.method,
            "seats": self.seats,
            "valid": f(self.valid),
            "quota": f(self.quota),
            "elected": list(self.elected),
            "stages": [
                {
                    "number": s.number,
                    "action": {"kind": s.action.kind, "candidates": list(s.action.candidates)},
                    "totals": {name: f(v) for name, v in s.totals.items()},
                    "non_transferable": f(s.non_transferable),
                    "rounding_loss": f(s.rounding_loss),
                    "elected": list(s.elected),
                    "excluded": list(s.excluded),
                }
                for s in self.stages
            ],
        }

    def ties_json(self) -> list[dict[str, Any]]:
        """The tie-break records as JSON-ready data."""
        return [
            {
                "stage": t.stage,
                "purpose": t.purpose,
                "tied": list(t.tied),
                "chosen": t.chosen,
                "method": t.method,
                "earlier_stage": t.earlier_stage,
                "seed": t.seed,
                "draw": t.draw,
            }
            for t in self.ties
        ]

    def to_text(self) -> str:
        """A plain-text count sheet: candidates as rows, stages as columns."""
        return render_table(self)


def _action_label(sheet: CountSheet, stage: Stage) -> str:
    kind = stage.action.kind
    if kind == "first":
        return "First preferences"
    who = ", ".join(stage.action.candidates)
    verb = "Surplus of" if kind == "surplus" else "Exclusion of"
    amount = "" if stage.action.amount is None else f" ({sheet.fmt(stage.action.amount)})"
    return f"{verb} {who}{amount}"


def render_table(sheet: CountSheet) -> str:
    """Render the sheet; ``*`` marks election at that stage, ``x`` exclusion."""
    f = sheet.fmt
    names = sheet.candidates or (list(sheet.stages[0].totals) if sheet.stages else [])
    head = [sheet.title] if sheet.title else []
    head.append(
        f"{sheet.method}: {sheet.seats} seat(s), valid votes {f(sheet.valid)}"
        + (f", quota {f(sheet.quota)}" if sheet.quota is not None else "")
    )
    if sheet.withdrawn:
        head.append("Withdrawn: " + ", ".join(sheet.withdrawn))
    rows: list[list[str]] = [["Stage", *(str(s.number) for s in sheet.stages)]]
    for name in names:
        row = [name]
        for s in sheet.stages:
            mark = " *" if name in s.elected else " x" if name in s.excluded else "  "
            row.append(f(s.totals.get(name, Decimal(0))) + mark)  # type: ignore[operator]
        rows.append(row)
    rows.append(["Non-transferable", *(f(s.non_transferable) + "  " for s in sheet.stages)])  # type: ignore[operator]
    rows.append(["Rounding loss", *(f(s.rounding_loss) + "  " for s in sheet.stages)])  # type: ignore[operator]
    if any(s.quota is not None for s in sheet.stages):
        label = "Majority" if sheet.method == "irv" else "Quota"
        rows.append([label, *((f(s.quota) or "") + "  " for s in sheet.stages)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [*head, ""]
    for k, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("-" * len(lines[-1]))
    lines.append("")
    lines.extend(f"Stage {s.number}: {_action_label(sheet, s)}" for s in sheet.stages)
    lines.append("")
    lines.append("* elected at that stage, x excluded at that stage")
    lines.append("Elected: " + (", ".join(sheet.elected) if sheet.elected else "(none)"))
    lines.extend("Tie: " + t.describe() for t in sheet.ties)
    return "\n".join(lines) + "\n"
