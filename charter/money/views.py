"""The money pages: my dues, a unit's dues and arrears, payments by hand and in bulk, a bank
statement's import and review, funds with pledges and receipts, the accounts and the yearly statement."""

from __future__ import annotations

import csv
import datetime as dt
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charter.lib import clock
from charter.members import permissions
from charter.members.actions import record_dues_payment
from charter.members.models import Member
from charter.money import actions, operations, queries
from charter.money import permissions as perms
from charter.money import statement as statement_rows
from charter.money.forms import (
    AssignForm,
    BandForm,
    BandRowFormSet,
    BandsDecisionForm,
    ContributionForm,
    FundForm,
    ImportForm,
    PaymentForm,
    PledgeForm,
)
from charter.money.models import Contribution, Fund, StatementImport, StatementRow
from charter.money.statement import StatementError
from charter.org.models import Unit
from charter.progress.permissions import shown_on_page
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.refusal import render_refusal as refused
from charter.rulebook.store import rulebook_on


def _member_by_number(form, field: str = "number") -> Member | None:  # type: ignore[no-untyped-def]
    number = (form.cleaned_data.get(field) or "").strip()
    member = queries.member_by_number(number)
    if number and member is None:
        form.add_error(field, _("No member has the number %(number)s.") % {"number": number})
    return member


def _bad_input(form, exc: actions.InvalidMoney, fallback: str) -> None:  # type: ignore[no-untyped-def]
    field = exc.field if exc.field in form.fields else fallback
    form.add_error(field, str(exc))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = permissions.member_of(request.user)
    context = {
        "me": queries.arrears_of(viewer),
        "payments": list(viewer.payments.order_by("-paid_on", "-id")[:12]),
        "receipts": list(
            Contribution.objects.filter(member=viewer)
            .select_related("fund")
            .order_by("-received_on")[:12]
        ),
        "bands": queries.bands(),
        "finance": queries.finance(),
        "funds": queries.open_funds(),
        "units": perms.account_units(viewer),
        "keeps": perms.treasurer_units(viewer),
        "year": clock.today().year,
    }
    return render(request, "money/home.html", context)


@login_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's dues: who owes what, and the statements imported for it."""
    unit, viewer = perms.get_unit_for(request.user, pk)
    behind = request.GET.get("all") != "1"
    context = {
        "unit": unit,
        "rows": queries.arrears(unit, only_behind=behind),
        "behind": behind,
        "keeps": perms.may_keep_unit(viewer, unit),
        "statements": StatementImport.objects.filter(
            unit__path__startswith=unit.path
        ).select_related("unit")[:20],
        "children": Unit.objects.filter(parent=unit).order_by("name"),
        "year": clock.today().year,
        "finance": queries.finance(),
    }
    return render(request, "money/unit.html", context)


def _band_error(form, rows, numbered: list[int], exc: actions.InvalidMoney) -> None:  # type: ignore[no-untyped-def]
    """Show the action's complaint next to the band row and field it names (``bands[i].monthly``)."""
    m = re.fullmatch(r"bands\[(\d+)\]\.(\w+)", exc.field)
    if m and int(m.group(1)) < len(numbered):
        rows.forms[numbered[int(m.group(1))]].add_error(m.group(2), str(exc))
    else:
        form.add_error(None, str(exc))


@login_required
def bands(request: HttpRequest) -> HttpResponse:
    """The dues bands in force and, for those who sit on the body the rules name (the Congress,
    WDA 10.1), the form to enter its decision that sets new ones: the meeting, the vote, the bands."""
    viewer = permissions.member_of(request.user)
    meetings = queries.bands_meetings(viewer)
    current = queries.bands()
    initial = [
        {
            "name": b.name,
            "income_from": b.income_from,
            "income_to": b.income_to,
            "monthly": b.monthly,
        }
        for b in current
    ]
    data = request.POST if request.method == "POST" else None
    form = BandsDecisionForm(data, meetings=meetings)
    rows = BandRowFormSet(data, initial=[*initial, {}, {}][:12], prefix="band")
    if data is not None and form.is_valid() and rows.is_valid():
        d = form.cleaned_data
        numbered = [i for i, f in enumerate(rows.forms) if f.band() is not None]
        decision = Decision(
            by=viewer,
            body=d["meeting"].body,
            meeting=d["meeting"],
            votes=J.Votes(d["votes_yes"], d["votes_no"], d["votes_abstain"] or 0),
            reasons=d["reasons"],
        )
        try:
            actions.set_dues_bands(
                bands=[rows.forms[i].band() for i in numbered], decision=decision
            )
        except Refused as refusal:
            if refusal.outcome == "lost":
                messages.info(request, _("The motion was lost: the dues bands stay as they were."))
                return redirect("money:bands")
            return refused(request, refusal)
        except actions.InvalidMoney as exc:
            _band_error(form, rows, numbered, exc)
        else:
            messages.success(
                request, _("The decision was recorded: the new dues bands are in force from today.")
            )
            return redirect("money:bands")
    context = {
        "bands": current,
        "finance": queries.finance(),
        "form": form if meetings.exists() else None,
        "rows": rows,
    }
    return render(request, "money/bands.html", context, status=400 if data is not None else 200)


