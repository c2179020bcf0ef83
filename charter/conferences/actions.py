"""Conferences and congresses: convening, registration, delegates, credentials, check-in, the
programme and the commissions' decisions. Each is an act of the rulebook (``category:
conferences``), judged, written, on the record and with its notices, in one transaction.

Who may act comes from the rulebook: the body that convenes (6.1, 3.1), the member themself for
registration, an organizer named by the convening decision for observers, the programme and
check-in, the chair of a commission for its decisions, the branch meeting for delegates, the body
the rules name for a dispute over credentials.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from charter.conferences.models import (
    CheckIn,
    Commission,
    CommissionDecision,
    Conference,
    CredentialDecision,
    CredentialDispute,
    DelegateAllocation,
    Item,
    Participant,
    Session,
)
from charter.conferences.permissions import deciding_kinds
from charter.conferences.queries import delegates_of, organizes
from charter.lib import clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.members.models import Member
from charter.notices import outbox
from charter.org.models import Body, Mandate, Unit
from charter.record import log as record
from charter.rulebook import compute, enforce, rosters
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on

# Badge codes: no 0/O, 1/I/L, so a code typed from a badge is read right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
ATTRIBUTE_MAX = 100
ATTRIBUTE_KEYS = ("sector", "organization", "gender", "region")


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not Participant.objects.filter(code=code).exists():
            return code


def normal_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]


def _lock(conference: Conference | int) -> Conference:
    pk = conference if isinstance(conference, int) else conference.pk
    return (
        Conference.objects.select_for_update(of=("self",))
        .select_related("body", "body__unit")
        .get(pk=pk)
    )


def _detail(conference: Conference, **extra: Any) -> dict[str, Any]:
    return enforce.detail_for(body=conference.body, conference=conference.pk, **extra)


def _article(rb: Rulebook, act: str) -> list[str]:
    return [str(rb.act(act)["article"])]


def _judge(
    act: str,
    conf: Conference,
    by: Member,
    facts: Mapping[str, Any],
    *,
    target: Member | None = None,
    on: dt.date | None = None,
    **extra: Any,
) -> Rulebook:
    """Ask the rulebook whether ``by`` may do ``act`` for ``conf`` (refused: with its articles)."""
    return enforce.check(
        enforce.proposal(act, actor=by, target=target, facts=facts, on=on),
        actor=by,
        detail=_detail(conf, **extra),
    )


def _done(
    act: str, rb: Rulebook, conf: Conference, *, by: Member, row: Any = None, **extra: Any
) -> Any:
    """Append ``act`` done by ``by`` to the record with the act's article; the row it made (if
    any) carries the entry's index."""
    entry = record.append(
        act, "done", actor=by, articles=_article(rb, act), detail=_detail(conf, **extra)
    )
    if row is not None:
        row.entry_index = entry.index
        row.save(update_fields=["entry_index"])
    return entry


def _title(field: str, value: str) -> str:
    """A title or a name: given, and at most 200 characters."""
    value = (value or "").strip()
    if not value or len(value) > 200:
        raise InvalidInput(
            _("%(field)s: give a text of at most 200 characters.") % {"field": field}
        )
    return value


def _a_day_of(conf: Conference, day: dt.date) -> None:
    if not conf.starts_on <= day <= conf.ends_on:
        raise InvalidInput(
            _("day: %(day)s is not a day of this conference.") % {"day": day.isoformat()}
        )


def _region_answer(conf: Conference, member: Member, rb: Rulebook) -> str | None:
    """A member's region for the report, when the conference asks it: taken from their branch."""
    if "region" in [a.get("key") for a in conf.attributes or []]:
        return region_of(member, rb)
    return None


def congress_kind(rb: Rulebook) -> str:
    """The supreme body made of delegates: a body at the top level whose roster is delegates."""
    top = str(rb.levels[0]["key"])
    for body in rb.bodies:
        if body["level"] == top and body["roster"] == "delegates":
            return str(body["key"])
    raise InvalidInput(_("These rules have no congress of delegates."))


def region_of(member: Member, rb: Rulebook) -> str:
    """The name of the member's unit at the level below the top (a region), for the report."""
    if len(rb.levels) < 2:
        return ""
    level = str(rb.levels[1]["key"])
    for unit in member.branch.ancestors():
        if unit.level == level:
            return unit.name
    return ""


