"""Filling seats and offices: by election (from a count), co-option or appointment, as the rules
allow; founders seated while the founding period is open; terms that expire."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from charter.lib import clock
from charter.meetings.decisions import carried, judge_decision
from charter.members.models import Member, subtract_months
from charter.org.models import Body, Mandate
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook import enforce, rosters
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on


def _expiry(rb: Rulebook, term: dict | None, start: dt.date) -> dt.date | None:
    if term and term.get("months"):
        return subtract_months(start, -int(term["months"]))
    return None  # until an event (the next congress): ended by that event's elections


def _seat_facts(body: Body, rb: Rulebook) -> dict:
    current = Mandate.objects.current().seats().filter(body=body)
    return {
        "seat_body_kind": body.kind,
        "seats_total": rosters.seats_total(body, rb),
        "seats_filled": current.count(),
        "seats_co_opted": current.filter(filled_by=Mandate.FilledBy.CO_OPTED).count(),
    }


def _seat(member: Member, body: Body, rb: Rulebook, *, filled_by: str, decided_by: Body | None, meeting: object, office: str = "") -> Mandate:
    today = clock.today()
    _end_expired(Mandate.objects.filter(body=body, office=office, ended_on__isnull=True, expires_on__lt=today))
    term = rb.office(office).get("term") if office else rb.body(body.kind).get("term")
    return Mandate.objects.create(
        body=body, office=office, member=member, filled_by=filled_by, decided_by=decided_by,
        meeting_id_ref=getattr(meeting, "pk", None), starts_on=today, expires_on=_expiry(rb, term, today),
    )


def _made_by(mandate: Mandate, entry: Entry) -> Mandate:
    """Link the mandate to the record entry of the act that filled it."""
    mandate.entry_index = entry.index
    mandate.save(update_fields=["entry_index"])
    return mandate


@consequential
def seat_founder(member: Member, *, body: Body, office: str = "") -> Mandate:
    """A seat or office held at founding (elected at the founding congress, before Charter)."""
    from charter.org.actions import require_founding

    require_founding()
    rb = rulebook_on(clock.today())
    mandate = _seat(member, body, rb, filled_by=Mandate.FilledBy.ELECTED, decided_by=None, meeting=None, office=office)
    entry = record.append("seat_founder", "done", subjects=[member], detail=enforce.detail_for(body=body, office=office or None, founding=True))
    return _made_by(mandate, entry)


@consequential
def elect_to_seat(member: Member, *, body: Body, decision: Decision, nominators: int, accepted: bool, count_method: str, seats_in_election: int) -> Mandate:
    """Seat a candidate the count elected. ``decision.body`` is the electing body."""
    rb = rulebook_on(clock.today())
    facts = {**_seat_facts(body, rb), "nominators": nominators, "accepted": accepted, "count_elected": True, "count_method": count_method, "seats_in_election": seats_in_election}
    text = _("Declare %(name)s elected to the %(body)s") % {"name": member.number, "body": body.name}
    rb = judge_decision("elect_to_seat", decision, text=text, target=member, facts=facts, subjects=[member], detail={"seat_body": body.pk})
    mandate = _seat(member, body, rb, filled_by=Mandate.FilledBy.ELECTED, decided_by=decision.body, meeting=decision.meeting)
    entry = carried("elect_to_seat", decision, rb, text=text, subjects=[member], detail={"seat_body": {"id": body.pk, "name": body.name}, "method": count_method})
    return _made_by(mandate, entry)


@consequential
def co_opt_to_seat(member: Member, *, body: Body, decision: Decision) -> Mandate:
    rb = rulebook_on(clock.today())
    text = _("Co-opt %(name)s to the %(body)s") % {"name": member.number, "body": body.name}
    facts = {**_seat_facts(body, rb), "concerns_body_id": body.pk}
    rb = judge_decision("co_opt_to_seat", decision, text=text, target=member, facts=facts, subjects=[member])
    mandate = _seat(member, body, rb, filled_by=Mandate.FilledBy.CO_OPTED, decided_by=decision.body, meeting=decision.meeting)
    # A co-opted member serves until the body's next election: the same expiry as the elected seats.
    elected_until = Mandate.objects.current().seats().filter(body=body, filled_by=Mandate.FilledBy.ELECTED).exclude(expires_on=None).order_by("expires_on").values_list("expires_on", flat=True).first()
    if elected_until is not None and mandate.expires_on is not None and elected_until < mandate.expires_on:
        mandate.expires_on = elected_until
        mandate.save(update_fields=["expires_on"])
    entry = carried("co_opt_to_seat", decision, rb, text=text, subjects=[member], detail={"seat_body": {"id": body.pk, "name": body.name}})
    return _made_by(mandate, entry)


@consequential
def appoint_to_seat(member: Member, *, body: Body, decision: Decision) -> Mandate:
    rb = rulebook_on(clock.today())
    text = _("Appoint %(name)s to the %(body)s") % {"name": member.number, "body": body.name}
    rb = judge_decision("appoint_to_seat", decision, text=text, target=member, facts=_seat_facts(body, rb), subjects=[member])
    mandate = _seat(member, body, rb, filled_by=Mandate.FilledBy.APPOINTED, decided_by=decision.body, meeting=decision.meeting)
    entry = carried("appoint_to_seat", decision, rb, text=text, subjects=[member], detail={"seat_body": {"id": body.pk, "name": body.name}})
    return _made_by(mandate, entry)


@consequential
def elect_officer(member: Member, *, body: Body, office: str, decision: Decision, count_method: str) -> Mandate:
    rb = rulebook_on(clock.today())
    held = Mandate.objects.current().filter(body=body, office=office).exists()
    facts = {"office": office, "office_held": held, "count_elected": True, "count_method": count_method, "seats_in_election": 1}
    text = _("Elect %(name)s as %(office)s") % {"name": member.number, "office": rb.office(office)["name"]}
    rb = judge_decision("elect_officer", decision, text=text, target=member, facts=facts, subjects=[member])
    mandate = _seat(member, body, rb, filled_by=Mandate.FilledBy.ELECTED, decided_by=decision.body, meeting=decision.meeting, office=office)
    entry = carried("elect_officer", decision, rb, text=text, subjects=[member], detail={"office": office, "seat_body": {"id": body.pk, "name": body.name}})
    return _made_by(mandate, entry)


@consequential
def remove_from_seat(mandate: Mandate, *, by: Member, decision: Decision | None = None) -> Mandate:
    """Removing someone from a seat outside the rules' own routes. The WDA's rules allow nobody."""
    member = mandate.member
    facts = {"seat_body_kind": mandate.body.kind, "concerns_body_id": mandate.body_id}
    if decision is not None:
        text = _("Remove %(name)s from the %(body)s") % {"name": member.number, "body": mandate.body.name}
        rb = judge_decision("remove_from_seat", decision, text=text, target=member, facts=facts, subjects=[member])
        entry = carried("remove_from_seat", decision, rb, text=text, subjects=[member])
    else:
        prop = enforce.proposal("remove_from_seat", actor=by, target=member, facts=facts)
        # An officer claiming to remove someone is an officer's attempt: it goes on the record.
        rb = rulebook_on(clock.today())
        verdict = enforce.J.judge(rb, prop)
        if not verdict.allowed:
            raise enforce.Refused(verdict, prop, actor=by, subjects=[member], detail=enforce.detail_for(body=mandate.body))
        entry = record.append("remove_from_seat", "done", actor=by, subjects=[member])
    mandate.ended_on = clock.today()
    mandate.end_reason = f"removed (entry {entry.index})"
    mandate.save(update_fields=["ended_on", "end_reason"])
    return mandate


@consequential
def expire_terms() -> int:
    """Charter ends every mandate whose term has run out (on the record, one entry per mandate)."""
    return _end_expired(Mandate.objects.filter(ended_on__isnull=True, expires_on__lt=clock.today()))


def _end_expired(mandates: object) -> int:
    ended = 0
    for mandate in mandates.select_related("member", "body"):  # type: ignore[attr-defined]
        mandate.ended_on = mandate.expires_on
        mandate.end_reason = "term expired"
        mandate.save(update_fields=["ended_on", "end_reason"])
        record.append("term_expired", "done", subjects=[mandate.member], detail=enforce.detail_for(body=mandate.body, office=mandate.office or None, expired_on=mandate.expires_on.isoformat()))
        ended += 1
    return ended


@consequential
def fix_seats(body: Body, *, seats: int, decision: Decision | None = None) -> Body:
    """Fix the number of seats of a body whose rules give a range (e.g. 5 to 9, fixed by the aggregate)."""
    from charter.lib.errors import InvalidInput
    from charter.org.actions import require_founding

    rb = rulebook_on(clock.today())
    low, high = rb.seats_of(body.kind)
    if not isinstance(rb.body(body.kind).get("seats"), dict):
        raise InvalidInput(_("The %(body)s has a fixed number of seats.") % {"body": body.name})
    if not low <= seats <= high:
        raise InvalidInput(_("The %(body)s has between %(low)s and %(high)s seats; %(n)s is outside that.") % {"body": body.name, "low": low, "high": high, "n": seats})
    detail = {"seat_body": {"id": body.pk, "name": body.name}, "seats": seats}
    if decision is None:
        require_founding()
        entry_detail = {**enforce.detail_for(body=body), "seats": seats, "founding": True}
        body.seats = seats
        body.save(update_fields=["seats"])
        record.append("fix_seats", "done", detail=entry_detail)
        return body
    text = _("Fix the seats of the %(body)s at %(n)s") % {"body": body.name, "n": seats}
    rb = judge_decision("fix_seats", decision, text=text, target_unit=body.unit, facts={"seat_body_kind": body.kind})
    body.seats = seats
    body.save(update_fields=["seats"])
    carried("fix_seats", decision, rb, text=text, detail=detail)
    return body