@login_required
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    """A payment by hand: the treasurer's form. Optionally places the member in a band first."""
    unit, viewer = perms.get_unit_for(request.user, pk, keep=True)
    initial = {"number": request.GET.get("number", "")}
    form = PaymentForm(request.POST or None, initial=initial)
    band_form = BandForm(
        request.POST or None,
        bands=queries.DuesBand.objects.filter(until__isnull=True),
        prefix="band",
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        member = _member_by_number(form)
        if member is not None:
            d = form.cleaned_data
            try:
                record_dues_payment(
                    member,
                    months=d["months"],
                    amount=str(d["amount"]),
                    reference=d["reference"],
                    by=viewer,
                )
            except Refused as refusal:
                return refused(request, refusal)
            except actions.InvalidMoney as exc:
                _bad_input(form, exc, "amount")
            else:
                messages.success(
                    request,
                    _("The payment of %(name)s was recorded; dues are now paid to %(date)s.")
                    % {
                        "name": member.name,
                        "date": Member.objects.get(pk=member.pk).dues_paid_until,
                    },
                )
                return redirect("money:unit", unit.pk)
    return render(
        request,
        "money/pay.html",
        {"unit": unit, "form": form, "band_form": band_form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def band(request: HttpRequest, pk: int) -> HttpResponse:
    unit, viewer = perms.get_unit_for(request.user, pk, keep=True)
    band_form = BandForm(
        request.POST, bands=queries.DuesBand.objects.filter(until__isnull=True), prefix="band"
    )
    if band_form.is_valid():
        member = _member_by_number(band_form)
        if member is not None:
            try:
                actions.assign_dues_band(member, band=band_form.cleaned_data["band"], by=viewer)
            except Refused as refusal:
                return refused(request, refusal)
            except actions.InvalidMoney as exc:
                _bad_input(band_form, exc, "band")
            else:
                messages.success(
                    request,
                    _("%(name)s is now in the band %(band)s.")
                    % {"name": member.name, "band": band_form.cleaned_data["band"].name},
                )
                return redirect("money:unit", unit.pk)
    return render(
        request,
        "money/pay.html",
        {"unit": unit, "form": PaymentForm(), "band_form": band_form},
        status=400,
    )


@login_required
def bulk(request: HttpRequest, pk: int) -> HttpResponse:
    """Payments in bulk: every member behind in the unit, with the months each paid (empty: none)."""
    unit, viewer = perms.get_unit_for(request.user, pk, keep=True)
    rows = queries.arrears(unit, only_behind=True, limit=300)
    errors: dict[int, str] = {}
    if request.method == "POST":
        payments = []
        for row in rows:
            raw = request.POST.get(f"months-{row.member.pk}", "").strip()
            if not raw:
                continue
            try:
                months = int(raw)
                if not 1 <= months <= 120:
                    raise ValueError
            except ValueError:
                errors[row.member.pk] = _("Give a number of months from 1 to 120.")
                continue
            amount = str(row.monthly * months) if row.monthly is not None else "0"
            payments.append((row.member, months, amount))
        if not errors:
            try:
                done = actions.record_dues_payments(
                    by=viewer, payments=payments, reference=request.POST.get("reference", "")[:100]
                )
            except Refused as refusal:
                return refused(request, refusal)
            except actions.InvalidMoney as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(n)s payments were recorded.") % {"n": len(done)})
                return redirect("money:unit", unit.pk)
    for row in rows:
        row.error = errors.get(row.member.pk, "")  # type: ignore[attr-defined]
        row.value = (
            request.POST.get(f"months-{row.member.pk}", "") if request.method == "POST" else ""
        )  # type: ignore[attr-defined]
    return render(
        request, "money/bulk.html", {"unit": unit, "rows": rows}, status=400 if errors else 200
    )


@login_required
def import_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a statement: a file that cannot be read is said next to the field at once; a readable
    one is imported by the background worker while this page shows how far it has got."""
    unit, viewer = perms.get_unit_for(request.user, pk, keep=True)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            statement_rows.read(data)
        except StatementError as exc:
            form.add_error("file", operations.where(exc))
        else:
            op = operations.start(unit=unit, by=viewer, user=request.user, data=data, filename=upload.name or "")
            return redirect(f"{reverse('money:import', args=[unit.pk])}?operation={op.pk}")
    return render(
        request,
        "money/import.html",
        {"unit": unit, "form": form, "operation": shown_on_page(request, operations.KIND, unit.pk)},
        status=400 if form.errors else 200,
    )


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    """The review of an imported statement: lines to settle first, then every line."""
    imp, viewer = perms.get_statement_for(request.user, pk)
    rows = list(imp.rows.select_related("member", "payment").order_by("line")[:2000])
    review = [r for r in rows if r.state == StatementRow.State.REVIEW]
    names = {
        m.pk: m for m in Member.objects.filter(pk__in={c for r in review for c in r.candidates})
    }
    for r in review:
        r.named = [names[c] for c in r.candidates if c in names]  # type: ignore[attr-defined]
    counts = [
        (label, sum(1 for r in rows if r.state == value))
        for value, label in StatementRow.State.choices
    ]
    context = {
        "imp": imp,
        "rows": rows,
        "review": review,
        "counts": counts,
        "keeps": perms.may_keep_unit(viewer, imp.unit),
        "form": AssignForm(),
    }
    return render(request, "money/statement.html", context)


@login_required
@require_POST
def assign_row(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    row, viewer = perms.get_row_for(request.user, pk, line)
    form = AssignForm(request.POST)
    if form.is_valid():
        member = _member_by_number(form)
        if member is not None:
            try:
                actions.assign_statement_row(
                    row, member=member, by=viewer, months=form.cleaned_data["months"]
                )
            except Refused as refusal:
                return refused(request, refusal)
            except actions.InvalidMoney as exc:
                _bad_input(form, exc, "number")
            else:
                messages.success(
                    request,
                    _("Line %(line)s is now a payment of %(name)s.")
                    % {"line": line, "name": member.name},
                )
                return redirect("money:statement", pk)
    for errs in form.errors.values():
        for e in errs:
            messages.error(request, _("Line %(line)s: %(problem)s") % {"line": line, "problem": e})
    return redirect("money:statement", pk)


@login_required
@require_POST
def discard_row(request: HttpRequest, pk: int, line: int) -> HttpResponse:
    row, viewer = perms.get_row_for(request.user, pk, line)
    try:
        actions.discard_statement_row(row, by=viewer)
    except Refused as refusal:
        return refused(request, refusal)
    except actions.InvalidMoney as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Line %(line)s was set aside; it stays listed.") % {"line": line}
        )
    return redirect("money:statement", pk)


# --- funds --------------------------------------------------------------------------------------------


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    viewer = permissions.member_of(request.user)
    rows = [(f, queries.fund_totals(f)) for f in queries.open_funds()]
    return render(
        request, "money/funds.html", {"rows": rows, "keeps": bool(perms.treasurer_units(viewer))}
    )


@login_required
def new_fund(request: HttpRequest) -> HttpResponse:
    viewer = permissions.member_of(request.user)
    units = perms.treasurer_units(viewer)
    if not units:
        raise Http404
    queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
    form = FundForm(request.POST or None, units=queryset)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            fund = actions.open_fund(
                kind=d["kind"],
                unit=d["unit"],
                title=d["title"],
                target=d["target"],
                closes_on=d["closes_on"],
                by=viewer,
            )
        except Refused as refusal:
            return refused(request, refusal)
        except actions.InvalidMoney as exc:
            _bad_input(form, exc, "title")
        else:
            return redirect("money:fund", fund.pk)
    return render(
        request, "money/new_fund.html", {"form": form}, status=400 if form.errors else 200
    )


def _fund_page(
    request: HttpRequest,
    fund: Fund,
    viewer: Member,
    *,
    pledge_form=None,
    receive_form=None,
    status: int = 200,
) -> HttpResponse:  # type: ignore[no-untyped-def]
    # Who gave is seen by those who audit the accounts, and by each treasurer for their own units.
    units = perms.account_units(viewer)
    given = fund.contributions.select_related("member", "unit").order_by("-received_on", "-id")
    if units:
        within = Q()
        for u in units:
            within |= Q(unit__path__startswith=u.path)
        given = given.filter(within)
    context = {
        "fund": fund,
        "totals": queries.fund_totals(fund),
        "regions": queries.fund_totals_by_region(fund),
        "pledge_form": pledge_form or (PledgeForm() if fund.kind == Fund.Kind.APPEAL else None),
        "receive_form": receive_form
        or (ContributionForm() if perms.treasurer_units(viewer) else None),
        "contributions": list(given[:200]) if units else [],
        "mine": list(fund.contributions.filter(member=viewer)),
        "my_pledges": list(fund.pledges.filter(member=viewer)),
    }
    return render(request, "money/fund.html", context, status=status)


@login_required
def fund(request: HttpRequest, pk: int) -> HttpResponse:
    fund, viewer = perms.get_fund_for(request.user, pk)
    return _fund_page(request, fund, viewer)


@login_required
@require_POST
def pledge(request: HttpRequest, pk: int) -> HttpResponse:
    fund, viewer = perms.get_fund_for(request.user, pk)
    form = PledgeForm(request.POST)
    if form.is_valid():
        try:
            actions.pledge_to_fund(fund, member=viewer, amount=form.cleaned_data["amount"])
        except Refused as refusal:
            return refused(request, refusal)
        except actions.InvalidMoney as exc:
            _bad_input(form, exc, "amount")
        else:
            messages.success(request, _("Thank you: your pledge is recorded."))
            return redirect("money:fund", fund.pk)
    return _fund_page(request, fund, viewer, pledge_form=form, status=400)


@login_required
@require_POST
def receive(request: HttpRequest, pk: int) -> HttpResponse:
    fund, viewer = perms.get_fund_for(request.user, pk)
    form = ContributionForm(request.POST)
    if form.is_valid():
        member = _member_by_number(form)
        if not form.errors:
            d = form.cleaned_data
            try:
                row = actions.receive_contribution(
                    fund,
                    by=viewer,
                    amount=d["amount"],
                    method=d["method"],
                    member=member,
                    payer=d["payer"],
                )
            except Refused as refusal:
                return refused(request, refusal)
            except actions.InvalidMoney as exc:
                _bad_input(form, exc, "amount")
            else:
                return redirect("money:receipt", row.pk)
    return _fund_page(request, fund, viewer, receive_form=form, status=400)


@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    row, viewer = perms.get_receipt_for(request.user, pk)
    return render(
        request,
        "money/receipt.html",
        {"c": row, "org": rulebook_on(row.received_on).name, "finance": queries.finance()},
    )


# --- accounts -----------------------------------------------------------------------------------------


@login_required
def accounts(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The accounts of a unit for a year, month by month: the yearly statement for the auditing body."""
    unit, viewer = perms.get_unit_for(request.user, pk)
    if not 1900 < year < 3000:
        raise Http404
    acc = queries.accounts(unit, *queries.year_bounds(year))
    context = {
        "acc": acc,
        "year": year,
        "finance": queries.finance(dt.date(year, 12, 31) if year <= clock.today().year else None),
        "kinds": queries.KINDS,
    }
    return render(request, "money/accounts.html", context)


@login_required
def accounts_csv(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    unit, viewer = perms.get_unit_for(request.user, pk)
    if not 1900 < year < 3000:
        raise Http404
    acc = queries.accounts(unit, *queries.year_bounds(year))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statement-{unit.pk}-{year}.csv"'
    writer = csv.writer(response)
    for row in queries.statement_csv_rows(acc):
        writer.writerow(row)
    return response
