"""Watching the deadlines of every case: warn before, record when missed, apply what follows.

:func:`check_deadlines` runs each round of the worker (``charter worker``; ``charter serve`` runs the
same loop). It is idempotent: a warning is sent once, a missed deadline recorded once, a suspension
ended once. Each step is its own action, in its own transaction, so one case cannot hold up another.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _

from charter.discipline import queries
from charter.discipline.actions import effects, notify, timeline
from charter.discipline.actions.measures import end_suspension, lapse_interim_suspension
from charter.discipline.models import Appeal, Deadline, Measure, Stage
from charter.lib import clock, dates
from charter.meetings.models import Meeting
from charter.record import log as record
from charter.rulebook import enforce
from charter.rulebook.enforce import consequential
from charter.rulebook.store import rulebook_on

log = logging.getLogger("charter.discipline")


def warning_days() -> int:
    """How many days before a deadline the people who must act are warned (settings)."""
    return int(getattr(settings, "DEADLINE_WARNING_DAYS", 3))


def _met(d: Deadline) -> bool:
    case = d.case
    if d.kind == Deadline.Kind.REPLY:
        return case.replied_on is not None
    if d.kind == Deadline.Kind.HEARING:
        held = case.hearings.filter(stage=Stage.CHARGE, body=d.body, meeting__state=Meeting.State.HELD, meeting__starts_at__date__lte=d.due_on).exists()
        return held or not case.open
    if d.kind in (Deadline.Kind.DECISION, Deadline.Kind.INTERIM):
        return not case.open
    if d.kind == Deadline.Kind.APPEAL:
        return case.appeals.filter(stage=Stage.APPEAL).exists()
    if d.kind == Deadline.Kind.APPEAL_HEARING:
        return case.appeals.filter(stage=Stage.APPEAL).exclude(outcome=Appeal.Outcome.PENDING).exists()
    if d.kind == Deadline.Kind.REFERRAL:
        return case.appeals.filter(stage=Stage.REFERRAL).exists()
    return False


@consequential
def settle_deadline(d: Deadline) -> None:
    d = Deadline.objects.select_for_update(of=("self",)).select_related("case").get(pk=d.pk)
    if d.state == Deadline.State.OPEN and _met(d):
        d.state, d.closed_on = Deadline.State.MET, clock.today()
        d.save(update_fields=["state", "closed_on"])


@consequential
def warn_deadline(d: Deadline) -> None:
    """Tell whoever must act that the deadline is near (on the record: that a warning was given)."""
    d = Deadline.objects.select_for_update(of=("self",)).select_related("case", "case__member", "body").get(pk=d.pk)
    if d.state != Deadline.State.OPEN or d.warned_on is not None:
        return
    case = d.case
    entry = record.append(
        "deadline_warning", "done", subjects=[case.member], articles=[d.article],
        detail=enforce.detail_for(body=d.body, case=case.pk, deadline=d.kind, due_on=d.due_on.isoformat(), duty="body" if d.body_id else "member"),
    )
    d.warned_on = clock.today()
    d.save(update_fields=["warned_on"])
    due, kind, article = d.due_on.isoformat(), d.kind, d.article
    if d.body is not None:
        body = d.body
        notify.to_people(queries.members_of(body), case, kind="deadline_warning", key=f"deadline:{d.pk}:{due}:warn", entry_index=entry.index, words=lambda: (
            _("Case %(n)s: a deadline on %(date)s") % {"n": case.pk, "date": dates.day(due)},
            _("The %(body)s must act in case %(n)s by %(date)s: %(what)s (article %(article)s).") % {"body": body.name, "n": case.pk, "date": dates.day(due), "what": Deadline.Kind(kind).label, "article": article},
        ))
    else:
        notify.to_member(case, kind="deadline_warning", key=f"deadline:{d.pk}:{due}:warn", entry_index=entry.index, words=lambda: (
            _("Your time runs until %(date)s") % {"date": dates.day(due)},
            _("You may still act in your case until %(date)s: %(what)s (article %(article)s).") % {"date": dates.day(due), "what": Deadline.Kind(kind).label, "article": article},
        ))


@consequential
def miss_deadline(d: Deadline) -> None:
    """A deadline passed: record it, mark it on the case, and apply what the rules attach to it."""
    d = Deadline.objects.select_for_update(of=("self",)).select_related("case", "case__member", "body").get(pk=d.pk)
    if d.state != Deadline.State.OPEN or clock.today() <= d.due_on:
        return
    case = d.case
    index = timeline.record_missed(d)
    rb = rulebook_on(clock.today())
    if d.kind == Deadline.Kind.INTERIM:
        interim = queries.interim_in_force(case)
        if interim is not None:
            lapse_interim_suspension(interim)
    if d.kind in (Deadline.Kind.APPEAL, Deadline.Kind.REFERRAL):
        measure = queries.measure_in_force(case)
        if measure is not None and measure.kind == Measure.Kind.EXPULSION and measure.final_on is None:
            measure.final_on = clock.today()
            measure.save(update_fields=["final_on"])
            effects.bring_into_line(case.member, rb, reason="expulsion final", entry_index=index)
    if d.body is not None:
        body, due, kind = d.body, d.due_on.isoformat(), d.kind
        notify.to_member(case, kind="deadline_missed", key=f"deadline:{d.pk}:missed", entry_index=index, words=lambda: (
            _("A deadline in your case was missed"),
            _("The %(body)s did not act by %(date)s: %(what)s. This is on the public record.") % {"body": body.name, "date": dates.day(due), "what": Deadline.Kind(kind).label},
        ))


def check_deadlines() -> dict[str, int]:
    """One round: end suspensions that are over, settle what was done, record what was missed, and
    warn about what is near. Returns how many of each."""
    today = clock.today()
    counts = {"ended": 0, "met": 0, "missed": 0, "warned": 0}
    for measure in Measure.objects.filter(kind=Measure.Kind.SUSPENSION, state=Measure.State.IN_FORCE, ends_on__lte=today):
        counts["ended"] += _safely(end_suspension, measure)
    soon = warning_days()
    for d in Deadline.objects.filter(state=Deadline.State.OPEN).select_related("case").order_by("due_on", "id"):
        if _met(d):
            counts["met"] += _safely(settle_deadline, d)
        elif today > d.due_on:
            counts["missed"] += _safely(miss_deadline, d)
        elif d.warned_on is None and (d.due_on - today).days <= soon:
            counts["warned"] += _safely(warn_deadline, d)
    return counts


def _safely(step: object, row: object) -> int:
    try:
        step(row)  # type: ignore[operator]
    except Exception:  # noqa: BLE001 - one case must not stop the others; the next round retries
        log.exception("deadline step %s failed for %s", getattr(step, "__name__", step), row)
        return 0
    return 1