def clean_attributes(conference: Conference, answers: Mapping[str, Any]) -> dict[str, str]:
    """Keep the answers to the conference's own questions, trimmed; refuse what is too long."""
    keys = [
        str(a["key"]) for a in conference.attributes or [] if isinstance(a, dict) and a.get("key")
    ]
    out: dict[str, str] = {}
    for key in keys:
        value = str(answers.get(key) or "").strip()
        if len(value) > ATTRIBUTE_MAX:
            raise InvalidInput(
                _("%(field)s: at most %(n)s characters.") % {"field": key, "n": ATTRIBUTE_MAX}
            )
        if value:
            out[key] = value
    return out


def default_attributes() -> list[dict[str, str]]:
    return [
        {"key": "sector", "label": "Sector or workplace"},
        {"key": "organization", "label": "Organization"},
        {"key": "gender", "label": "Gender"},
        {"key": "region", "label": "Region"},
    ]


# --- convening ------------------------------------------------------------------------------------


@consequential
def convene_conference(
    *,
    decision: Decision,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    venue: str = "",
    registration_closes_on: dt.date | None = None,
    attributes: list[dict[str, str]] | None = None,
    organizers: Iterable[Member] = (),
) -> Conference:
    """The convening body's decision at its meeting: a national conference (6.1) or the congress
    (3.1, with the congress's notice, 4.1). Convening a congress allocates its delegates per unit."""
    title, venue = _title("title", title), (venue or "").strip()
    if len(venue) > 200:
        raise InvalidInput(_("venue: at most 200 characters."))
    if ends_on < starts_on:
        raise InvalidInput(_("ends_on: the last day is before the first."))
    if kind not in Conference.Kind.values:
        raise InvalidInput(_("kind: a conference or a congress."))
    today = clock.today()
    if starts_on < today:
        raise InvalidInput(_("starts_on: the first day has passed."))
    rb = rulebook_on(today)
    act = "convene_conference" if kind == Conference.Kind.CONFERENCE else "convene_congress"
    facts: dict[str, Any] = {}
    body = decision.body
    if kind == Conference.Kind.CONGRESS:
        ckind = congress_kind(rb)
        body = Body.objects.select_related("unit").get(kind=ckind, unit__parent=None)
        facts = {"meeting_body_kind": ckind, "notice_hours": (starts_on - today).days * 24}
    text = _("Convene %(title)s, %(start)s to %(end)s") % {
        "title": title,
        "start": starts_on.isoformat(),
        "end": ends_on.isoformat(),
    }
    rb = judge_decision(act, decision, text=text, facts=facts, detail={"kind": kind})
    conference = Conference.objects.create(
        body=body,
        kind=kind,
        title=title,
        venue=venue,
        starts_on=starts_on,
        ends_on=ends_on,
        registration_closes_on=registration_closes_on,
        attributes=attributes if attributes is not None else default_attributes(),
        meeting_id_ref=getattr(decision.meeting, "pk", None),
    )
    people = list(organizers) or [decision.by]
    conference.organizers.set(people)
    allocation = _allocate(conference, rb, today) if kind == Conference.Kind.CONGRESS else []
    delegates = sum(a.delegates for a in allocation) or None
    entry = carried(
        act,
        decision,
        rb,
        text=text,
        detail=enforce.detail_for(
            conference=conference.pk,
            kind=kind,
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
            organizers=len(people),
            delegates=delegates,
            units=len(allocation) or None,
        ),
    )
    conference.entry_index = entry.index
    conference.save(update_fields=["entry_index"])
    DelegateAllocation.objects.filter(conference=conference).update(entry_index=entry.index)

    def render() -> tuple[str, str]:
        return (
            _("Convened: %(title)s") % {"title": title},
            _(
                "%(body)s has convened %(title)s, %(start)s to %(end)s, %(venue)s. Register on the conference's page."
            )
            % {
                "body": decision.body.name,
                "title": title,
                "start": dates.day(starts_on),
                "end": dates.day(ends_on),
                "venue": venue,
            },
        )

    outbox.queue(
        Member.objects.current(),
        kind="conference_convened",
        render=render,
        key=f"conference:{conference.pk}:convened",
        entry_index=entry.index,
        channels=("inbox",),
    )
    return conference


