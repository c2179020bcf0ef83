"""A region large enough for an aggregate: the cast's Sindh members plus an imported register."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from charter.lib import clock
from charter.meetings.actions import convene_meeting, record_attendance
from charter.meetings.models import Meeting
from charter.members.importing import import_members
from charter.members.models import Member
from charter.org.models import Body


def import_register(path: Path, branch: str, n: int, *, paid_until: str = "2027-12-31", prefix: str = "Sindh Member") -> list[Member]:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["name", "branch", "email", "phone", "joined_on", "dues_paid_until"])
        for i in range(n):
            w.writerow([f"{prefix} {i:03d}", branch, f"{prefix.split()[0].lower()}{i}@example.org", "", "2020-01-01", paid_until])
    import_members(path)
    return list(Member.objects.filter(name__startswith=f"{prefix} ").order_by("name"))


def region_members(cast: Any) -> list[Member]:
    return list(Member.objects.within(cast.sindh).current().order_by("pk"))


def aggregate(cast: Any) -> Body:
    return Body.objects.get(kind="regional_aggregate", unit=cast.sindh)


def call(body: Body, *, by: Member, days: float, title: str = "Meeting") -> Meeting:
    return convene_meeting(body, by=by, title=title, starts_at=clock.now() + dt.timedelta(days=days), agenda="1. Elections")


def attend(meeting: Meeting, *, by: Member, present: list[Member]) -> Meeting:
    clock.set_frozen(meeting.starts_at)
    return record_attendance(meeting, by=by, present=present)


@pytest.fixture
def sindh(cast: Any, at: Any) -> Any:
    """The cast on 10 January 2027: the Regional Committee's founding terms have run out; the 17
    members of the Sindh region are in good standing."""
    at("2027-01-10T09:00:00")
    return cast


@pytest.fixture
def sindh150(sindh: Any, tmp_path: Path) -> Any:
    """The same with 133 more members in Karachi Central: 150 members in the Sindh region."""
    cast = sindh
    cast.people["imported"] = import_register(tmp_path / "register.csv", "Karachi Central", 133)
    return cast
