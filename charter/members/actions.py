"""Every change to a person's membership: applying, admission or refusal, lapse and reinstatement,
resignation, transfer, dues. Founders enrolled while the founding period is open."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from charter.accounts.models import User
from charter.discipline.models import Appeal, Hearing, Reply
from charter.lib import bulk, clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.members.models import DuesPayment, Member, Status, StatusChange, Transfer
from charter.notices import outbox
from charter.notices.models import Notice
from charter.org.models import Organization, Unit
from charter.record import log as record
from charter.record.models import Subject
from charter.rulebook import enforce
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.store import rulebook_on


class InvalidMember(InvalidInput):
    pass


def _number_prefix() -> str:
    org = Organization.objects.filter(id=1).first()
    rb = rulebook_on(clock.today())
    return str(rb.data["organization"].get("short_name") or (org.name[:3] if org else "M")).upper()


def _new_member(*, name: str, branch: Unit, phone: str, email: str, language: str, status: str) -> Member:
    rb = rulebook_on(clock.today())
    if branch.level != rb.home_level:
        raise InvalidMember(_("Members belong to a %(level)s; %(unit)s is a %(its)s.") % {"level": rb.level(rb.home_level)["name"], "unit": branch.name, "its": branch.level})
    if branch.dissolved_on is not None:
        raise InvalidMember(_("%(unit)s has been dissolved.") % {"unit": branch.name})
    if not name.strip():
        raise InvalidMember(_("A member needs a name."))
    today = clock.today()
    member = Member.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:24]}", name=name.strip(), branch=branch, phone=phone, email=email,
        language=language or "en", status=status, status_since=today, applied_on=today,
    )
    member.number = f"{_number_prefix()}-{member.pk:06d}"
    member.save(update_fields=["number"])
    return member


def _set_status(member: Member, status: str, *, reason: str = "", entry_index: int | None = None) -> None:
    today = clock.today()
    StatusChange.objects.create(member=member, on=today, status_from=member.status, status_to=status, reason=reason, entry_index=entry_index)
    member.status = status
    member.status_since = today
    member.save(update_fields=["status", "status_since", "joined_on", "dues_paid_until"])


def _tell(member: Member, kind: str, key: str, entry_index: int, words: Callable[[], tuple[str, str]]) -> None:
    """``words()`` runs with the member's language active (not the language of whoever acted)."""
    outbox.queue([member], kind=kind, render=lambda m: words(), key=key, entry_index=entry_index)


@consequential
def enrol_founder(*, name: str, branch: Unit, phone: str = "", email: str = "", language: str = "en") -> Member:
    """A founding member, enrolled while the founding period is open (on the record as such)."""
    from charter.org.actions import require_founding

    require_founding()
    member = _new_member(name=name, branch=branch, phone=phone, email=email, language=language, status=Status.APPLICANT)
    member.joined_on = clock.today()
    member.dues_paid_until = clock.today()
    entry = record.append("enrol_founder", "done", subjects=[member], detail=enforce.detail_for(unit=branch, founding=True))
    _set_status(member, Status.MEMBER, reason="founding", entry_index=entry.index)
    return member


@consequential
def apply_for_membership(*, name: str, branch: Unit, phone: str = "", email: str = "", language: str = "en") -> Member:
    member = _new_member(name=name, branch=branch, phone=phone, email=email, language=language, status=Status.APPLICANT)
    prop = enforce.proposal("apply_for_membership", actor=member, target=member)
    rb = enforce.check(prop, actor=member, subjects=[member])
    entry = record.append("apply_for_membership", "done", actor=member, subjects=[member], detail=enforce.detail_for(unit=branch), articles=[rb.act("apply_for_membership")["article"]])
    StatusChange.objects.create(member=member, on=clock.today(), status_from="", status_to=Status.APPLICANT, entry_index=entry.index)
    return member


