"""How an initiative's obligation ends: fulfilled by the body addressed, or its deadline missed.

- ``recorded_vote``: the body addressed decides the item by a recorded vote at a meeting
  (:func:`decide_initiative_item`); carried or lost, the body has decided.
- ``investigation_opened``: the body addressed decides to open the investigation
  (:func:`open_investigation`); a lost vote leaves the obligation open.
- ``meeting_convened``: a meeting of the body the rules name (``convenes``) is called after the
  obligation arose; :func:`review_initiative` notices it.
- ``circulated_unaltered``: Charter circulates the document itself (``actions.circulate``).

:func:`check_initiative_deadlines` runs in the worker's loop: it counts again on a new day (the
threshold may be reached because the membership changed), closes obligations fulfilled by a meeting
convened, and puts every missed deadline on the record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from charter.initiatives.actions import body_or_none, check, lock, reach_if_due, recount
from charter.initiatives.models import Initiative, Obligation
from charter.lib import clock
from charter.meetings.decisions import carried, judge_decision
from charter.meetings.models import Meeting, Motion
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook import enforce
from charter.rulebook import initiatives as R
from charter.rulebook.enforce import Decision, Refused, consequential
from charter.rulebook.store import rulebook_on

State = Initiative.State


@consequential
def decide_initiative_item(initiative: Initiative | int, *, decision: Decision) -> Obligation:
    """The body addressed decides the item by a recorded vote, with its reasons."""
    return _answer(initiative, decision, fulfils="recorded_vote", lost_decides=True)


@consequential
def open_investigation(initiative: Initiative | int, *, decision: Decision) -> Obligation:
    """The body addressed (a control commission) decides to open the investigation required of it."""
    return _answer(initiative, decision, fulfils="investigation_opened", lost_decides=False)


def _answer(initiative: Initiative | int, decision: Decision, *, fulfils: str, lost_decides: bool) -> Obligation:
    now = clock.now()
    today = now.date()
    rb = rulebook_on(today)
    ini = lock(initiative)
    step = R.Step(
        R.ANSWER, ini.kind, today, enforce.person_facts(decision.by, today, rb), addressed=body_or_none(ini.addressed_to),
        body=enforce.body_facts(decision.body), state=ini.state, fulfils=fulfils,
    )
    rule = check(rb, step, actor=decision.by, detail=enforce.detail_for(body=decision.body, initiative=ini.pk))
    text = _("Initiative %(n)s (article %(article)s): %(title)s") % {"n": ini.pk, "article": rule["article"], "title": ini.title}
    detail = {"initiative": ini.pk, "fulfils": fulfils}
    try:
        rb_decision = judge_decision("decide_motion", decision, text=text, facts={"concerns_body_id": decision.body.pk}, detail=detail)
    except Refused as refusal:
        if not (lost_decides and refusal.outcome == "lost"):
            raise
        motion = _lost(decision, text, refusal, detail)  # the body decided, and decided no
    else:
        entry = carried("decide_motion", decision, rb_decision, text=text, detail=detail)
        motion = Motion.objects.get(meeting=decision.meeting, entry_index=entry.index)
    return fulfil(ini, rule, now, motion=motion)


def _lost(decision: Decision, text: str, refusal: Refused, detail: dict[str, Any]) -> Motion:
    votes = decision.votes or enforce.J.Votes(0, 0)
    full = {**enforce.detail_for(body=decision.body, meeting=decision.meeting), **detail, "votes": {"yes": votes.yes, "no": votes.no, "abstain": votes.abstain}}
    entry = record.append("decide_motion", "lost", actor=decision.by, detail=full, articles=refusal.articles)
    return Motion.objects.create(
        meeting=decision.meeting, text=text, act="decide_motion", votes_yes=votes.yes, votes_no=votes.no, votes_abstain=votes.abstain,
        outcome=Motion.Outcome.LOST, reasons=decision.reasons, decided_at=clock.now(), entry_index=entry.index,
    )


def fulfil(ini: Initiative, rule: dict[str, Any], now: dt.datetime, *, motion: Motion | None = None, meeting: Meeting | None = None, done_on: dt.date | None = None) -> Obligation:
    """Close the obligation; when it is done after its deadline, the miss goes on the record first
    (if the worker has not put it there already). The row must be locked."""
    obligation = Obligation.objects.get(initiative=ini)
    deadline = deadline_of(rule, obligation)
    if obligation.missed_on is None and (done_on or now.date()) > deadline:
        _miss(ini, obligation, rule, deadline, on=deadline + dt.timedelta(days=1))
    entry = record.append(
        "initiative_fulfilled", "done", articles=[rule["article"]],
        detail=enforce.detail_for(
            body=obligation.body, meeting=meeting, initiative=ini.pk, motion=motion.pk if motion else None,
            days=(now.date() - obligation.arose_at.date()).days, on_time=obligation.missed_on is None,
        ),
    )
    obligation.fulfilled_at = now
    obligation.fulfilled_entry_index = entry.index
    obligation.motion = motion
    obligation.meeting = meeting
    obligation.save(update_fields=["fulfilled_at", "fulfilled_entry_index", "motion", "meeting"])
    ini.state = State.FULFILLED
    ini.save(update_fields=["state"])
    return obligation


# --- the worker's round ---------------------------------------------------------------------------


def next_meeting_on(obligation: Obligation) -> dt.date | None:
    """The day of the addressed body's next ordinary (not urgent) meeting after the obligation arose."""
    if obligation.body_id is None:
        return None
    starts = (
        Meeting.objects.filter(body_id=obligation.body_id, urgent=False, starts_at__gt=obligation.arose_at)
        .exclude(state=Meeting.State.CANCELLED).order_by("starts_at").values_list("starts_at", flat=True).first()
    )
    return starts.date() if starts else None