def _allocate(conference: Conference, rb: Rulebook, today: dt.date) -> list[DelegateAllocation]:
    """Delegates per unit by the rules (WDA 3.1: one per 10 members in good standing, at least one)."""
    rule = rb.body(congress_kind(rb)).get("delegates") or {}
    level = str(rb.body(str(rule["elected_by"]))["level"])
    good = rosters.members_in_good_standing(rb, today)
    rows = []
    for unit in Unit.objects.filter(level=level, dissolved_on__isnull=True).order_by("path"):
        n = good.within(unit).count()
        rows.append(
            DelegateAllocation(
                conference=conference,
                unit=unit,
                members_in_good_standing=n,
                delegates=compute.delegates_for(n, rule),
            )
        )
    return DelegateAllocation.objects.bulk_create(rows)


# --- registration ---------------------------------------------------------------------------------


def _registration_facts(conference: Conference) -> dict[str, Any]:
    return {
        "registration_closes_on": conference.registration_closes_on or conference.ends_on,
        "conference_state": conference.state,
    }


@consequential
def register_for_conference(
    conference: Conference | int, *, by: Member, attributes: Mapping[str, Any] | None = None
) -> Participant:
    """A member registers themself: a member in good standing (the rules' article), with vote at a
    conference where the rules give members the vote, without at a congress (only delegates vote)."""
    conf = _lock(conference)
    now = clock.now()
    today = now.date()
    rb = _judge("register_for_conference", conf, by, _registration_facts(conf), target=by, on=today)
    if Participant.objects.filter(conference=conf, member=by).exists():
        raise InvalidInput(_("You are already registered for this conference."))
    answers = clean_attributes(conf, attributes or {})
    region = _region_answer(conf, by, rb)
    if region is not None:
        answers["region"] = region or answers.get("region", "")
    members_vote = bool(rb.section("conferences").get("members_vote"))
    has_vote = members_vote and conf.kind == Conference.Kind.CONFERENCE
    participant = Participant.objects.create(
        conference=conf,
        member=by,
        name=by.name,
        category=Participant.Category.MEMBER,
        has_vote=has_vote,
        attributes=answers,
        code=new_code(),
        registered_at=now,
    )
    entry = _done(
        "register_for_conference",
        rb,
        conf,
        by=by,
        row=participant,
        participant=participant.pk,
        category=participant.category,
        vote=has_vote,
    )

    def render(member: Member) -> tuple[str, str]:
        vote = _("with vote") if has_vote else _("without vote")
        return (
            _("Registered: %(title)s") % {"title": conf.title},
            _(
                "You are registered for %(title)s (%(vote)s). Your badge code is %(code)s: show it at the door each day."
            )
            % {"title": conf.title, "vote": vote, "code": participant.code},
        )

    outbox.queue(
        [by],
        kind="conference_registered",
        render=render,
        key=f"participant:{participant.pk}:registered",
        entry_index=entry.index,
        channels=("inbox",),
    )
    return participant


@consequential
def register_observer(
    conference: Conference | int,
    *,
    by: Member,
    name: str,
    category: str = Participant.Category.OBSERVER,
    attributes: Mapping[str, Any] | None = None,
    with_vote: bool = False,
) -> Participant:
    """An organizer registers an invited observer or a guest: always without vote (6.1)."""
    name = _title("name", name)
    if category not in (Participant.Category.OBSERVER, Participant.Category.GUEST):
        raise InvalidInput(_("category: an observer or a guest."))
    conf = _lock(conference)
    now = clock.now()
    facts = {
        **_registration_facts(conf),
        "actor_organizes": organizes(conf, by),
        "with_vote": with_vote,
    }
    rb = _judge("register_observer", conf, by, facts, on=now.date())
    participant = Participant.objects.create(
        conference=conf,
        member=None,
        name=name,
        category=category,
        has_vote=False,
        attributes=clean_attributes(conf, attributes or {}),
        code=new_code(),
        registered_at=now,
    )
    _done(
        "register_observer",
        rb,
        conf,
        by=by,
        row=participant,
        participant=participant.pk,
        category=category,
        vote=False,
    )
    return participant


