"""Filling seats and offices: by election (from a count), co-option or appointment, as the rules
allow; founders seated while the founding period is open; terms that expire."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from charter.elections.models import Candidacy, Election, Nomination
from charter.lib import clock, dates
from charter.lib.dates import breach_message
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.meetings.models import Meeting
from charter.members.models import Member, subtract_months
from charter.notices import outbox
from charter.org.models import Body, Mandate
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook import enforce, rosters
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on
from charter.voting import rules as poll_rules
from charter.voting.actions import create_poll
from charter.voting.models import Poll
from charter.voting.queries import elected


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


# --- elections step by step: nominations, acceptance, the eligibility check, the ballot, seating ---


def electing_body(seat_body: Body, office: str, rb: Rulebook) -> Body:
    """The body that elects to ``seat_body``'s seats (or to its ``office``): of the kind the rules
    name, in the seat body's own unit or the nearest unit above it."""

    kind = (rb.office(office) if office else rb.body(seat_body.kind)).get("elected_by")
    if not kind:
        raise InvalidInput(_("Under these rules nobody elects to the %(body)s.") % {"body": seat_body.name})
    ancestors = list(seat_body.unit.ancestor_ids)
    found = {b.unit_id: b for b in Body.objects.filter(kind=kind, unit_id__in=ancestors)}
    for unit_id in reversed(ancestors):
        if unit_id in found:
            return found[unit_id]
    raise InvalidInput(_("There is no %(body)s to elect to the %(seat)s.") % {"body": rb.body(kind)["name"], "seat": seat_body.name})


def held_beyond(seat_body: Body, day: dt.date, rb: Rulebook, *, office: str = "", elector_kind: str = "") -> Any:
    """The mandates of the seats (or the office) that are still held after an election on ``day``:
    not ended, not run out by then, and not ending with the electing body's next meeting."""
    current = Mandate.objects.current(day).filter(body=seat_body, office=office).exclude(expires_on=day)
    term = (rb.office(office) if office else rb.body(seat_body.kind)).get("term") or {}
    if elector_kind and term.get("until_next") == elector_kind:
        current = current.exclude(expires_on=None)
    return current


def vacancies(seat_body: Body, rb: Rulebook, day: dt.date | None = None) -> int:
    """Seats of the body that nobody holds on ``day`` (today by default)."""
    day = day or clock.today()
    return max(rosters.seats_total(seat_body, rb) - Mandate.objects.current(day).seats().filter(body=seat_body).count(), 0)


def _election_facts(election: Election) -> dict[str, Any]:
    return {"office": election.office} if election.office else {"seat_body_kind": election.seat_body.kind}


def _election_detail(election: Election, **extra: Any) -> dict[str, Any]:
    return enforce.detail_for(body=election.electing_body, election=election.pk, seat_body={"id": election.seat_body_id, "name": election.seat_body.name}, office=election.office or None, **extra)


def what_is_elected(election: Election, rb: Rulebook) -> str:
    if election.office:
        return _("the %(office)s of the %(body)s") % {"office": rb.office(election.office)["name"], "body": election.seat_body.name}
    return ngettext("%(n)s seat on the %(body)s", "%(n)s seats on the %(body)s", election.seats) % {"n": election.seats, "body": election.seat_body.name}


def _locked_election(election: Election) -> Election:
    return Election.objects.select_for_update(of=("self",)).select_related("seat_body", "seat_body__unit", "electing_body", "electing_body__unit", "meeting", "poll").get(pk=election.pk)


def _require_state(election: Election, *states: str) -> None:

    if election.state not in states:
        raise InvalidInput(_("This election is at the stage '%(stage)s'; that cannot be done now.") % {"stage": election.get_state_display()})


