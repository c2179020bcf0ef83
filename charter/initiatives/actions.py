"""Members' initiatives: start, sign, withdraw, bodies' support, and the obligation that reaching the
threshold creates, exactly once, with its deadline (the rulebook's ``initiatives``).

Every step is judged by ``rulebook.initiatives.judge`` under the rules in force on the day and is
on the record with ids and counts only. Signing locks the initiative's row, so the signature that
reaches the threshold is the one that creates the obligation however many arrive at once. A
document to circulate (``fulfilled_by: circulated_unaltered``) is sent, unaltered, to every
addressee in the transaction of the signature that reaches its threshold: no officer stands between
the members and their document. How an obligation is fulfilled is in ``fulfilment.py``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.utils.translation import gettext as _

from charter.initiatives.models import Endorsement, Initiative, Obligation, Signature
from charter.lib import clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.meetings.models import Motion
from charter.members.models import Member
from charter.notices import outbox
from charter.org.models import Body
from charter.record import log as record
from charter.rulebook import enforce, rosters
from charter.rulebook import initiatives as R
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused, consequential
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on

State = Initiative.State
TITLE_MAX = 200
TEXT_MAX = 50_000


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check(rb: Rulebook, step: R.Step, *, actor: Member, detail: dict[str, Any]) -> dict[str, Any]:
    """Judge ``step``; raise :class:`Refused` unless allowed (recorded when a body's or an office's
    authority was claimed, as for every act). Returns the initiative's rule."""
    verdict = R.judge(rb, step)
    if not verdict.allowed:
        proposal = J.Proposal(act=step.act, on=step.on, actor=step.actor, body=step.body, office=step.office)
        claimed = step.body is not None or bool(step.office)
        raise Refused(verdict, proposal, actor=actor, detail=detail, on_record=claimed)
    return R.rule(rb, step.kind)


def lock(initiative: Initiative | int) -> Initiative:
    """The initiative's row, locked until the act commits (the body addressed is read when needed)."""
    pk = initiative if isinstance(initiative, int) else initiative.pk
    return Initiative.objects.select_for_update().get(pk=pk)


def signer(member: Member, on: dt.date, rb: Rulebook) -> J.Person:
    """What signing asks of a person: their status and standing on the day (one query; signing
    claims no seat or office, so none are read)."""
    return J.Person(id=member.pk, status=member.status, good_standing=enforce.good_standing(member, on, rb), unit=None)


def body_or_none(body: Body | None) -> J.Body | None:
    return enforce.body_facts(body) if body is not None else None


# --- start, sign, withdraw ---------------------------------------------------------------------


@consequential
def start_initiative(*, by: Member, kind: str, title: str, text: str, addressed_to: Body | None = None) -> Initiative:
    """Start an initiative (or submit a document to circulate) of a kind the rules provide for."""
    title, text = title.strip(), text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(_("Give a title of at most %(n)s characters.") % {"n": TITLE_MAX})
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(_("Give the text, of at most %(n)s characters.") % {"n": TEXT_MAX})
    now = clock.now()
    today = now.date()
    rb = rulebook_on(today)
    if addressed_to is None:
        addressed_to = _the_body_addressed(rb, kind)
    step = R.Step(R.START, kind, today, enforce.person_facts(by, today, rb), addressed=body_or_none(addressed_to))
    rule = check(rb, step, actor=by, detail={"kind": kind})
    base = rosters.members_in_good_standing(rb, today).count()
    ini = Initiative.objects.create(
        kind=kind, title=title, text=text, text_sha256=text_hash(text), addressed_to=addressed_to, started_by=by,
        started_at=now, members_in_good_standing=base, needed=R.needed(rule, base), counted_on=today,
    )
    entry = record.append(
        R.START, "done", actor=by, articles=[rule["article"]],
        detail=enforce.detail_for(body=addressed_to, initiative=ini.pk, kind=kind, text_sha256=ini.text_sha256, needed=ini.needed, members_in_good_standing=base),
    )
    ini.entry_index = entry.index
    ini.save(update_fields=["entry_index"])
    return ini


def _the_body_addressed(rb: Rulebook, kind: str) -> Body | None:
    """The body a kind is addressed to, when the rules name one and the organization has one such body."""
    try:
        to = str(R.rule(rb, kind)["addressed_to"])
    except KeyError:
        return None
    found = list(Body.objects.filter(kind=to)[:2]) if to != "any_body" else []
    return found[0] if len(found) == 1 else None