@consequential
def admit_member(member: Member, *, decision: Decision) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    text = _("Admit %(name)s to %(branch)s") % {"name": member.number, "branch": member.branch.name}
    rb = judge_decision("admit_member", decision, text=text, target=member, subjects=[member], detail={"unit": {"id": member.branch_id}})
    member.joined_on = clock.today()
    member.dues_paid_until = member.dues_paid_until or clock.today()
    entry = carried("admit_member", decision, rb, text=text, subjects=[member])
    _set_status(member, Status.MEMBER, entry_index=entry.index)
    _tell(member, "admitted", f"admit:{entry.index}", entry.index, lambda: (_("Welcome: you are now a member"), _("The %(body)s has admitted you as a member of %(branch)s.") % {"body": decision.body.name, "branch": member.branch.name}))
    return member


@consequential
def refuse_admission(member: Member, *, decision: Decision) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    text = _("Refuse the application of %(name)s") % {"name": member.number}
    rb = judge_decision("refuse_admission", decision, text=text, target=member, subjects=[member])
    entry = carried("refuse_admission", decision, rb, text=text, subjects=[member])
    _set_status(member, Status.REFUSED, reason=decision.reasons[:300], entry_index=entry.index)
    _tell(member, "refused", f"refuse:{entry.index}", entry.index, lambda: (_("Your application was refused"), _("The %(body)s refused your application, for these reasons:\n%(reasons)s") % {"body": decision.body.name, "reasons": decision.reasons}))
    return member


@consequential
def send_dues_reminder(member: Member) -> int:
    """A written reminder of arrears (the step before a lapse). Charter sends it under the rules."""
    rb = rulebook_on(clock.today())
    lapse = rb.section("membership").get("lapse") or {}
    entry = record.append("dues_reminder", "done", subjects=[member], articles=[lapse.get("article", "")] if lapse else [])
    paid_until = member.dues_paid_until
    _tell(member, "dues_reminder", f"reminder:{entry.index}", entry.index, lambda: (_("Your dues are in arrears"), _("Our records show your dues paid up to %(paid)s. Please pay your arrears to keep your membership.") % {"paid": dates.day(paid_until) if paid_until else "?"}))
    return entry.index


def _reminder_dates(member: Member) -> list[dt.date]:
    rows = Notice.objects.filter(member=member, kind="dues_reminder", channel="inbox", created_at__date__gte=member.dues_paid_until or dt.date.min)
    return sorted({n.created_at.date() for n in rows})


@consequential
def lapse_member(member: Member) -> Member:
    """Charter applies the lapse rule: only after the arrears and the reminders the rules require."""
    from charter.rulebook.compute import arrears_months

    member = Member.objects.select_for_update().get(pk=member.pk)
    today = clock.today()
    facts = {"arrears_months": arrears_months(member.dues_paid_until, today), "reminder_dates": _reminder_dates(member)}
    prop = enforce.proposal("lapse_member", actor=None, target=member, facts=facts)
    rb = enforce.check(prop, actor=None, subjects=[member])
    entry = record.append("lapse_member", "done", subjects=[member], detail={"arrears_months": facts["arrears_months"], "reminders": len(facts["reminder_dates"])}, articles=[rb.act("lapse_member")["article"]])
    _set_status(member, Status.LAPSED, reason="arrears", entry_index=entry.index)
    _tell(member, "lapsed", f"lapse:{entry.index}", entry.index, lambda: (_("Your membership has lapsed"), _("Your membership has lapsed because of arrears. This is not a disciplinary measure: paying the arrears restores it.")))
    return member


def office_units(member: Member | None, office: str) -> list[int]:
    """The units whose accounts ``member`` keeps under ``office`` today (the units of its bodies)."""
    if member is None or not office:
        return []
    from charter.org.models import Mandate

    rows = Mandate.objects.current().filter(member=member, office=office, suspended=False)
    return list(rows.values_list("body__unit_id", flat=True))