# --- delegates to a congress ----------------------------------------------------------------------


@consequential
def elect_delegate(
    conference: Conference | int,
    member: Member,
    *,
    decision: Decision,
    count_method: str,
    seats_in_election: int,
) -> Participant:
    """A branch meeting (the body the rules name) elects one of its members delegate to the
    congress, by the count of a secret ballot (5.1), within the number allocated to it: a seat on
    the congress until its last day, and a participant with vote."""
    conf = _lock(conference)
    if conf.kind != Conference.Kind.CONGRESS:
        raise InvalidInput(_("Delegates are elected to a congress."))
    today = clock.today()
    rb = rulebook_on(today)
    kind = congress_kind(rb)
    unit = decision.body.unit
    allocation = DelegateAllocation.objects.filter(conference=conf, unit=unit).first()
    elected = delegates_of(conf, unit).count()
    if Participant.objects.filter(
        conference=conf, member=member, category=Participant.Category.DELEGATE
    ).exists():
        raise InvalidInput(_("%(name)s is already a delegate.") % {"name": member.name})
    facts = {
        "seat_body_kind": kind,
        "delegates_allocated": allocation.delegates if allocation else 0,
        "delegates_elected": elected,
        "count_elected": True,
        "count_method": count_method,
        "seats_in_election": seats_in_election,
    }
    text = _("Elect %(name)s delegate to %(title)s") % {"name": member.name, "title": conf.title}
    rb = judge_decision(
        "elect_delegate",
        decision,
        text=text,
        target=member,
        facts=facts,
        subjects=[member],
        detail={"conference": conf.pk},
    )
    entry = carried(
        "elect_delegate",
        decision,
        rb,
        text=text,
        subjects=[member],
        detail=enforce.detail_for(
            unit=unit, conference=conf.pk, delegates=elected + 1, method=count_method
        ),
    )
    Mandate.objects.create(
        body=conf.body,
        member=member,
        filled_by=Mandate.FilledBy.ELECTED,
        decided_by=decision.body,
        meeting_id_ref=getattr(decision.meeting, "pk", None),
        starts_on=today,
        expires_on=conf.ends_on,
        entry_index=entry.index,
    )
    participant = (
        Participant.objects.filter(conference=conf, member=member).select_for_update().first()
    )
    if participant is None:
        region = _region_answer(conf, member, rb)
        answers = {"region": region} if region is not None else {}
        participant = Participant.objects.create(
            conference=conf,
            member=member,
            name=member.name,
            category=Participant.Category.DELEGATE,
            has_vote=True,
            attributes=answers,
            code=new_code(),
            registered_at=clock.now(),
            entry_index=entry.index,
        )
    else:
        participant.category = Participant.Category.DELEGATE
        participant.has_vote = True
        participant.save(update_fields=["category", "has_vote"])

    def render(m: Member) -> tuple[str, str]:
        return (
            _("You were elected delegate"),
            _("The %(body)s elected you delegate to %(title)s. Your badge code is %(code)s.")
            % {"body": decision.body.name, "title": conf.title, "code": participant.code},
        )

    outbox.queue(
        [member],
        kind="delegate_elected",
        render=render,
        key=f"participant:{participant.pk}:delegate",
        entry_index=entry.index,
        channels=("inbox", "email"),
    )
    return participant


@consequential
def elect_delegates_by_poll(
    conference: Conference | int, *, poll: Any, by: Member
) -> list[Participant]:
    """Seat as delegates those a published poll of a branch meeting elected (the voting kernel's
    count), each by :func:`elect_delegate` as the meeting's decision, in one transaction: when one
    winner is refused (no place left), none is seated."""
    from charter.voting.queries import elected

    if poll.meeting is None:
        raise InvalidInput(_("The ballot was not held at a meeting."))
    winners = [o.member for o in elected(poll) if o.member is not None]
    if not winners:
        raise InvalidInput(_("The result of the ballot has not been published yet."))
    decision = Decision(by=by, body=poll.body, meeting=poll.meeting)
    return [
        elect_delegate(
            conference, m, decision=decision, count_method=poll.method, seats_in_election=poll.seats
        )
        for m in winners
    ]