@consequential
def open_nominations(seat_body: Body, *, by: Member, office: str = "", meeting: Meeting | None = None) -> Election:
    """Open nominations for the seats of ``seat_body`` free on the day of the election (every seat
    whose term ends by then; a by-election when some stay held), or for its ``office``."""

    rb = rulebook_on(clock.today())
    if office and rb.office(office)["body"] != seat_body.kind:
        raise InvalidInput(_("The %(body)s has no such office.") % {"body": seat_body.name})
    elector = electing_body(seat_body, office, rb)
    if meeting is not None and meeting.body_id != elector.pk:
        raise InvalidInput(_("The election is held at a meeting of the %(body)s; that meeting is not one.") % {"body": elector.name})
    day = meeting.starts_at.date() if meeting is not None else clock.today()
    held = held_beyond(seat_body, day, rb, office=office, elector_kind=elector.kind).count()
    total = 1 if office else rosters.seats_total(seat_body, rb)
    seats = total - held
    if seats < 1:
        raise InvalidInput(_("Nothing to elect: every seat on the %(body)s is held beyond %(day)s.") % {"body": seat_body.name, "day": dates.day(day)})
    if Election.objects.filter(seat_body=seat_body, office=office).exclude(state=Election.State.SEATED).exists():
        raise InvalidInput(_("An election to the %(body)s is already under way.") % {"body": seat_body.name})
    facts = {"office": office} if office else {"seat_body_kind": seat_body.kind}
    prop = enforce.proposal("open_nominations", actor=by, decision=Decision(by=by, body=elector), facts=facts)
    rb = enforce.check(prop, actor=by, detail=enforce.detail_for(body=elector, seat_body={"id": seat_body.pk, "name": seat_body.name}))
    election = Election.objects.create(
        seat_body=seat_body, office=office, electing_body=elector, seats=seats, by_election=seats < total,
        meeting=meeting, opened_by=by, opened_at=clock.now(),
    )
    entry = record.append("open_nominations", "done", actor=by, articles=[rb.act("open_nominations")["article"]], detail=_election_detail(election, seats=seats, by_election=election.by_election))
    election.entry_index = entry.index
    election.save(update_fields=["entry_index"])
    need = int(rb.section("elections").get("nominators", 0))

    def render() -> tuple[str, str]:
        what = what_is_elected(election, rb)
        return (_("Nominations are open: %(what)s") % {"what": what},
                _("Nominations are open for %(what)s. A candidate needs %(n)s nominations from members of the %(body)s and must accept in writing.") % {"what": what, "n": need, "body": elector.name})

    outbox.queue(rosters.roster(elector, clock.today(), rb).select_related(None), kind="nominations_open", render=render, key=f"election:{election.pk}:open", entry_index=entry.index, channels=("inbox",))
    return election


@consequential
def nominate(election: Election, *, candidate: Member, by: Member) -> Nomination:
    """``by``, a member of the electing body, nominates ``candidate`` (or seconds a nomination)."""

    election = _locked_election(election)
    _require_state(election, election.State.NOMINATIONS)
    today = clock.today()
    rb = rulebook_on(today)
    on_body = rosters.roster(election.electing_body, today, rb).filter(pk=by.pk).exists()
    prop = enforce.proposal("nominate_candidate", actor=by, target=candidate, facts={**_election_facts(election), "actor_on_electing_body": on_body})
    rb = enforce.check(prop, actor=by, subjects=[candidate], detail=_election_detail(election))
    candidacy, _created = Candidacy.objects.get_or_create(election=election, member=candidate)
    if candidacy.withdrawn_at is not None:
        raise InvalidInput(_("%(name)s has withdrawn from this election.") % {"name": candidate.name})
    if candidacy.nominations.filter(nominator=by).exists():
        raise InvalidInput(_("You have already nominated %(name)s.") % {"name": candidate.name})
    nomination = Nomination.objects.create(candidacy=candidacy, nominator=by, nominated_at=clock.now())
    count = candidacy.nominations.count()
    entry = record.append("nominate_candidate", "done", actor=by, subjects=[candidate], articles=[rb.act("nominate_candidate")["article"]], detail=_election_detail(election, nominations=count))
    nomination.entry_index = entry.index
    nomination.save(update_fields=["entry_index"])
    need = int(rb.section("elections").get("nominators", 0))

    def render(member: Member) -> tuple[str, str]:
        what = what_is_elected(election, rb)
        return (_("You have been nominated: %(what)s") % {"what": what},
                _("A member of the %(body)s nominated you for %(what)s (%(count)s of the %(need)s nominations needed). To stand, accept the nomination in writing on the election's page.") % {"body": election.electing_body.name, "what": what, "count": count, "need": need})

    outbox.queue([candidate], kind="nominated", render=render, key=f"nomination:{nomination.pk}", entry_index=entry.index, channels=("inbox", "email"))
    return nomination