def treasurer_office(member: Member | None, act: str = "record_dues_payment") -> str:
    """The office under which ``member`` may do a finance act, as the rulebook names it ("" if none)."""
    if member is None:
        return ""
    from charter.org.models import Mandate

    rb = rulebook_on(clock.today())
    offices = [d["office"] for d in rb.act(act)["decided_by"] if "office" in d]
    held = set(Mandate.objects.current().filter(member=member, office__in=offices, suspended=False).values_list("office", flat=True))
    return next((o for o in offices if o in held), offices[0] if offices else "")


def apply_dues_payment(member: Member, *, months: int, amount: str | Decimal, reference: str, entry_index: int, paid_on: dt.date | None = None) -> DuesPayment:
    """Within an act already judged and on the record: extend the member's dues and restore a lapsed
    membership when the rules allow it. ``member`` is locked by the caller."""
    from charter.members.models import subtract_months

    today = clock.today()
    start = member.dues_paid_until or today
    member.dues_paid_until = subtract_months(start, -months)
    member.save(update_fields=["dues_paid_until"])
    payment = DuesPayment.objects.create(member=member, paid_on=paid_on or today, months=months, amount=Decimal(str(amount)), reference=reference[:100], entry_index=entry_index)
    if member.status == Status.LAPSED and member.dues_paid_until >= today:
        _reinstate(member)
    return payment


def apply_dues_payments(items: list[tuple[Member, int, Decimal, str, dt.date]], *, entry_index: int) -> list[int]:
    """Many payments of one act (a bank statement): ``(member, months, amount, reference, paid_on)``,
    written in batches (``lib.bulk``); a member named twice is extended twice. Members are locked by
    the caller. Returns the payments' ids, in the order of ``items``."""
    from charter.members.models import subtract_months

    today = clock.today()
    ids = bulk.new_ids(DuesPayment, len(items))
    payments, members = [], {}
    for pk, (member, months, amount, reference, paid_on) in zip(ids, items, strict=True):
        member.dues_paid_until = subtract_months(member.dues_paid_until or today, -months)
        members[member.pk] = member
        payments.append((pk, member.pk, paid_on, months, amount, reference[:100], entry_index))
    by_date: dict[dt.date, list[int]] = {}
    for member in members.values():
        by_date.setdefault(member.dues_paid_until, []).append(member.pk)  # type: ignore[arg-type]
    for day, pks in by_date.items():  # few distinct dates: one UPDATE each (bulk_update is slow)
        for i in range(0, len(pks), 900):
            Member.objects.filter(pk__in=pks[i : i + 900]).update(dues_paid_until=day)
    bulk.insert(DuesPayment, ("id", "member_id", "paid_on", "months", "amount", "reference", "entry_index"), payments)
    for member in members.values():
        if member.status == Status.LAPSED and member.dues_paid_until and member.dues_paid_until >= today:
            _reinstate(member)
    return ids


@consequential
def record_dues_payment(member: Member, *, months: int, amount: str = "0", reference: str = "", by: Member | None = None) -> Member:
    """A dues payment recorded by the officer who keeps the member's unit's accounts (``by``), or by
    Charter under the rule when it is already settled (``by=None``: the founders' first dues).
    Restores a lapsed membership when the rules allow it."""
    if months < 1:
        raise InvalidMember(_("A payment covers at least one month."))
    member = Member.objects.select_for_update().get(pk=member.pk)
    office = treasurer_office(by)
    facts = {"office_unit_ids": office_units(by, office)}
    prop = enforce.proposal("record_dues_payment", actor=by, office=office if by is not None else "", target=member, facts=facts)
    rb = enforce.check(prop, actor=by, subjects=[member])
    entry = record.append("record_dues_payment", "done", actor=by, subjects=[member], detail=enforce.detail_for(unit=member.branch, months=months), articles=[rb.act("record_dues_payment")["article"]])
    apply_dues_payment(member, months=months, amount=amount, reference=reference, entry_index=entry.index)
    return member


