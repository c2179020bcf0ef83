"""Every change to the money: dues bands, a member's band, bank statements and their review, funds,
pledges and receipted contributions. Dues payments by hand are ``members.actions.record_dues_payment``;
the reminders and lapses the worker applies are in ``tasks.py``."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from charter.conferences.models import Conference
from charter.lib import bulk, clock, dates
from charter.lib.errors import InvalidInput
from charter.meetings.decisions import carried, judge_decision
from charter.members.actions import (
    apply_dues_payment,
    apply_dues_payments,
    office_units,
    record_dues_payment,
    treasurer_office,
)
from charter.members.models import DuesPayment, Member
from charter.money import statement
from charter.money.models import (
    BandAssignment,
    Contribution,
    DuesBand,
    Fund,
    Pledge,
    StatementImport,
    StatementRow,
)
from charter.notices import outbox
from charter.org.models import Organization, Unit
from charter.progress import track
from charter.progress.models import Operation
from charter.record import log as record
from charter.rulebook import enforce
from charter.rulebook.enforce import Decision, consequential
from charter.rulebook.store import rulebook_on


class InvalidMoney(InvalidInput):
    """Bad input to a money act; ``field`` names the field it concerns."""

    def __init__(self, message: str, *, field: str = "", line: int | None = None) -> None:
        self.field, self.line = field, line
        super().__init__(message)


def money(value: Any, *, field: str = "amount", positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidMoney(
            _("'%(value)s' is not an amount.") % {"value": str(value)[:40]}, field=field
        ) from None
    if not amount.is_finite() or abs(amount) >= Decimal("1e10"):
        raise InvalidMoney(
            _("'%(value)s' is not an amount.") % {"value": str(value)[:40]}, field=field
        )
    if positive and amount <= 0:
        raise InvalidMoney(_("The amount must be more than zero."), field=field)
    return amount


def current_bands(on: dt.date | None = None) -> list[DuesBand]:
    on = on or clock.today()
    return list(
        DuesBand.objects.filter(since__lte=on).exclude(until__lte=on).order_by("income_from")
    )


def band_of(member: Member) -> DuesBand | None:
    row = (
        BandAssignment.objects.filter(member=member, since__lte=clock.today())
        .select_related("band")
        .order_by("-since", "-id")
        .first()
    )
    return row.band if row is not None else None


def _officer(
    act: str, by: Member, *, target: Member | None = None, target_unit: Unit | None = None
) -> tuple[enforce.J.Proposal, str]:
    office = treasurer_office(by, act)
    facts = {"office_unit_ids": office_units(by, office)}
    return enforce.proposal(
        act, actor=by, office=office, target=target, target_unit=target_unit, facts=facts
    ), office


# --- dues bands ------------------------------------------------------------------------------------


def _clean_bands(
    bands: Iterable[Mapping[str, Any]],
) -> list[tuple[str, Decimal, Decimal | None, Decimal]]:
    cleaned = []
    for i, b in enumerate(bands):
        name = str(b.get("name") or "").strip()[:80]
        if not name:
            raise InvalidMoney(
                _("Band %(n)s needs a name.") % {"n": i + 1}, field=f"bands[{i}].name"
            )
        low = money(b.get("income_from", "0"), field=f"bands[{i}].income_from", positive=False)
        high = (
            money(b["income_to"], field=f"bands[{i}].income_to")
            if b.get("income_to") not in (None, "")
            else None
        )
        if high is not None and high <= low:
            raise InvalidMoney(
                _("Band %(n)s ends below where it starts.") % {"n": i + 1},
                field=f"bands[{i}].income_to",
            )
        cleaned.append((name, low, high, money(b.get("monthly"), field=f"bands[{i}].monthly")))
    if not cleaned:
        raise InvalidMoney(_("Give at least one band."), field="bands")
    cleaned.sort(key=lambda c: c[1])
    for (_n, _lo, hi, _m), (name, lo, _h, _m2) in zip(cleaned, cleaned[1:], strict=False):
        if hi is None or hi > lo:
            raise InvalidMoney(_("The bands overlap at %(name)s.") % {"name": name}, field="bands")
    return cleaned


@consequential
def set_dues_bands(*, bands: Iterable[Mapping[str, Any]], decision: Decision) -> list[DuesBand]:
    """The body the rulebook names (the Congress, under the WDA's Article 10.1) sets the bands of
    income and their monthly dues; the new set replaces the old from today."""
    cleaned = _clean_bands(bands)
    text = _("Set the dues bands: %(bands)s") % {
        "bands": "; ".join(f"{n} {m}" for n, _lo, _hi, m in cleaned)
    }
    rb = judge_decision("set_dues_bands", decision, text=text, target_unit=decision.body.unit)
    today = clock.today()
    entry = carried(
        "set_dues_bands",
        decision,
        rb,
        text=text,
        detail={"bands": len(cleaned), "monthly": [str(c[3]) for c in cleaned]},
    )
    old = list(DuesBand.objects.filter(until__isnull=True).select_for_update())
    for band in old:
        band.until = today
        band.save(update_fields=["until"])
    made = [
        DuesBand.objects.create(
            name=n, income_from=lo, income_to=hi, monthly=m, since=today, entry_index=entry.index
        )
        for n, lo, hi, m in cleaned
    ]
    # Members keep their place: each is moved to the new band at the same position.
    position = {b.pk: i for i, b in enumerate(sorted(old, key=lambda b: b.income_from))}
    for a in (
        BandAssignment.objects.filter(band__in=old).values("member_id").annotate(last=Max("id"))
    ):
        row = BandAssignment.objects.select_related("band").get(pk=a["last"])
        if (
            row.band_id in position
            and BandAssignment.objects.filter(member_id=a["member_id"], id__gt=row.pk).count() == 0
        ):
            new = made[min(position[row.band_id], len(made) - 1)]
            BandAssignment.objects.create(
                member_id=a["member_id"], band=new, since=today, entry_index=entry.index
            )
    return made


@consequential
def set_founding_dues_bands(*, bands: Iterable[Mapping[str, Any]]) -> list[DuesBand]:
    """The first bands, adopted with the Basic Document while the founding period is open (on the
    record as such, like the founders' enrolment); afterwards only a decision may change them."""
    from charter.org.actions import require_founding

    require_founding()
    cleaned = _clean_bands(bands)
    rb = rulebook_on(clock.today())
    entry = record.append(
        "set_dues_bands",
        "done",
        detail={"bands": len(cleaned), "monthly": [str(c[3]) for c in cleaned], "founding": True},
        articles=[rb.act("set_dues_bands")["article"]],
    )
    return [
        DuesBand.objects.create(
            name=n,
            income_from=lo,
            income_to=hi,
            monthly=m,
            since=clock.today(),
            entry_index=entry.index,
        )
        for n, lo, hi, m in cleaned
    ]


@consequential
def assign_dues_band(member: Member, *, band: DuesBand, by: Member) -> BandAssignment:
    member = Member.objects.select_for_update().get(pk=member.pk)
    if band.until is not None and band.until <= clock.today():
        raise InvalidMoney(_("That band is no longer in force."), field="band")
    prop, _office = _officer("assign_dues_band", by, target=member)
    rb = enforce.check(prop, actor=by, subjects=[member])
    entry = record.append(
        "assign_dues_band",
        "done",
        actor=by,
        subjects=[member],
        detail=enforce.detail_for(unit=member.branch, band=band.pk),
        articles=[rb.act("assign_dues_band")["article"]],
    )
    return BandAssignment.objects.create(
        member=member, band=band, since=clock.today(), entry_index=entry.index
    )


def months_for(amount: Decimal, band: DuesBand | None) -> int:
    if band is None or band.monthly <= 0:
        return 0
    return int(amount // band.monthly)


@consequential
def record_dues_payments(
    *, by: Member, payments: Iterable[tuple[Member, int, str]], reference: str = ""
) -> list[Member]:
    """Payments in bulk (a branch's dues collected at a meeting): each on the record, all or none."""
    done = []
    for member, months, amount in payments:
        done.append(
            record_dues_payment(member, months=months, amount=amount, reference=reference, by=by)
        )
    if not done:
        raise InvalidMoney(_("No payment was entered."), field="payments")
    return done


# --- bank statements ---------------------------------------------------------------------------------


def _prefix() -> str:
    from charter.members.actions import _number_prefix

    return _number_prefix()


@consequential
def import_bank_statement(
    *, unit: Unit, by: Member, data: bytes, filename: str = ""
) -> StatementImport:
    """Read a bank statement and apply every payment that names exactly one member of ``unit`` (by
    membership number) with at least a month's dues of their band; every other row waits for the
    treasurer's review. Nothing is dropped: each line of the file becomes a row."""
    rows = statement.read(data)  # StatementError: nothing happens
    digest = hashlib.sha256(data).hexdigest()
    earlier = StatementImport.objects.filter(unit=unit, sha256=digest).first()
    if earlier is not None:
        raise InvalidMoney(
            _("This statement was already imported on %(date)s.")
            % {"date": dates.day(earlier.imported_at.date())},
            field="file",
        )
    prop, _office = _officer("import_bank_statement", by, target_unit=unit)
    rb = enforce.check(prop, actor=by, detail=enforce.detail_for(unit=unit))
    prefix = _prefix()
    refs = {r.line: statement.references(r.text, prefix) for r in rows}
    numbers = set().union(*refs.values()) if refs else set()
    found: dict[str, Member] = {}
    wanted = sorted(numbers)
    for i in range(0, len(wanted), 500):
        rows_i = (
            Member.objects.select_for_update(of=("self",))
            .filter(number__in=wanted[i : i + 500])
            .select_related("branch")
            .only("id", "number", "status", "dues_paid_until", "branch__path")
        )
        for m in rows_i:
            found[m.number] = m
    band_ids = dict(
        BandAssignment.objects.filter(
            member_id__in=[m.pk for m in found.values()], since__lte=clock.today()
        )
        .order_by("member_id", "since", "id")
        .values_list("member_id", "band_id")
    )
    bands = {b.pk: b for b in DuesBand.objects.filter(pk__in=set(band_ids.values()))}
    imp = StatementImport.objects.create(
        unit=unit, by=by, imported_at=clock.now(), filename=filename[:200], sha256=digest
    )
    # Each line as the values of its row: (line, booked_on, amount, text, state, why, candidates,
    # member); the matched ones also as a payment to make.
    made: list[list[Any]] = []
    to_pay: list[tuple[int, Member, int]] = []
    review, matched = StatementRow.State.REVIEW, StatementRow.State.MATCHED
    for r in track.counted(rows, Operation.Step.CHECKING, total=len(rows)):
        members = [found[n] for n in sorted(refs[r.line]) if n in found]
        band = bands.get(band_ids.get(members[0].pk, -1)) if len(members) == 1 else None
        state, why, member = review, "", None
        if r.amount <= 0:
            why = StatementRow.Why.NOT_A_CREDIT
        elif not members:
            why = StatementRow.Why.UNMATCHED
        elif len(members) > 1:
            why = StatementRow.Why.AMBIGUOUS
        elif not members[0].branch.path.startswith(unit.path):
            why = StatementRow.Why.OUTSIDE
        elif band is None:
            why, member = StatementRow.Why.NO_BAND, members[0]
        elif months_for(r.amount, band) < 1:
            why, member = StatementRow.Why.SHORT, members[0]
        else:
            state, member = matched, members[0]
            to_pay.append((len(made), members[0], months_for(r.amount, band)))
        made.append(
            [r.line, r.booked_on, r.amount, r.text, state, why, [m.pk for m in members], member]
        )
    counts = {"rows": len(made), "matched": len(to_pay), "review": len(made) - len(to_pay)}
    # One entry for the statement (its counts and the file's hash); each payment names it. The members
    # paid are found through their payments, not listed on the entry (a statement may pay thousands).
    entry = record.append(
        "import_bank_statement",
        "done",
        actor=by,
        detail={**enforce.detail_for(unit=unit), **counts, "sha256": digest},
        articles=[rb.act("import_bank_statement")["article"]],
    )
    imp.entry_index = entry.index
    imp.save(update_fields=["entry_index"])
    writes = len(to_pay) + len(made)  # the payments, then every line's row
    track.report(Operation.Step.WRITING, done=0, total=writes)
    paid = apply_dues_payments(
        [(member, months, made[i][2], made[i][3], made[i][1]) for i, member, months in to_pay],
        entry_index=entry.index,
    )
    payment_of = {i: pk for (i, _member, _months), pk in zip(to_pay, paid, strict=True)}
    bulk.insert(
        StatementRow,
        ("statement_id", "line", "booked_on", "amount", "text", "state", "why", "candidates")
        + ("member_id", "payment_id", "entry_index"),
        track.counted(
            (
                (imp.pk, line, on, amount, text, state, why, candidates)
                + (member.pk if member else None, payment_of.get(i), entry.index)
                for i, (line, on, amount, text, state, why, candidates, member) in enumerate(made)
            ),
            Operation.Step.WRITING,
            total=writes,
            start=len(to_pay),
        ),
    )
    return imp


def _review_row(row: StatementRow) -> StatementRow:
    row = (
        StatementRow.objects.select_for_update(of=("self",))
        .select_related("statement", "statement__unit")
        .get(pk=row.pk)
    )
    if row.state != StatementRow.State.REVIEW:
        raise InvalidMoney(
            _("This line was already settled (%(state)s).") % {"state": row.get_state_display()},
            field="line",
        )
    return row


@consequential
def assign_statement_row(
    row: StatementRow, *, member: Member, by: Member, months: int | None = None
) -> DuesPayment:
    """The treasurer says whose payment a line under review is: it becomes that member's payment."""
    row = _review_row(row)
    member = Member.objects.select_for_update(of=("self",)).select_related("branch").get(pk=member.pk)
    if row.amount <= 0:
        raise InvalidMoney(_("This line is not a payment in; discard it."), field="line")
    if months is None:
        months = months_for(row.amount, band_of(member))
    if months < 1:
        raise InvalidMoney(
            _(
                "Say how many months this payment covers (the member has no band, or it is less than a month's dues)."
            ),
            field="months",
        )
    prop, _office = _officer("record_dues_payment", by, target=member)
    rb = enforce.check(prop, actor=by, subjects=[member])
    entry = record.append(
        "assign_statement_row",
        "done",
        actor=by,
        subjects=[member],
        detail={
            **enforce.detail_for(unit=row.statement.unit),
            "statement": row.statement_id,
            "line": row.line,
            "months": months,
        },
        articles=[rb.act("record_dues_payment")["article"]],
    )
    payment = apply_dues_payment(
        member,
        months=months,
        amount=str(row.amount),
        reference=row.text,
        entry_index=entry.index,
        paid_on=row.booked_on,
    )
    row.state, row.member, row.payment, row.settled_entry_index = (
        StatementRow.State.ASSIGNED,
        member,
        payment,
        entry.index,
    )
    row.save(update_fields=["state", "member", "payment", "settled_entry_index"])
    return payment


@consequential
def discard_statement_row(row: StatementRow, *, by: Member) -> StatementRow:
    """The treasurer sets a line aside (a bank fee, a payment that is not dues): it stays listed."""
    row = _review_row(row)
    prop, _office = _officer("import_bank_statement", by, target_unit=row.statement.unit)
    rb = enforce.check(prop, actor=by, detail=enforce.detail_for(unit=row.statement.unit))
    entry = record.append(
        "discard_statement_row",
        "done",
        actor=by,
        detail={
            **enforce.detail_for(unit=row.statement.unit),
            "statement": row.statement_id,
            "line": row.line,
        },
        articles=[rb.act("import_bank_statement")["article"]],
    )
    row.state, row.settled_entry_index = StatementRow.State.DISCARDED, entry.index
    row.save(update_fields=["state", "settled_entry_index"])
    return row


# --- funds: collections and appeals -----------------------------------------------------------------


def _fund_fields(
    kind: str, title: str, target: Any, closes_on: dt.date | None
) -> tuple[str, str, Decimal | None]:
    if kind not in Fund.Kind.values:
        raise InvalidMoney(_("A fund is a collection or an appeal."), field="kind")
    title = " ".join(str(title).split())[:200]
    if not title:
        raise InvalidMoney(_("A fund needs a title."), field="title")
    if closes_on is not None and closes_on < clock.today():
        raise InvalidMoney(_("The closing date is in the past."), field="closes_on")
    return kind, title, money(target, field="target") if target not in (None, "") else None


@consequential
def open_fund(
    *,
    kind: str,
    unit: Unit,
    title: str,
    target: Any = None,
    closes_on: dt.date | None = None,
    by: Member | None = None,
    decision: Decision | None = None,
    conference: Conference | None = None,
) -> Fund:
    """A collection or a fighting-fund appeal, opened by a body's decision or by the officer who
    keeps the unit's accounts, for a conference when one is given (its report counts what the fund
    received). The title is in the minutes or the fund's page, not on the record."""
    kind, title, amount = _fund_fields(kind, title, target, closes_on)
    for_conference = {"conference": conference.pk} if conference is not None else {}
    if decision is not None:
        text = _("Open %(kind)s: %(title)s") % {"kind": Fund.Kind(kind).label, "title": title}
        rb = judge_decision("open_fund", decision, text=text, target_unit=unit)
        entry = carried(
            "open_fund",
            decision,
            rb,
            text=text,
            detail={
                "unit": {"id": unit.pk, "level": unit.level, "name": unit.name},
                "kind": kind,
                **for_conference,
            },
        )
    elif by is not None:
        prop, _office = _officer("open_fund", by, target_unit=unit)
        rb = enforce.check(prop, actor=by, detail=enforce.detail_for(unit=unit))
        entry = record.append(
            "open_fund",
            "done",
            actor=by,
            detail=enforce.detail_for(unit=unit, kind=kind, **for_conference),
            articles=[rb.act("open_fund")["article"]],
        )
    else:
        raise InvalidMoney(_("A fund is opened by a body's decision or by an officer."), field="by")
    return Fund.objects.create(
        kind=kind,
        unit=unit,
        title=title,
        target=amount,
        closes_on=closes_on,
        conference=conference,
        opened_on=clock.today(),
        entry_index=entry.index,
    )


def _open(fund: Fund) -> Fund:
    fund = Fund.objects.select_for_update(of=("self",)).select_related("unit").get(pk=fund.pk)
    if fund.closes_on is not None and fund.closes_on < clock.today():
        raise InvalidMoney(
            _("This fund closed on %(date)s.") % {"date": dates.day(fund.closes_on)}, field="fund"
        )
    return fund


@consequential
def pledge_to_fund(fund: Fund, *, member: Member, amount: Any) -> Pledge:
    """A member's own pledge to an appeal."""
    value = money(amount)
    fund = _open(fund)
    if fund.kind != Fund.Kind.APPEAL:
        raise InvalidMoney(_("Pledges are made to appeals, not to collections."), field="fund")
    prop = enforce.proposal("pledge_to_fund", actor=member, target=member)
    rb = enforce.check(prop, actor=member, subjects=[member])
    entry = record.append(
        "pledge_to_fund",
        "done",
        actor=member,
        subjects=[member],
        detail={"fund": fund.pk, "amount": str(value)},
        articles=[rb.act("pledge_to_fund")["article"]],
    )
    return Pledge.objects.create(
        fund=fund, member=member, amount=value, pledged_on=clock.today(), entry_index=entry.index
    )


def _next_receipt(on: dt.date) -> str:
    """R-2026-000001, numbered per year across the organization; the row lock on the organization
    keeps two officers from taking the same number."""
    Organization.objects.select_for_update().filter(id=1).first()
    prefix = f"R-{on.year}-"
    last = Contribution.objects.filter(receipt_number__startswith=prefix).aggregate(
        n=Max("receipt_number")
    )["n"]
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:06d}"


@consequential
def receive_contribution(
    fund: Fund,
    *,
    by: Member,
    amount: Any,
    method: str,
    member: Member | None = None,
    payer: str = "",
) -> Contribution:
    """Money received into a collection or an appeal, receipted with the next receipt number. The
    payer is a member (their branch is the unit it counts for) or a named person (the receiving
    officer's unit, when it lies within the fund's; else the fund's unit)."""
    value = money(amount)
    if method not in Contribution.Method.values:
        raise InvalidMoney(_("Say whether it was cash or a bank transfer."), field="method")
    payer = " ".join(str(payer).split())[:200]
    if member is None and not payer:
        raise InvalidMoney(_("Say who paid: a member or a name."), field="payer")
    fund = _open(fund)
    if member is not None:
        unit = member.branch
    else:  # given to an officer: it counts for the officer's unit when that is within the fund's
        mine = (
            Unit.objects.filter(
                pk__in=office_units(by, treasurer_office(by, "receive_contribution")),
                path__startswith=fund.unit.path,
            )
            .order_by("-path")
            .first()
        )
        unit = mine or fund.unit
    prop, _office = _officer("receive_contribution", by, target_unit=unit)
    rb = enforce.check(prop, actor=by, detail=enforce.detail_for(unit=unit))
    today = clock.today()
    number = _next_receipt(today)
    entry = record.append(
        "receive_contribution",
        "done",
        actor=by,
        subjects=[member] if member is not None else [],
        detail={
            **enforce.detail_for(unit=unit),
            "fund": fund.pk,
            "amount": str(value),
            "method": method,
            "receipt": number,
        },
        articles=[rb.act("receive_contribution")["article"]],
    )
    row = Contribution.objects.create(
        fund=fund,
        unit=unit,
        member=member,
        payer=payer if member is None else "",
        amount=value,
        method=method,
        received_on=today,
        received_by=by,
        receipt_number=number,
        entry_index=entry.index,
    )
    if member is not None:
        outbox.queue(
            [member],
            kind="receipt",
            key=f"receipt:{number}",
            entry_index=entry.index,
            channels=("inbox",),
            render=lambda: (
                _("Receipt %(number)s") % {"number": number},
                _("Received with thanks: %(amount)s for %(fund)s (receipt %(number)s).")
                % {"amount": value, "fund": fund.title, "number": number},
            ),
        )
    return row
