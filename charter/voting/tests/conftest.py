"""Polls of the cast's Sindh Regional Committee (7 seats: rashid, saima and five others)."""

from __future__ import annotations

from typing import Any

import pytest

from charter.members.models import Member
from charter.voting.actions import create_poll, open_poll


def committee(cast: Any) -> list[Member]:
    return list(Member.objects.filter(mandates__body=cast.bodies["rc"], mandates__office="", mandates__ended_on__isnull=True).order_by("pk"))


@pytest.fixture
def rc(cast, at):  # type: ignore[no-untyped-def]
    at("2026-03-02T10:00:00")
    return cast.bodies["rc"]


@pytest.fixture
def open_yes_no(cast, rc):  # type: ignore[no-untyped-def]
    poll = create_poll(rc, by=cast.rashid, title="Adopt the regional plan", method="yes_no", mode="secret")
    return open_poll(poll, by=cast.rashid)


def new_poll(cast: Any, **kw: Any) -> Any:
    args = {"by": cast.rashid, "title": "Question", "method": "yes_no", "mode": "secret", **kw}
    return open_poll(create_poll(cast.bodies["rc"], **args), by=cast.rashid)
