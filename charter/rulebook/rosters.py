"""Who belongs to a body on a day, as its rulebook defines it, and the facts of a meeting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from charter.lib import prepared
from charter.members.models import Member, MemberQuerySet
from charter.org.models import Body, Mandate
from charter.rulebook import compute
from charter.rulebook import judge as J
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on


def max_arrears(rb: Rulebook) -> int:
    return int((rb.section("membership").get("good_standing") or {}).get("max_arrears_months", 10**6))


def members_in_good_standing(rb: Rulebook, on: dt.date) -> MemberQuerySet:
    return Member.objects.in_good_standing(on, max_arrears(rb))


def roster(body: Body, on: dt.date, rb: Rulebook | None = None, kind: str | None = None) -> MemberQuerySet:
    """Members of ``body`` on ``on``: seat holders, delegates, or the members of its unit."""
    rb = rb or rulebook_on(on)
    kind = kind or rb.body(body.kind)["roster"]
    if kind in ("seats", "delegates"):
        held = Mandate.objects.current(on).filter(body=body, office="", suspended=False)
        return Member.objects.filter(pk__in=held.values("member_id"))
    within = Member.objects.within(body.unit)
    if kind == "members_in_good_standing":
        return within.in_good_standing(on, max_arrears(rb))
    return within.current()


def attendees(body: Body, on: dt.date, rb: Rulebook | None = None) -> MemberQuerySet:
    """Who may attend and speak: the roster, widened to every member where the roster counts only
    those in good standing (members not in good standing attend and speak but do not vote)."""
    rb = rb or rulebook_on(on)
    kind = rb.body(body.kind)["roster"]
    return roster(body, on, rb, "members" if kind == "members_in_good_standing" else kind)


_compiled = prepared.Cache()


def sits_on(body: Body, member: Member, on: dt.date, rb: Rulebook | None = None) -> bool:
    """Whether ``member`` is among ``body``'s attendees on ``on``. Asked on every page and call about a
    body (every vote asks it), so its query is compiled once per body, rules and day and run with the
    member's id put in (charter.lib.prepared)."""
    rb = rb or rulebook_on(on)
    key = ("sits_on", rb.sha256, on, body.pk, body.kind, body.unit.path)
    query = _compiled.get(key, lambda mark: attendees(body, on, rb).filter(pk=mark).values("pk")[:1])
    return bool(query.rows(member.pk))


def quorum_base(body: Body, on: dt.date, rb: Rulebook) -> int:
    spec = rb.body(body.kind)["quorum"]
    return roster(body, on, rb, spec.get("of")).count()


def seats_total(body: Body, rb: Rulebook) -> int:
    low, high = rb.seats_of(body.kind)
    return int(body.seats or high)


def vote_weight(rb: Rulebook, body: Body, voter: Member, on: dt.date) -> int:
    """The weight of ``voter``'s vote in ``body`` under its vote_weight rule (1 without one).

    With ``by: members_in_good_standing`` the weight follows the members in good standing of the
    unit the voter represents: for delegates, the unit at the level of the body that elects them
    (an affiliate, say); otherwise the voter's own home unit."""
    rule = rb.body(body.kind).get("vote_weight")
    if not rule:
        return 1
    unit = voter.branch
    elector = (rb.body(body.kind).get("delegates") or {}).get("elected_by")
    if elector:
        level = rb.body(elector)["level"]
        ancestors = {u.level: u for u in voter.branch.ancestors()}
        unit = ancestors.get(level, unit)
    members = members_in_good_standing(rb, on).within(unit).count()
    return compute.vote_weight(rule, members)


def meeting_facts(meeting: Any) -> J.Meeting:
    from charter.rulebook.enforce import body_facts

    return J.Meeting(
        id=meeting.pk,
        body=body_facts(meeting.body),
        notice_hours=meeting.notice_hours,
        urgent=meeting.urgent,
        urgency_reason=meeting.urgency_reason,
        roster_size=meeting.roster_size,
        quorum_base=meeting.quorum_base,
        present=meeting.present_count,
        held=meeting.state == "held",
    )
