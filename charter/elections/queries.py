"""Read models for the election pages: the seats of a body and its vacancies, the candidates with
their nominations, and the chart of how the votes moved between the stages of the count."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from charter.elections.models import Candidacy, Election
from charter.lib import clock
from charter.members.models import Member
from charter.org.models import Body, Mandate
from charter.rulebook import rosters
from charter.rulebook.spec import Rulebook
from charter.voting.models import Poll


def elections_of(body: Body) -> QuerySet[Election]:
    return Election.objects.filter(seat_body=body).select_related("electing_body", "poll", "meeting")


def candidates(election: Election) -> list[Candidacy]:
    return list(election.candidacies.select_related("member").annotate(nominated_by=Count("nominations")).order_by("member__name", "pk"))


def nominated_by(candidacy: Candidacy, member: Member) -> bool:
    return candidacy.nominations.filter(nominator=member).exists()


def on_electing_body(election: Election, member: Member, rb: Rulebook) -> bool:
    return rosters.roster(election.electing_body, clock.today(), rb).filter(pk=member.pk).exists()


def seats_and_vacancies(body: Body, rb: Rulebook) -> dict[str, Any]:
    held = list(Mandate.objects.current().seats().filter(body=body).select_related("member").order_by("member__name"))
    total = rosters.seats_total(body, rb)
    return {"held": held, "total": total, "vacant": max(total - len(held), 0)}


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def stage_chart(poll: Poll) -> dict[str, Any] | None:
    """Each stage of a ranked count as bars: every candidate's votes at the end of the stage, what
    the stage moved to or from them, and the quota as a line. Widths are percentages of the largest
    total reached in the count, so bars compare across stages."""
    result = poll.result or {}
    stages = result.get("stages") or []
    if not stages:
        return None
    names = [o.label for o in poll.options.order_by("number")]
    top = max([_number(v) for s in stages for v in s["totals"].values()] + [_number(result.get("quota"))] + [Decimal(1)])
    quota = _number(result.get("quota"))
    out = []
    previous: dict[str, Decimal] = {}
    for s in stages:
        kind, who = s["action"]["kind"], ", ".join(s["action"]["candidates"])
        title = _("First preferences") if kind == "first" else (_("Surplus of %(who)s transferred") if kind == "surplus" else _("%(who)s excluded, votes transferred")) % {"who": who}
        bars = []
        for name in names:
            value = _number(s["totals"].get(name, 0))
            change = value - previous[name] if name in previous else None
            mark = "elected" if name in s["elected"] else "excluded" if name in s["excluded"] else ""
            bars.append({
                "name": name, "value": f"{value.normalize():f}" if value else "0", "width": f"{(value * 100 / top):.1f}",
                "change": None if change is None or not change else (f"+{change.normalize():f}" if change > 0 else f"{change.normalize():f}"),
                "up": change is not None and change > 0, "mark": mark,
            })
            previous[name] = value
        nt = _number(s.get("non_transferable"))
        out.append({"number": s["number"], "title": title, "bars": bars, "non_transferable": f"{nt.normalize():f}" if nt else "0"})
    return {"stages": out, "quota": f"{quota.normalize():f}" if quota else "", "quota_at": f"{(quota * 100 / top):.1f}" if quota else ""}