@consequential
def sign_initiative(initiative: Initiative | int, *, by: Member) -> Signature:
    """Sign: counted once, if the signer is in good standing. May create the obligation."""
    now = clock.now()
    today = now.date()
    rb = rulebook_on(today)
    actor = signer(by, today, rb)  # read before the lock: it does not depend on the initiative
    me = record.commitment_for(by)  # nor does the signer's commitment on the log (made once, kept)
    ini = lock(initiative)
    # Asked after the lock is held, in a query of its own: a subquery in the locking statement would
    # read the snapshot from before the wait and miss a signature committed meanwhile.
    signed = Signature.objects.filter(initiative=ini, member=by, withdrawn_at__isnull=True).exists()
    rule = check(rb, R.Step(R.SIGN, ini.kind, today, actor, state=ini.state, signed=signed), actor=by, detail={"initiative": ini.pk})
    recount(ini, rule, rb, today)
    ini.signature_count += 1
    entry = record.append(R.SIGN, "done", actor=me, detail={"initiative": ini.pk, "signatures": ini.signature_count}, articles=[rule["article"]])
    signature = Signature.objects.create(initiative=ini, member=by, signed_at=now, entry_index=entry.index)
    reach_if_due(ini, rule, rb, now)
    ini.save(update_fields=["signature_count", "members_in_good_standing", "needed", "counted_on", "state"])
    return signature


@consequential
def withdraw_signature(initiative: Initiative | int, *, by: Member) -> Signature:
    """Withdraw a signature, which is possible only while the threshold has not been reached."""
    now = clock.now()
    today = now.date()
    rb = rulebook_on(today)
    actor = signer(by, today, rb)
    ini = lock(initiative)
    signature = Signature.objects.filter(initiative=ini, member=by, withdrawn_at__isnull=True).first()
    step = R.Step(R.WITHDRAW, ini.kind, today, actor, state=ini.state, signed=signature is not None)
    rule = check(rb, step, actor=by, detail={"initiative": ini.pk})
    assert signature is not None  # the judge refuses a withdrawal without a signature
    recount(ini, rule, rb, today)
    if actor.good_standing:  # only a counted signature lowers the count
        ini.signature_count -= 1
    entry = record.append(R.WITHDRAW, "done", actor=by, detail={"initiative": ini.pk, "signatures": ini.signature_count}, articles=[rule["article"]])
    signature.withdrawn_at = now
    signature.withdrawn_entry_index = entry.index
    signature.save(update_fields=["withdrawn_at", "withdrawn_entry_index"])
    ini.save(update_fields=["signature_count", "members_in_good_standing", "needed", "counted_on"])
    return signature


# --- bodies' support ------------------------------------------------------------------------------


@consequential
def endorse_initiative(initiative: Initiative | int, *, decision: Decision) -> Endorsement:
    """A body of the kind the threshold names supports the initiative, by a decision at a meeting."""
    now = clock.now()
    today = now.date()
    rb = rulebook_on(today)
    ini = lock(initiative)
    endorsed = Endorsement.objects.filter(initiative=ini, body=decision.body).exists()
    step = R.Step(R.ENDORSE, ini.kind, today, enforce.person_facts(decision.by, today, rb), body=enforce.body_facts(decision.body), state=ini.state, endorsed=endorsed)
    rule = check(rb, step, actor=decision.by, detail=enforce.detail_for(body=decision.body, initiative=ini.pk))
    text = _("Support initiative %(n)s: %(title)s") % {"n": ini.pk, "title": ini.title}
    detail = {"initiative": ini.pk, "supports": True}
    rb_decision = judge_decision("decide_motion", decision, text=text, facts={"concerns_body_id": decision.body.pk}, detail=detail)
    entry = carried("decide_motion", decision, rb_decision, text=text, detail=detail)
    motion = Motion.objects.get(meeting=decision.meeting, entry_index=entry.index)
    row = Endorsement.objects.create(initiative=ini, body=decision.body, motion=motion, entry_index=entry.index)
    recount(ini, rule, rb, today)
    ini.endorsement_count += 1
    reach_if_due(ini, rule, rb, now)
    ini.save(update_fields=["endorsement_count", "signature_count", "members_in_good_standing", "needed", "counted_on", "state"])
    return row


# --- counting, the threshold, the obligation ---------------------------------------------------------


def recount(ini: Initiative, rule: dict[str, Any], rb: Rulebook, today: dt.date) -> None:
    """On a new day, count again against the membership of the day: members in good standing, the
    threshold, and the signatures of those still in good standing. The row must be locked."""
    if ini.counted_on == today:
        return
    good = rosters.members_in_good_standing(rb, today)
    ini.members_in_good_standing = good.count()
    ini.needed = R.needed(rule, ini.members_in_good_standing)
    ini.signature_count = Signature.objects.filter(initiative=ini, withdrawn_at__isnull=True, member__in=good).count()
    ini.counted_on = today