def _nominators_of(candidacy: Candidacy) -> list[Member]:
    return [n.nominator for n in candidacy.nominations.select_related("nominator")]


@consequential
def accept_nomination(candidacy: Candidacy, *, by: Member, statement: str) -> Candidacy:
    """The candidate, and only the candidate, accepts the nomination in writing."""

    election = _locked_election(candidacy.election)
    candidacy = Candidacy.objects.select_for_update(of=("self",)).select_related("member").get(pk=candidacy.pk)
    _require_state(election, election.State.NOMINATIONS)
    statement = (statement or "").strip()
    facts = {**_election_facts(election), "nominators": candidacy.nominations.count(), "in_writing": bool(statement)}
    prop = enforce.proposal("accept_nomination", actor=by, target=candidacy.member, facts=facts)
    rb = enforce.check(prop, actor=by, subjects=[candidacy.member], detail=_election_detail(election))
    candidacy.accepted_at = clock.now()
    candidacy.withdrawn_at = None
    candidacy.acceptance = statement
    candidacy.acceptance_sha256 = hashlib.sha256(statement.encode("utf-8")).hexdigest()
    entry = record.append("accept_nomination", "done", actor=by, articles=[rb.act("accept_nomination")["article"]], detail=_election_detail(election, acceptance_sha256=candidacy.acceptance_sha256))
    candidacy.accept_entry = entry.index
    candidacy.save(update_fields=["accepted_at", "withdrawn_at", "acceptance", "acceptance_sha256", "accept_entry"])

    def render(member: Member) -> tuple[str, str]:
        return (_("%(name)s accepted the nomination") % {"name": candidacy.member.name},
                _("%(name)s, whom you nominated, accepted the nomination in writing: %(what)s.") % {"name": candidacy.member.name, "what": what_is_elected(election, rb)})

    outbox.queue(_nominators_of(candidacy), kind="nomination_accepted", render=render, key=f"candidacy:{candidacy.pk}:accepted", entry_index=entry.index, channels=("inbox",))
    return candidacy


@consequential
def withdraw_candidacy(candidacy: Candidacy, *, by: Member) -> Candidacy:
    """The candidate withdraws, at any time before the ballot is put to the vote."""

    election = _locked_election(candidacy.election)
    candidacy = Candidacy.objects.select_for_update(of=("self",)).select_related("member").get(pk=candidacy.pk)
    _require_state(election, election.State.NOMINATIONS, election.State.CLOSED)
    prop = enforce.proposal("withdraw_candidacy", actor=by, target=candidacy.member, facts=_election_facts(election))
    rb = enforce.check(prop, actor=by, subjects=[candidacy.member], detail=_election_detail(election))
    candidacy.withdrawn_at = clock.now()
    candidacy.eligible = False if election.state == election.State.CLOSED else candidacy.eligible
    candidacy.save(update_fields=["withdrawn_at", "eligible"])
    entry = record.append("withdraw_candidacy", "done", actor=by, articles=[rb.act("withdraw_candidacy")["article"]], detail=_election_detail(election))

    def render(member: Member) -> tuple[str, str]:
        return (_("%(name)s withdrew") % {"name": candidacy.member.name},
                _("%(name)s, whom you nominated, withdrew from the election: %(what)s.") % {"name": candidacy.member.name, "what": what_is_elected(election, rb)})

    outbox.queue(_nominators_of(candidacy), kind="candidacy_withdrawn", render=render, key=f"candidacy:{candidacy.pk}:withdrawn", entry_index=entry.index, channels=("inbox",))
    return candidacy


def eligibility(candidacy: Candidacy, rb: Rulebook | None = None) -> enforce.J.Verdict:
    """Whether the candidate may stand on the ballot today: good standing, the nominations the rules
    want, written acceptance, and what the rules say of the seat (no CC member on the Control
    Commission; an officer drawn from the body). Reads only; the verdict lists the articles."""
    today = clock.today()
    rb = rb or rulebook_on(today)
    election = candidacy.election
    facts = {**_election_facts(election), "nominators": candidacy.nominations.count(), "accepted": candidacy.accepted}
    return enforce.J.judge(rb, enforce.proposal("stand_for_election", actor=None, target=candidacy.member, facts=facts, on=today))


