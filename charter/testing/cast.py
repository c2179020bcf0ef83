"""A small organization and its documented cast of people, built only through actions.

Under the WDA rulebook: the Section with its Central Committee (15), Secretariat (5) and Control
Commission (3); the Sindh region with its Regional Committee (7, with Rashid as Regional Secretary);
one area; the Karachi Central branch (Bilal its secretary) and the Hyderabad branch.

The cast:
- alice    an ordinary member of Karachi Central, in good standing
- bilal    secretary of the Karachi Central branch
- rashid   the Sindh Regional Secretary (a member of the Sindh Regional Committee)
- sara     a Secretariat member (and so a CC member)
- zainab   a CC member who is not on the Secretariat
- imran    a Control Commission member
- farhan, saima, tariq   the three members of scenario 1 (saima newly on the Regional Committee,
           tariq a former CC member); and a non-member user, nadia, with no membership at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.elections.actions import fix_seats, seat_founder
from charter.lib import clock
from charter.members.actions import enrol_founder, record_dues_payment
from charter.members.models import Member
from charter.org.actions import close_founding, create_unit, found_organization
from charter.org.models import Body, Unit
from charter.record import integration
from charter.rulebook.actions import install_founding_rulebook
from charter.rulebook.spec import DATA_DIR

FOUNDED = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)


@dataclass
class Cast:
    section: Unit
    sindh: Unit
    area: Unit
    karachi: Unit
    hyderabad: Unit
    bodies: dict[str, Body]
    people: dict[str, Member] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        people = self.__dict__.get("people", {})
        if name in people:
            return people[name]
        raise AttributeError(name)

    def body(self, kind: str, unit: Unit | None = None) -> Body:
        return Body.objects.get(kind=kind, unit=unit or self.section)


def build(rulebook_path: Path | None = None, *, founded: dt.datetime = FOUNDED, congress_delegates: int = 0, more_units: dict[str, dict[str, list[str]]] | None = None) -> Cast:
    """``congress_delegates``: how many members to seat in the Congress at founding (default none).
    ``more_units``: further regions founded empty, {region: {area: [branch, ...]}}."""
    text = (rulebook_path or DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8")
    clock.set_frozen(founded)
    install_founding_rulebook(text)
    found_organization(name="Workers' Democratic Alliance", top_unit="WDA")
    section = Unit.objects.get(parent=None)
    sindh = create_unit(parent=section, level="region", name="Sindh")
    punjab = create_unit(parent=section, level="region", name="Punjab")
    area = create_unit(parent=sindh, level="area", name="Karachi")
    karachi = create_unit(parent=area, level="branch", name="Karachi Central")
    hyderabad = create_unit(parent=create_unit(parent=sindh, level="area", name="Hyderabad"), level="branch", name="Hyderabad City")
    lahore = create_unit(parent=create_unit(parent=punjab, level="area", name="Lahore"), level="branch", name="Lahore Central")

    def enrol(name: str, branch: Unit, lang: str = "en") -> Member:
        slug = name.lower().split()[0]
        return enrol_founder(name=name, branch=branch, email=f"{slug}@example.org", phone="+92300" + str(abs(hash(slug)) % 10**7).zfill(7), language=lang)

    cast = Cast(section=section, sindh=sindh, area=area, karachi=karachi, hyderabad=hyderabad, bodies={})
    p = cast.people
    for key, name, branch in [
        ("alice", "Alice Baloch", karachi), ("bilal", "Bilal Memon", karachi), ("rashid", "Rashid Soomro", hyderabad),
        ("sara", "Sara Qureshi", lahore), ("zainab", "Zainab Abbasi", lahore), ("imran", "Imran Chandio", lahore),
        ("farhan", "Farhan Shaikh", karachi), ("saima", "Saima Jatoi", karachi), ("tariq", "Tariq Mirani", hyderabad),
    ]:
        p[key] = enrol(name, branch, "sd" if key == "tariq" else "en")
    extra_karachi = [enrol(f"Karachi Member {i}", karachi) for i in range(1, 8)]
    extra_hyd = [enrol(f"Hyderabad Member {i}", hyderabad) for i in range(1, 5)]
    cc_members = [enrol(f"CC Member {i}", lahore) for i in range(1, 14)]
    cc = cast.body("central_committee")
    secretariat = cast.body("secretariat")
    commission = cast.body("control_commission")
    rc = cast.body("regional_committee", sindh)
    # The CC: sara, zainab and 13 others (tariq is a *former* CC member: no current seat).
    for m in [p["sara"], p["zainab"], *cc_members]:
        seat_founder(m, body=cc)
    for m in [p["sara"], *cc_members[:4]]:
        seat_founder(m, body=secretariat)
    seat_founder(p["imran"], body=commission)
    fix_seats(rc, seats=7)
    for m in [p["rashid"], p["saima"], *extra_karachi[:3], *extra_hyd[:2]]:
        seat_founder(m, body=rc)
    seat_founder(p["rashid"], body=rc, office="regional_secretary")
    seat_founder(p["bilal"], body=cast.body("branch_meeting", karachi), office="branch_secretary")
    for region_name, areas in (more_units or {}).items():
        region = create_unit(parent=section, level="region", name=region_name)
        for area_name, branches in areas.items():
            area_unit = create_unit(parent=region, level="area", name=area_name)
            for branch_name in branches:
                create_unit(parent=area_unit, level="branch", name=branch_name)
    for m in Member.objects.order_by("pk")[:congress_delegates]:
        seat_founder(m, body=cast.body("congress"))
    close_founding()
    # Everyone pays dues through to December 2026, so the cast is in good standing in 2026.
    for member in Member.objects.all():
        record_dues_payment(member, months=11, amount="1100", reference="cast")
    cast.bodies = {"cc": cc, "secretariat": secretariat, "commission": commission, "rc": rc}
    p["extra_karachi"] = extra_karachi  # type: ignore[assignment]
    p["cc_members"] = cc_members  # type: ignore[assignment]
    integration.integrate()  # as the checkpoint signer does within its round
    return cast
