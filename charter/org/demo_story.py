"""The demo's two regions the dashboard tells of (scenario 6): one gone quiet, one growing.

Hooks the demo (``charter/demo.py``) calls at a few points of its calendar; everything they do goes
through the actions like the rest of the demo. Punjab's growth is in the demo's rates and its new
branch; what is here makes Balochistan's decline visible on the dashboard, month by month:

- its branches meet less and less: from December 2025 most of their meetings fall short of quorum
  (members stop coming) and hardly anyone stands, so Branch Secretaries' terms run out with nobody
  elected in their place,
  and after May 2026 the branches stop meeting at all (``QUIET_FROM`` in the demo);
- recruitment stalls (no applications after February 2026 but a handful in the summer), and from
  July the Regional Committee, which still meets, leaves applications undecided: those of June and
  early July are decided in September, beyond the 60 days of 1.1, and the later ones still wait;
- the committee fills a vacancy by co-option rather than election (the demo's January resignation);
- members ask the committee, by an initiative of 50 signatures (9.1), to put the branches that no
  longer meet on its agenda; it never answers, and the obligation's deadline is missed (on the record).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

QUIET = "Balochistan"
GROWING = "Punjab"
_SUMMER_APPLICATIONS = (
    (2026, 6, 20),
    (2026, 6, 28),
    (2026, 7, 5),
    (2026, 7, 25),
    (2026, 8, 10),
    (2026, 9, 2),
)
_AGENDA_ITEM = (
    "Revive the Balochistan branches",
    "We, members of the Alliance, require the Balochistan Regional Committee to place on its agenda the branches "
    "that no longer meet and the applications it has left undecided, and to decide by a recorded vote what it will "
    "do about them (9.1).",
)


def _rng(demo: Any) -> random.Random:
    """The story's own random numbers, so that the rest of the demo draws as it always did."""
    if "story_rng" not in demo.flags:
        demo.flags["story_rng"] = random.Random(f"{QUIET}-{demo.target}")
    return demo.flags["story_rng"]


def plan(demo: Any) -> None:
    """Schedule the quiet region's dated events (called once the demo's calendar is laid out)."""
    from charter.demo import _at, story_date

    for y, m, d in _SUMMER_APPLICATIONS:
        demo.at(_at(story_date(y, m, d), 8, _rng(demo).randint(0, 59)), demo.apply, QUIET)
    demo.at(_at(story_date(2026, 9, 8), 10), start_agenda_item, demo)
    for y, m, d in ((2026, 10, 20), (2026, 11, 1)):
        demo.at(_at(story_date(y, m, d), 3), check_initiatives)


def applications_to_decide(
    demo: Any, region: str, waiting: list[int]
) -> tuple[list[int], list[int]]:
    """(decided at this committee meeting, left waiting). From July 2026 the quiet region's committee
    decides nothing; in September it decides the applications made before 15 July (too late)."""
    from charter.demo import story_date

    if region != QUIET or demo.today < story_date(2026, 7, 1):
        return waiting, []
    if demo.today < story_date(2026, 9, 1):
        return [], waiting
    cut = story_date(2026, 7, 15)
    decide = [pk for pk in waiting if demo.people[pk].m.applied_on < cut]
    return decide, [pk for pk in waiting if pk not in decide]


def branch_turnout(demo: Any, region: str, extra: int) -> int:
    """How many more than the quorum come to a branch meeting (negative: it falls short)."""
    from charter.demo import story_date

    if region != QUIET or demo.today < story_date(2025, 12, 15):
        return extra
    rng = _rng(demo)
    return -rng.randint(1, 3) if rng.random() < 0.65 else -rng.randint(0, 1)


def secretary_stands(demo: Any, region: str) -> bool:
    """Whether someone stands for Branch Secretary: in the quiet region, from December 2025, mostly not."""
    from charter.demo import story_date

    if region != QUIET or demo.today < story_date(2025, 12, 15):
        return True
    return _rng(demo).random() < 0.2


def start_agenda_item(demo: Any) -> None:
    """Members require the quiet region's committee to take up its silent branches (9.1)."""
    from charter.initiatives.actions import start_initiative
    from charter.org.models import Body

    starter = demo.plain_member(QUIET)
    rc = Body.objects.get(kind="regional_committee", unit=demo.regions[QUIET])
    title, text = _AGENDA_ITEM
    initiative = start_initiative(
        by=starter.m, kind="agenda_item", title=title, text=text, addressed_to=rc
    )
    rng = _rng(demo)
    pool = [
        p
        for p in demo.people.values()
        if p is not starter and demo.good_standing(p) and p.region in (QUIET, "Sindh")
    ]
    signers = rng.sample(pool, min(math.ceil(initiative.needed * 1.1), len(pool)))
    for i, p in enumerate(signers):
        demo.at(
            demo.now + dt.timedelta(hours=1 + i, minutes=rng.randint(0, 59)),
            demo.sign,
            initiative.pk,
            p.pk,
        )


def check_initiatives() -> None:
    """Charter's worker round: obligations past their deadline are recorded as missed."""
    from charter.initiatives.fulfilment import check_initiative_deadlines

    check_initiative_deadlines()