def _check_candidates(election: Election, rb: Rulebook) -> tuple[list[Candidacy], list[tuple[Candidacy, enforce.J.Verdict]]]:
    """Judge every candidacy not withdrawn; fix who stands. Returns (standing, not standing)."""
    standing: list[Candidacy] = []
    out: list[tuple[Candidacy, enforce.J.Verdict]] = []
    for candidacy in election.candidacies.select_related("member", "election", "election__seat_body").filter(withdrawn_at__isnull=True).order_by("member__name", "pk"):
        verdict = eligibility(candidacy, rb)
        candidacy.eligible = verdict.allowed
        candidacy.ineligible_articles = sorted(set(verdict.articles))
        candidacy.save(update_fields=["eligible", "ineligible_articles"])
        if verdict.allowed:
            standing.append(candidacy)
        else:
            out.append((candidacy, verdict))
    return standing, out


@consequential
def close_nominations(election: Election, *, by: Member) -> Election:
    """Close nominations and check every candidate: only the nominated, accepted and eligible stand.
    Those who do not are told why, with the articles."""

    election = _locked_election(election)
    _require_state(election, election.State.NOMINATIONS)
    prop = enforce.proposal("close_nominations", actor=by, decision=Decision(by=by, body=election.electing_body), facts=_election_facts(election))
    rb = enforce.check(prop, actor=by, detail=_election_detail(election))
    standing, out = _check_candidates(election, rb)
    election.state = election.State.CLOSED
    election.closed_at = clock.now()
    election.save(update_fields=["state", "closed_at"])
    entry = record.append("close_nominations", "done", actor=by, articles=[rb.act("close_nominations")["article"]], detail=_election_detail(election, standing=len(standing), not_standing=len(out)))
    for candidacy, verdict in out:
        outbox.queue([candidacy.member], kind="not_on_ballot", render=_not_on_ballot(election, rb, verdict), key=f"candidacy:{candidacy.pk}:closed", entry_index=entry.index, channels=("inbox", "email"))
    return election


@consequential
def reopen_nominations(election: Election, *, by: Member) -> Election:
    """Open nominations again after they closed and before the ballot (when nobody stands, say),
    by the same authority that opens them. Candidacies already made stay; all are checked again at
    the next close."""

    election = _locked_election(election)
    _require_state(election, election.State.CLOSED)
    facts = {"office": election.office} if election.office else {"seat_body_kind": election.seat_body.kind}
    prop = enforce.proposal("open_nominations", actor=by, decision=Decision(by=by, body=election.electing_body), facts=facts)
    rb = enforce.check(prop, actor=by, detail=_election_detail(election))
    election.state = election.State.NOMINATIONS
    election.closed_at = None
    election.save(update_fields=["state", "closed_at"])
    entry = record.append("open_nominations", "done", actor=by, articles=[rb.act("open_nominations")["article"]], detail=_election_detail(election, seats=election.seats, reopened=True))

    def render() -> tuple[str, str]:
        what = what_is_elected(election, rb)
        return _("Nominations are open again: %(what)s") % {"what": what}, _("Nominations for %(what)s have been opened again.") % {"what": what}

    outbox.queue(rosters.roster(election.electing_body, clock.today(), rb).select_related(None), kind="nominations_open", render=render, key=f"election:{election.pk}:reopen:{entry.index}", entry_index=entry.index, channels=("inbox",))
    return election


def _not_on_ballot(election: Election, rb: Rulebook, verdict: enforce.J.Verdict) -> Any:
    def render(member: Member) -> tuple[str, str]:
        reasons = "\n".join(f"- {breach_message(b)} ({b.article})" for b in verdict.breaches)
        return _("You are not on the ballot"), _("Nominations for %(what)s have closed, and you are not on the ballot:\n%(reasons)s") % {"what": what_is_elected(election, rb), "reasons": reasons}

    return render


def ballot_labels(members: list[Member]) -> list[str]:
    """Names as on the ballot paper; two candidates of the same name are told apart by number."""
    names = [m.name.strip() for m in members]
    return [f"{m.name.strip()} ({m.number})" if names.count(m.name.strip()) > 1 else m.name.strip() for m in members]