# --- credentials ----------------------------------------------------------------------------------


GROUNDS_MAX = 4000


@consequential
def dispute_credentials(
    participant: Participant, *, by: Participant, grounds: str
) -> CredentialDispute:
    """``by``, a participant registered with a vote, disputes ``participant``'s credentials in
    writing, with grounds. The credentials are in question until the body the rules name decides
    (``decide_credentials``); the disputed participant keeps the vote meanwhile. The disputed
    member and the members of the deciding body are told; the record shows that a dispute was
    raised, not its grounds."""
    p = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("conference", "conference__body", "member")
        .get(pk=participant.pk)
    )
    conf = p.conference
    if by.conference_id != conf.pk or by.member_id is None:
        raise InvalidInput(
            _("Only a member registered at this conference may dispute credentials at it.")
        )
    grounds = (grounds or "").strip()
    if not grounds or len(grounds) > GROUNDS_MAX:
        raise InvalidInput(
            _(
                "grounds: say in writing why the credentials are disputed (at most %(n)s characters)."
            )
            % {"n": GROUNDS_MAX}
        )
    if p.pk == by.pk:
        raise InvalidInput(_("code: a participant cannot dispute their own credentials."))
    if p.credentials != Participant.Credentials.ACCEPTED:
        raise InvalidInput(
            _(
                "code: the credentials of %(name)s are already %(state)s: the body the rules name decides."
            )
            % {"name": p.name, "state": p.get_credentials_display()}
        )
    raiser = Participant.objects.select_related("member").get(pk=by.pk)
    assert raiser.member is not None
    facts = {
        "registered_with_vote": raiser.has_vote
        and raiser.credentials != Participant.Credentials.REJECTED
    }
    rb = _judge("dispute_credentials", conf, raiser.member, facts, target=raiser.member)
    now = clock.now()
    p.credentials = Participant.Credentials.DISPUTED
    p.save(update_fields=["credentials"])
    row = CredentialDispute.objects.create(
        participant=p, raised_by=raiser, grounds=grounds, raised_at=now
    )
    entry = _done("dispute_credentials", rb, conf, by=raiser.member, row=row, participant=p.pk)
    _tell_of_dispute(p, rb, grounds=grounds, entry_index=entry.index, key=f"dispute:{row.pk}")
    return row


def _tell_of_dispute(
    p: Participant, rb: Rulebook, *, grounds: str, entry_index: int, key: str
) -> None:
    """The disputed member, and the members of the body the rules name to decide, are told."""
    kinds = deciding_kinds("decide_credentials", rb)
    article = str(rb.act("decide_credentials")["article"])
    deciders = Body.objects.filter(kind__in=kinds).order_by("pk")
    body_names = ", ".join(b.name for b in deciders)
    title = p.conference.title
    if p.member is not None:

        def to_disputed() -> tuple[str, str]:
            return (
                _("Your credentials at %(title)s are disputed") % {"title": title},
                _(
                    "A participant with a vote disputed your credentials at %(title)s, in writing:\n\n%(grounds)s\n\n"
                    "The %(body)s will decide at its meeting, with reasons (article %(article)s). "
                    "Until it decides, your registration and your vote stand."
                )
                % {"title": title, "grounds": grounds, "body": body_names, "article": article},
            )

        outbox.queue(
            [p.member],
            kind="credentials_disputed",
            render=to_disputed,
            key=key,
            entry_index=entry_index,
            channels=("inbox", "email"),
        )
    today = clock.today()

    def to_body() -> tuple[str, str]:
        return (
            _("A dispute over credentials at %(title)s") % {"title": title},
            _(
                "The credentials of %(name)s (badge %(code)s) at %(title)s are disputed, in writing:\n\n%(grounds)s\n\n"
                "The %(body)s decides at its meeting, with reasons (article %(article)s)."
            )
            % {
                "name": p.name,
                "code": p.code,
                "title": title,
                "grounds": grounds,
                "body": body_names,
                "article": article,
            },
        )

    for body in deciders:
        outbox.queue(
            rosters.attendees(body, today, rb),
            kind="credentials_disputed",
            render=to_body,
            key=f"{key}:body",
            entry_index=entry_index,
            channels=("inbox",),
        )


