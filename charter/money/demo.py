"""The demo's money, woven into its history (``charter/demo.py`` calls :func:`plan` once, while the
founding period is still open): the bands adopted at the founding, each founder placed in their band
by their Branch Secretary, a bank statement of Karachi Port imported near the end (some lines
matched, some left for review), and a Sindh fighting-fund appeal with pledges and receipts. Members
in arrears, with their reminders and lapses, come from the demo's own history of dues."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from charter.members.models import Member, Status
from charter.money.actions import (
    assign_dues_band,
    import_bank_statement,
    open_fund,
    pledge_to_fund,
    receive_contribution,
    set_founding_dues_bands,
)
from charter.money.models import BandAssignment
from charter.org.models import Body, Mandate, Unit
from charter.rulebook.enforce import Refused

# Monthly dues in rupees by monthly income (10.1): the bands the demo's members pay in.
BANDS = [
    {"name": "A", "income_from": "0", "income_to": "15000", "monthly": "50"},
    {"name": "B", "income_from": "15000", "income_to": "30000", "monthly": "100"},
    {"name": "C", "income_from": "30000", "income_to": "60000", "monthly": "200"},
    {"name": "D", "income_from": "60000", "income_to": "150000", "monthly": "500"},
    {"name": "E", "income_from": "150000", "monthly": "1000"},
]


def _secretary(unit: Unit, office: str, level_body: str) -> Member | None:
    body = Body.objects.filter(unit=unit, kind=level_body).first()
    row = (
        Mandate.objects.current()
        .filter(body=body, office=office, suspended=False)
        .select_related("member")
        .first()
        if body
        else None
    )
    return row.member if row else None


def plan(demo: Any) -> None:
    """At the founding: the bands, and each founder in the band they pay; then schedule the rest."""
    bands = {int(Decimal(b.monthly)): b for b in set_founding_dues_bands(bands=BANDS)}
    by_branch: dict[int, Member | None] = {}
    for p in list(demo.people.values()):
        if p.branch not in by_branch:
            by_branch[p.branch] = _secretary(
                demo.branches[p.branch].unit, "branch_secretary", "branch_meeting"
            )
        secretary = by_branch[p.branch]
        if secretary is not None and p.band in bands:
            assign_dues_band(p.m, band=bands[p.band], by=secretary)
    from charter.demo import NOW, _at

    demo.at(_at((NOW - dt.timedelta(days=40)).date(), 6), _appeal, demo)
    demo.at(_at((NOW - dt.timedelta(days=3)).date(), 7), _statement, demo)


def _appeal(demo: Any) -> None:
    """Sindh's Regional Secretary opens a fighting-fund appeal; members pledge and give over a month."""
    sindh = demo.regions["Sindh"]
    secretary = _secretary(sindh, "regional_secretary", "regional_committee")
    if secretary is None:
        return
    fund = open_fund(
        kind="appeal",
        unit=sindh,
        title="Fighting fund: Karachi port strike",
        target="250000",
        closes_on=demo.today + dt.timedelta(days=90),
        by=secretary,
    )
    people = [p for p in demo.people.values() if p.region == "Sindh" and p.status == "member"]
    givers = demo.rng.sample(people, min(60, len(people)))
    for i, p in enumerate(givers):
        when = demo.now + dt.timedelta(days=1 + i // 3, hours=demo.rng.randint(1, 9))
        demo.at(when, _give, demo, fund.pk, p.pk, i % 3 == 0)


def _give(demo: Any, fund_pk: int, pk: int, pledge_first: bool) -> None:
    from charter.money.models import Fund

    fund = Fund.objects.get(pk=fund_pk)
    member = Member.objects.select_related("branch").get(pk=pk)
    if member.status != Status.MEMBER:
        return
    amount = demo.rng.choice([200, 500, 500, 1000, 2000, 5000])
    if pledge_first:
        pledge_to_fund(fund, member=member, amount=str(amount))
        if demo.rng.random() < 0.5:
            return  # pledged, not yet paid
    secretary = _secretary(member.branch, "branch_secretary", "branch_meeting")
    if secretary is None:
        return
    try:
        receive_contribution(
            fund,
            by=secretary,
            amount=str(amount),
            method=demo.rng.choice(["cash", "cash", "transfer"]),
            member=member,
        )
    except Refused:
        pass  # cannot happen for a branch's own secretary; a refusal would be on the record


def _statement(demo: Any) -> None:
    """Karachi Port's Branch Secretary imports the month's bank statement: members paying ahead by
    transfer (matched by their number), one payment naming two members, one naming nobody, a fee."""
    branch = demo.branch_by_name["Karachi Port"].unit
    secretary = _secretary(branch, "branch_secretary", "branch_meeting")
    if secretary is None:
        return
    banded = set(
        BandAssignment.objects.filter(member__branch=branch).values_list("member_id", flat=True)
    )
    payers = [
        p
        for pk, p in demo.people.items()
        if p.branch == branch.pk
        and p.status == "member"
        and not p.defaulting
        and pk in banded
        and demo.good_standing(p)
    ]
    payers = demo.rng.sample(payers, min(8, len(payers)))
    day = demo.today - dt.timedelta(days=2)
    lines = ["Booking date,Description,Amount,Balance"]
    balance = Decimal("84000")
    for p in payers:
        months = demo.rng.choice([1, 2, 3])
        amount = Decimal(p.band * months)
        balance += amount
        lines.append(
            f"{day:%d/%m/%Y},IBFT DUES {p.m.number} {p.m.name.split()[0].upper()},{amount:.2f},{balance:.2f}"
        )
    if len(payers) >= 2:
        balance += Decimal("300")
        lines.append(
            f"{day:%d/%m/%Y},DUES {payers[0].m.number} + {payers[1].m.number},300.00,{balance:.2f}"
        )
    lines.append(f"{day:%d/%m/%Y},CASH DEPOSIT BRANCH SOCIAL,4500.00,{balance + 4500:.2f}")
    lines.append(f"{day:%d/%m/%Y},BANK CHARGES,-150.00,{balance + 4350:.2f}")
    import_bank_statement(
        unit=branch,
        by=secretary,
        data=("\n".join(lines) + "\n").encode(),
        filename=f"karachi-port-{day:%Y-%m}.csv",
    )
    for p in payers:
        demo.keep(p, Member.objects.get(pk=p.pk))  # the demo's mirror reads the new paid-up date