def reach_if_due(ini: Initiative, rule: dict[str, Any], rb: Rulebook, now: dt.datetime) -> Obligation | None:
    """Create the obligation when the threshold is reached: only from COLLECTING, under the row
    lock, and the one-to-one row makes a second one impossible anyway."""
    if ini.state != State.COLLECTING:
        return None
    if not R.reached(rule, signatures=ini.signature_count, members_in_good_standing=ini.members_in_good_standing, endorsements=ini.endorsement_count):
        return None
    today = now.date()
    due = R.due_on(rule, today)
    entry = record.append(
        "initiative_threshold_reached", "done", articles=[rule["article"]],
        detail=enforce.detail_for(
            body=ini.addressed_to, initiative=ini.pk, signatures=ini.signature_count, needed=ini.needed,
            members_in_good_standing=ini.members_in_good_standing, bodies=ini.endorsement_count or None, due_on=due.isoformat(),
        ),
    )
    obligation = Obligation.objects.create(
        initiative=ini, body=ini.addressed_to, arose_at=now, due_on=due, signature_count=ini.signature_count,
        endorsement_count=ini.endorsement_count, members_in_good_standing=ini.members_in_good_standing, needed=ini.needed,
        entry_index=entry.index,
    )
    ini.state = State.OPEN
    if R.circulates(rule):
        circulate(ini, obligation, rule, rb, now)
    elif ini.addressed_to is not None:
        _tell_the_body(ini, rule, rb, today, due, entry.index)
    return obligation


def _tell_the_body(ini: Initiative, rule: dict[str, Any], rb: Rulebook, today: dt.date, due: dt.date, entry_index: int) -> None:
    body = ini.addressed_to
    assert body is not None

    def render() -> tuple[str, str]:
        subject = _("Members' initiative: the %(body)s must act by %(due)s") % {"body": body.name, "due": dates.day(due)}
        text = _("Enough members have signed \"%(title)s\" (article %(article)s). %(what)s\n\n%(text)s") % {
            "title": ini.title, "article": rule["article"], "what": R.obligation_words(rb, rule, body.name), "text": ini.text,
        }
        return subject, text

    outbox.queue(rosters.attendees(body, today, rb), kind="initiative_obligation", render=render, key=f"initiative:{ini.pk}:obligation", entry_index=entry_index, channels=("inbox", "email"))


def circulate(ini: Initiative, obligation: Obligation, rule: dict[str, Any], rb: Rulebook, now: dt.datetime) -> None:
    """Send the text, exactly as submitted, to every addressee: the members of the body it is
    addressed to, or all members. This fulfils the obligation; the worker delivers the notices."""
    addressees = rosters.attendees(ini.addressed_to, now.date(), rb) if ini.addressed_to is not None else Member.objects.current()
    count = addressees.count()
    entry = record.append(
        "circulate_document", "done", articles=[rule["article"]],
        detail=enforce.detail_for(body=ini.addressed_to, initiative=ini.pk, text_sha256=ini.text_sha256, addressees=count),
    )

    def render() -> tuple[str, str]:  # the same for every addressee: only the subject is translated
        subject = _("Circulated under article %(article)s: %(title)s") % {"article": rule["article"], "title": ini.title}
        return subject[:300], ini.text

    outbox.queue(addressees, kind="circulated_document", render=render, key=f"initiative:{ini.pk}:text", entry_index=entry.index)
    obligation.fulfilled_at = now
    obligation.fulfilled_entry_index = entry.index
    obligation.save(update_fields=["fulfilled_at", "fulfilled_entry_index"])
    ini.state = State.FULFILLED


# --- attempts to stop or change a document ------------------------------------------------------


@consequential
def stop_circulation(initiative: Initiative | int, *, by: Member, body: Body | None = None, office: str = "") -> None:
    """An officer or a body trying to hold a document back. The rules give nobody this power: the
    attempt is refused, with the article, and on the record when authority was claimed."""
    _interfere(R.STOP, initiative, by=by, body=body, office=office)


@consequential
def alter_document(initiative: Initiative | int, *, by: Member, text: str, body: Body | None = None, office: str = "") -> None:
    """An attempt to change a document's text: refused like :func:`stop_circulation`."""
    _interfere(R.ALTER, initiative, by=by, body=body, office=office, proposed_sha256=text_hash(text))


def _interfere(act: str, initiative: Initiative | int, *, by: Member, body: Body | None, office: str, **extra: Any) -> None:
    today = clock.today()
    rb = rulebook_on(today)
    ini = lock(initiative)
    step = R.Step(act, ini.kind, today, enforce.person_facts(by, today, rb), addressed=body_or_none(ini.addressed_to), body=body_or_none(body), office=office, state=ini.state)
    detail = enforce.detail_for(body=body, initiative=ini.pk, text_sha256=ini.text_sha256, office=office or None, **extra)
    check(rb, step, actor=by, detail=detail)  # refuses every such attempt