def _reinstate(member: Member) -> None:
    last = member.status_history.filter(status_to=Status.LAPSED).order_by("-on").first()
    facts = {"arrears_paid": True, "lapsed_on": last.on if last else None}
    prop = enforce.proposal("reinstate_member", actor=None, target=member, facts=facts)
    try:
        rb = enforce.check(prop, actor=None, subjects=[member])
    except enforce.Refused:
        return  # the window has passed: the payment stands, the membership stays lapsed
    entry = record.append("reinstate_member", "done", subjects=[member], articles=[rb.act("reinstate_member")["article"]])
    _set_status(member, Status.MEMBER, reason="arrears paid", entry_index=entry.index)


@consequential
def resign_membership(member: Member, *, by: Member, letter: str) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    prop = enforce.proposal("resign_membership", actor=by, target=member, facts={"in_writing": bool(letter.strip())})
    rb = enforce.check(prop, actor=by, subjects=[member])
    entry = record.append("resign_membership", "done", actor=by, subjects=[member], articles=[rb.act("resign_membership")["article"]])
    for mandate in member.mandates.filter(ended_on__isnull=True):
        mandate.ended_on = clock.today()
        mandate.end_reason = "resigned"
        mandate.save(update_fields=["ended_on", "end_reason"])
    _set_status(member, Status.RESIGNED, reason="resigned", entry_index=entry.index)
    return member


@consequential
def transfer_member(member: Member, *, to_branch: Unit, by: Member, decision: Decision | None = None) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    rb = rulebook_on(clock.today())
    if to_branch.level != rb.home_level or to_branch.dissolved_on is not None:
        raise InvalidMember(_("Members can only be transferred to an active %(level)s.") % {"level": rb.level(rb.home_level)["name"]})
    if to_branch.pk == member.branch_id:
        raise InvalidMember(_("The member already belongs to %(unit)s.") % {"unit": to_branch.name})
    text = _("Transfer %(name)s from %(a)s to %(b)s") % {"name": member.number, "a": member.branch.name, "b": to_branch.name}
    if decision is not None:
        rb = judge_decision("transfer_member", decision, text=text, target=member, subjects=[member])
        entry = carried("transfer_member", decision, rb, text=text, subjects=[member], detail={"from": member.branch_id, "to": to_branch.pk})
    else:
        prop = enforce.proposal("transfer_member", actor=by, target=member)
        rb = enforce.check(prop, actor=by, subjects=[member])
        entry = record.append("transfer_member", "done", actor=by, subjects=[member], detail={"from": member.branch_id, "to": to_branch.pk}, articles=[rb.act("transfer_member")["article"]])
    Transfer.objects.create(member=member, on=clock.today(), from_unit=member.branch, to_unit=to_branch, entry_index=entry.index)
    member.branch = to_branch
    member.save(update_fields=["branch"])
    return member


@consequential
def erase_person(member: Member, *, by: Member) -> Member:
    """The right to erasure, asked by the person themself once they are off the register.

    Their name, contacts, messages, payment references, sign-in and what they wrote in their own
    disciplinary cases go; so does the salt of their commitment, after which nobody can tell which
    entries of the public record concern them. The entries stay, and the log still verifies: it
    never held their data.
    """
    member = Member.objects.select_for_update().get(pk=member.pk)
    prop = enforce.proposal("erase_person", actor=by, target=member)
    rb = enforce.check(prop, actor=by, subjects=[member])
    record.append("erase_person", "done", actor=by, subjects=[member], articles=[rb.act("erase_person")["article"]])
    member.name = _("erased person")
    member.email = ""
    member.phone = ""
    member.save(update_fields=["name", "email", "phone"])
    DuesPayment.objects.filter(member=member).update(reference="")
    Notice.objects.filter(member=member).delete()
    # What they wrote or named in a disciplinary case of theirs; the bodies' own records stay.
    Reply.objects.filter(case__member=member).update(text="", evidence="")
    Appeal.objects.filter(case__member=member).update(statement="")
    Hearing.objects.filter(case__member=member).update(companion="")
    Subject.objects.filter(member=member).update(salt="")
    if member.user_id is not None:
        User.objects.filter(pk=member.user_id).update(
            username=f"erased-{member.user_id}", email="", first_name="", last_name="", is_active=False, password=make_password(None),
        )
    return member
