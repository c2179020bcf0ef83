"""An organization of some hundreds: the cast, plus members from an imported register, some of them
behind with their dues (not in good standing on 1 November 2026)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from charter.members.importing import import_members
from charter.members.models import Member

IN_GOOD_STANDING = 247  # with the cast's 33: 280 members in good standing, one tenth is 28
IN_ARREARS = 20


def register(path: Path, branch: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "branch", "email", "phone", "joined_on", "dues_paid_until"])
        for i in range(IN_GOOD_STANDING + IN_ARREARS):
            paid = "2026-12-31" if i < IN_GOOD_STANDING else "2026-03-31"
            w.writerow([f"Member {i:03d}", branch, f"m{i}@example.org" if i % 2 else "", f"+9230055{i:05d}" if i % 3 else "", "2020-01-01", paid])
    return path


@pytest.fixture
def hundreds(cast: Any, at: Any, tmp_path: Path) -> Any:
    """The cast at 1 November 2026 with 267 more members in Karachi Central; ``cast.behind`` are
    the 20 whose dues are seven months in arrears."""
    at("2026-11-01T10:00:00")
    import_members(register(tmp_path / "register.csv", "Karachi Central"))
    imported = list(Member.objects.filter(name__startswith="Member ").order_by("name"))
    cast.people["signers"] = imported[:IN_GOOD_STANDING]
    cast.people["behind"] = imported[IN_GOOD_STANDING:]
    return cast
