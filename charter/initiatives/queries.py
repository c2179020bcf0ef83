"""What members see of an initiative: the count against the threshold, the obligation and its
deadline, and for a circulated document its delivery receipts. Read-only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet

from charter.initiatives.fulfilment import deadline_of
from charter.initiatives.models import Initiative, Obligation, Signature
from charter.lib import clock
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.notices.models import Notice
from charter.rulebook import initiatives as R
from charter.rulebook import rosters
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on

CHANNELS = ("inbox", "email", "sms")
STATES = ("queued", "sent", "failed")


@dataclass(frozen=True)
class Delivery:
    """A circulated document's notices: how many per channel in each state, and some receipts."""

    counts: dict[str, dict[str, int]]
    receipts: list[Notice]
    mine: list[Notice]

    @property
    def total(self) -> int:
        return sum(sum(row.values()) for row in self.counts.values())

    @property
    def sent(self) -> int:
        return sum(row.get("sent", 0) for row in self.counts.values())


@dataclass(frozen=True)
class View:
    initiative: Initiative
    name: str  # the kind's name in the rules
    article: str
    circulates: bool
    threshold: str  # in words
    obligation_words: str
    bodies_needed: int
    obligation: Obligation | None
    deadline: dt.date | None  # the effective deadline (the next ordinary meeting may come first)
    signed: bool  # by the viewer
    fulfilled_by: str = ""
    delivery: Delivery | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        needed = self.initiative.needed or 1
        return min(100, self.initiative.signature_count * 100 // needed)


def open_initiatives() -> QuerySet[Initiative]:
    """Initiatives still collecting signatures or whose obligation is not yet fulfilled."""
    return Initiative.objects.exclude(state=Initiative.State.FULFILLED).select_related("addressed_to", "obligation").order_by("-started_at", "-pk")


def recently_fulfilled(limit: int = 20) -> list[Initiative]:
    rows = Initiative.objects.filter(state=Initiative.State.FULFILLED).select_related("addressed_to", "obligation")
    return list(rows.order_by("-obligation__fulfilled_at", "-pk")[:limit])


def kind_names(rb: Rulebook) -> dict[str, str]:
    return {str(i["key"]): str(i["name"]) for i in rb.initiatives}


def signed_by(initiative: Initiative, member: Member | None) -> bool:
    if member is None:
        return False
    return Signature.objects.filter(initiative=initiative, member=member, withdrawn_at__isnull=True).exists()


def view_of(initiative: Initiative, viewer: Member | None, *, rb: Rulebook | None = None, signed: bool | None = None, with_delivery: bool = True) -> View:
    """Everything a page or the API shows of one initiative (lists pass ``rb`` and ``signed``)."""
    rb = rb or rulebook_on(clock.today())
    obligation = Obligation.objects.filter(initiative=initiative).first() if with_delivery else _cached_obligation(initiative)
    signed = signed_by(initiative, viewer) if signed is None else signed
    try:
        rule = R.rule(rb, initiative.kind)
    except KeyError:  # a kind the rules in force no longer have: show what is stored
        return View(initiative, initiative.kind, "", False, "", "", 0, obligation, obligation.due_on if obligation else None, signed)
    body_name = initiative.addressed_to.name if initiative.addressed_to else ""
    circulated = R.circulates(rule)
    shows_delivery = with_delivery and circulated and obligation is not None and obligation.fulfilled_entry_index is not None
    return View(
        initiative=initiative, name=str(rule["name"]), article=str(rule["article"]), circulates=circulated,
        threshold=R.threshold_words(rb, rule), obligation_words=R.obligation_words(rb, rule, body_name),
        bodies_needed=R.bodies_needed(rule), obligation=obligation,
        deadline=deadline_of(rule, obligation) if obligation else None, signed=signed, fulfilled_by=R.fulfilled_by(rule),
        delivery=delivery(obligation, viewer) if shows_delivery and obligation is not None else None,
    )


def _cached_obligation(initiative: Initiative) -> Obligation | None:
    try:
        return initiative.obligation  # loaded with select_related by the list
    except Obligation.DoesNotExist:
        return None


def views_of(initiatives: list[Initiative], viewer: Member | None) -> list[View]:
    """A list: the rules read once, the viewer's signatures in one query, obligations joined."""
    rb = rulebook_on(clock.today())
    mine = set(Signature.objects.filter(initiative__in=initiatives, member=viewer, withdrawn_at__isnull=True).values_list("initiative_id", flat=True)) if viewer else set()
    return [view_of(i, viewer, rb=rb, signed=i.pk in mine, with_delivery=False) for i in initiatives]


def delivery(obligation: Obligation, viewer: Member | None, receipts: int = 20) -> Delivery:
    notices = Notice.objects.filter(entry_index=obligation.fulfilled_entry_index, kind="circulated_document")
    counts: dict[str, dict[str, int]] = {c: {s: 0 for s in STATES} for c in CHANNELS}
    for row in notices.order_by().values("channel", "state").annotate(n=Count("id")):
        counts.setdefault(row["channel"], {})[row["state"]] = row["n"]
    sent = list(notices.filter(state="sent").exclude(channel="inbox").only("channel", "state", "sent_at", "receipt").order_by("sent_at", "id")[:receipts])
    mine = list(notices.filter(member=viewer).only("channel", "state", "sent_at", "receipt")) if viewer is not None else []
    return Delivery(counts=counts, receipts=sent, mine=mine)


ANSWERED_BY_A_DECISION = ("recorded_vote", "investigation_opened")


def answer_meetings(v: View, viewer: Member) -> QuerySet[Meeting] | None:
    """The held meetings at which the viewer may record the addressed body's answer, or None when
    there is nothing for them to answer (not on the body, no open obligation, not answered by a vote)."""
    body = v.initiative.addressed_to
    if body is None or v.obligation is None or v.obligation.fulfilled_at is not None or v.fulfilled_by not in ANSWERED_BY_A_DECISION:
        return None
    today = clock.today()
    if not rosters.sits_on(body, viewer, today, rulebook_on(today)):
        return None
    return Meeting.objects.filter(body=body, state=Meeting.State.HELD, starts_at__date__gte=v.obligation.arose_at.date()).order_by("-starts_at")