@consequential
def decide_credentials(
    participant: Participant, *, decision: Decision, accept: bool
) -> CredentialDecision:
    """A dispute over a participant's credentials, decided by the body the rules name at its
    meeting, with reasons. Rejected credentials take the vote away; accepted ones restore it."""
    p = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("conference", "conference__body")
        .get(pk=participant.pk)
    )
    verb = _("Accept") if accept else _("Reject")
    text = _("%(verb)s the credentials of %(name)s") % {"verb": verb, "name": p.name}
    detail = {"conference": p.conference_id, "participant": p.pk, "accepted": accept}
    rb = judge_decision("decide_credentials", decision, text=text, detail=detail)
    entry = carried("decide_credentials", decision, rb, text=text, detail=detail)
    p.credentials = Participant.Credentials.ACCEPTED if accept else Participant.Credentials.REJECTED
    voting = p.category == Participant.Category.DELEGATE or (
        p.category == Participant.Category.MEMBER
        and p.conference.kind == Conference.Kind.CONFERENCE
        and bool(rb.section("conferences").get("members_vote"))
    )
    p.has_vote = accept and voting
    p.save(update_fields=["credentials", "has_vote"])
    return CredentialDecision.objects.create(
        participant=p,
        accepted=accept,
        decided_at=clock.now(),
        meeting_id_ref=getattr(decision.meeting, "pk", None),
        entry_index=entry.index,
    )


# --- check-in -------------------------------------------------------------------------------------


@consequential
def check_in(conference: Conference | int, *, by: Member, code: str) -> tuple[CheckIn, bool]:
    """An organizer checks a participant in, today, by the code on their badge. Idempotent: a
    second scan returns the first check-in and writes nothing (``created`` is False)."""
    conf = Conference.objects.select_related("body", "body__unit").get(
        pk=conference if isinstance(conference, int) else conference.pk
    )
    now = clock.now()
    day = now.date()
    _a_day_of(conf, day)
    code = normal_code(code)
    participant = (
        Participant.objects.select_for_update().filter(conference=conf, code=code).first()
        if code
        else None
    )
    facts = {"actor_organizes": organizes(conf, by), "registered": participant is not None}
    rb = _judge("check_in_participant", conf, by, facts, on=now.date())
    assert participant is not None
    existing = CheckIn.objects.filter(participant=participant, day=day).first()
    if existing is not None:
        return existing, False
    row = CheckIn.objects.create(participant=participant, day=day, checked_in_at=now, by=by)
    _done(
        "check_in_participant",
        rb,
        conf,
        by=by,
        row=row,
        participant=participant.pk,
        day=day.isoformat(),
    )
    return row, True


# --- the programme and the commissions --------------------------------------------------------------


def _plan(conf: Conference, by: Member, **extra: Any) -> tuple[Rulebook, Any]:
    rb = _judge("plan_programme", conf, by, {"actor_organizes": organizes(conf, by)})
    return rb, _done("plan_programme", rb, conf, by=by, **extra)


def _participant_of(conf: Conference, p: Participant | None) -> Participant | None:
    if p is not None and p.conference_id != conf.pk:
        raise InvalidInput(_("%(name)s is not registered for this conference.") % {"name": p.name})
    return p


@consequential
def add_commission(
    conference: Conference | int,
    *,
    by: Member,
    name: str,
    chair: Participant | None = None,
    members: Iterable[Participant] = (),
) -> Commission:
    """A commission of the conference (trade union, youth, …): its chair and members; its
    decisions go as recommendations to the body the rules name."""
    conf = _lock(conference)
    name = _title("name", name)
    people = [_participant_of(conf, m) for m in members]
    _participant_of(conf, chair)
    rb = rulebook_on(clock.today())
    to_kind = rb.section("conferences").get("recommendations_to")
    to = Body.objects.filter(kind=to_kind, unit__parent=None).first() if to_kind else None
    commission = Commission.objects.create(
        conference=conf, name=name, chair=chair, recommends_to=to
    )
    commission.members.set([p for p in people if p is not None] + ([chair] if chair else []))
    _plan(conf, by, commission=commission.pk, members=commission.members.count())
    return commission