def deadline_of(rule: dict[str, Any], obligation: Obligation) -> dt.date:
    nxt = next_meeting_on(obligation) if rule["deadline"].get("or") else None
    return R.deadline(rule, obligation.arose_at.date(), nxt)


@consequential
def review_initiative(initiative: Initiative | int) -> str:
    """Charter applying the rules to one initiative: count again on a new day, reach the threshold,
    notice a meeting convened, record a missed deadline. Returns what changed ("" for nothing)."""
    now = clock.now()
    today = now.date()
    ini = lock(initiative)
    if ini.state == State.FULFILLED:
        return ""
    rb = rulebook_on(today)
    try:
        rule = R.rule(rb, ini.kind)
    except KeyError:  # the rules in force no longer provide for this kind
        return ""
    if ini.state == State.COLLECTING:
        recount(ini, rule, rb, today)
        reached = reach_if_due(ini, rule, rb, now)
        ini.save(update_fields=["signature_count", "members_in_good_standing", "needed", "counted_on", "state"])
        return "reached" if reached else ""
    obligation = Obligation.objects.get(initiative=ini)
    deadline = deadline_of(rule, obligation)
    meeting = _meeting_convened(rule, obligation)
    if meeting is not None:
        fulfil(ini, rule, now, meeting=meeting, done_on=meeting.called_at.date())
        return "fulfilled"
    if ini.state == State.OPEN and today > deadline:
        _miss(ini, obligation, rule, deadline, on=today)
        return "missed"
    return ""


def _meeting_convened(rule: dict[str, Any], obligation: Obligation) -> Meeting | None:
    if R.fulfilled_by(rule) != "meeting_convened":
        return None
    return (
        Meeting.objects.filter(body__kind=rule["convenes"], called_at__gte=obligation.arose_at)
        .exclude(state=Meeting.State.CANCELLED).order_by("called_at", "pk").first()
    )


def _miss(ini: Initiative, obligation: Obligation, rule: dict[str, Any], deadline: dt.date, *, on: dt.date) -> Entry:
    entry = record.append(
        "initiative_deadline_missed", "done", articles=[rule["article"]],
        detail=enforce.detail_for(body=obligation.body, initiative=ini.pk, deadline=deadline.isoformat()),
    )
    obligation.missed_on = on
    obligation.missed_entry_index = entry.index
    obligation.save(update_fields=["missed_on", "missed_entry_index"])
    ini.state = State.MISSED
    ini.save(update_fields=["state"])
    return entry


def check_initiative_deadlines() -> int:
    """One round of the worker: review every initiative with something that may have changed.
    Returns how many changed."""
    if not Initiative.objects.exists():
        return 0
    today = clock.today()
    convened = [i["key"] for i in rulebook_on(today).initiatives if R.fulfilled_by(i) == "meeting_convened"]
    due = Initiative.objects.filter(
        Q(state=State.COLLECTING, counted_on__lt=today) | Q(state=State.OPEN) | Q(state=State.MISSED, kind__in=convened)
    ).order_by("pk").values_list("pk", flat=True)
    return sum(1 for pk in list(due) if review_initiative(pk))