@consequential
def put_to_ballot(election: Election, *, by: Member, meeting: Meeting | None = None) -> Poll:
    """The ballot: a secret poll of the electing body at its meeting, counted by the rules' method,
    with the standing candidates (checked again today) as its options. Run it with the poll's acts.

    With no more candidates than seats the ballot is still held (the rules fill seats by election,
    not by acclamation): the count elects those who stand and leaves the other seats vacant, for a
    by-election."""

    election = _locked_election(election)
    _require_state(election, election.State.CLOSED)
    meeting = meeting or election.meeting
    if meeting is None or meeting.body_id != election.electing_body_id:
        raise InvalidInput(_("Name the meeting of the %(body)s at which the ballot is held.") % {"body": election.electing_body.name})
    rb = rulebook_on(clock.today())
    standing, _out = _check_candidates(election, rb)
    if not standing:
        raise InvalidInput(_("No candidate stands for %(what)s: there is nothing to vote on. Open nominations again.") % {"what": what_is_elected(election, rb)})
    members = [c.member for c in standing]
    method = poll_rules.election_method(rb, election.seat_body.kind, election.seats) or Poll.Method.SCOTTISH_STV
    title = _("Election of %(what)s") % {"what": what_is_elected(election, rb)}
    poll = create_poll(
        election.electing_body, by=by, title=title[:300], method=method, mode=Poll.Mode.SECRET, options=ballot_labels(members),
        seats=election.seats, meeting=meeting, seat_body=election.seat_body, candidates=members,
    )
    election.poll = poll
    election.meeting = meeting
    election.state = election.State.BALLOT
    election.save(update_fields=["poll", "meeting", "state"])
    return poll


def _end_terms_for(election: Election, rb: Rulebook) -> None:
    """An ordinary election ends the seats it replaces (co-opted members serve until it, 3.7)."""
    today = clock.today()
    beyond = held_beyond(election.seat_body, today, rb, office=election.office, elector_kind=election.electing_body.kind).values("pk")
    ending = Mandate.objects.current(today).filter(body=election.seat_body, office=election.office).exclude(pk__in=beyond)
    for mandate in ending.select_related("member", "body"):
        mandate.ended_on = today
        mandate.end_reason = "term ended by election"
        mandate.save(update_fields=["ended_on", "end_reason"])
        record.append("term_expired", "done", subjects=[mandate.member], detail=enforce.detail_for(body=mandate.body, office=mandate.office or None, expired_on=today.isoformat(), election=election.pk))


@consequential
def seat_winners(election: Election, *, by: Member) -> list[Mandate]:
    """After the count is published: seat those it elected, each by ``elect_to_seat`` (or
    ``elect_officer``) with the term the rules give, as the electing body's decision at its meeting."""

    election = _locked_election(election)
    _require_state(election, election.State.BALLOT)
    poll = election.poll
    if poll is None or poll.state != Poll.State.PUBLISHED:
        raise InvalidInput(_("The result of the ballot has not been published yet."))
    rb = rulebook_on(clock.today())
    winners = [o.member for o in elected(poll) if o.member is not None]
    decision = Decision(by=by, body=election.electing_body, meeting=poll.meeting)
    _end_terms_for(election, rb)
    mandates = []
    for member in winners:
        if election.office:
            mandates.append(elect_officer(member, body=election.seat_body, office=election.office, decision=decision, count_method=poll.method))
        else:
            nominators = Candidacy.objects.get(election=election, member=member).nominations.count()
            mandates.append(elect_to_seat(member, body=election.seat_body, decision=decision, nominators=nominators, accepted=True, count_method=poll.method, seats_in_election=election.seats))
    election.state = election.State.SEATED
    election.seated_at = clock.now()
    election.save(update_fields=["state", "seated_at"])
    won = {m.pk for m in winners}
    candidates = [c.member for c in election.candidacies.select_related("member").filter(eligible=True)]

    def render(member: Member) -> tuple[str, str]:
        what = what_is_elected(election, rb)
        if member.pk in won:
            return _("You were elected"), _("The count elected you: %(what)s.") % {"what": what}
        return _("The result of the election"), _("The count has filled %(what)s; you were not elected.") % {"what": what}

    outbox.queue(candidates, kind="election_result", render=render, key=f"election:{election.pk}:seated", entry_index=poll.publish_entry, channels=("inbox", "email"))
    return mandates