@consequential
def add_session(
    conference: Conference | int,
    *,
    by: Member,
    day: dt.date,
    title: str,
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
    commission: Commission | None = None,
) -> Session:
    conf = _lock(conference)
    title = _title("title", title)
    _a_day_of(conf, day)
    if commission is not None and commission.conference_id != conf.pk:
        raise InvalidInput(_("commission: not a commission of this conference."))
    order = Session.objects.filter(conference=conf, day=day).count()
    session = Session.objects.create(
        conference=conf,
        commission=commission,
        day=day,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title,
        order=order,
    )
    _plan(conf, by, session=session.pk, day=day.isoformat())
    return session


@consequential
def add_item(
    session: Session,
    *,
    by: Member,
    title: str,
    lead_off: Participant | None = None,
    lead_off_name: str = "",
    minutes: int = 0,
    speaking_seconds: int = 180,
) -> Item:
    """An item of a session: who leads off (a participant or a named guest) and the time."""
    conf = _lock(session.conference_id)
    title, lead_off_name = _title("title", title), (lead_off_name or "").strip()
    if len(lead_off_name) > 200:
        raise InvalidInput(_("lead_off_name: at most 200 characters."))
    if not 0 <= minutes <= 600 or not 10 <= speaking_seconds <= 3600:
        raise InvalidInput(_("minutes: from 0 to 600; speaking_seconds: from 10 to 3600."))
    _participant_of(conf, lead_off)
    number = Item.objects.filter(session=session).count() + 1
    item = Item.objects.create(
        session=session,
        number=number,
        title=title,
        lead_off=lead_off,
        lead_off_name=lead_off_name or (lead_off.name if lead_off else ""),
        minutes=minutes,
        speaking_seconds=speaking_seconds,
    )
    _plan(conf, by, session=session.pk, item=item.pk, minutes=minutes)
    return item


@consequential
def decide_in_commission(
    commission: Commission,
    *,
    by: Member,
    text: str,
    votes_yes: int,
    votes_no: int = 0,
    votes_abstain: int = 0,
) -> CommissionDecision:
    """The commission's chair records a decision it took by majority: numbered in order, a
    recommendation to the body the rules name (6.1: to the CC), which is told."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text or len(text) > 5000:
        raise InvalidInput(_("text: give the decision, of at most 5000 characters."))
    if min(votes_yes, votes_no, votes_abstain) < 0:
        raise InvalidInput(_("votes: counts cannot be negative."))
    c = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("conference", "conference__body", "chair", "recommends_to")
        .get(pk=commission.pk)
    )
    chairs = c.chair is not None and c.chair.member_id == by.pk
    facts = {"actor_chairs": chairs, "votes_yes": votes_yes, "votes_no": votes_no}
    rb = _judge("decide_in_commission", c.conference, by, facts, commission=c.pk)
    number = (c.decisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    entry = _done(
        "decide_in_commission",
        rb,
        c.conference,
        by=by,
        commission=c.pk,
        number=number,
        text_sha256=digest,
        votes={"yes": votes_yes, "no": votes_no, "abstain": votes_abstain},
        recommends_to=c.recommends_to_id,
    )
    row = CommissionDecision.objects.create(
        commission=c,
        number=number,
        text=text,
        votes_yes=votes_yes,
        votes_no=votes_no,
        votes_abstain=votes_abstain,
        recommends_to=c.recommends_to,
        decided_at=clock.now(),
        entry_index=entry.index,
    )
    if c.recommends_to is not None:
        to = c.recommends_to

        def render() -> tuple[str, str]:
            return (
                _("A recommendation from the %(commission)s") % {"commission": c.name},
                _("The %(commission)s of %(title)s recommends (decision %(n)s):\n\n%(text)s")
                % {"commission": c.name, "title": c.conference.title, "n": number, "text": text},
            )

        outbox.queue(
            rosters.attendees(to, clock.today(), rb),
            kind="commission_recommendation",
            render=render,
            key=f"commission_decision:{row.pk}",
            entry_index=entry.index,
            channels=("inbox",),
        )
    return row
