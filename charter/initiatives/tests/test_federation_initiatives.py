"""The federation's own initiatives run on the same code, with no change: a special Delegate
Conference demanded by one twentieth of its members (R13.1), fulfilled when the Conference is
convened; its documents need 50 co-signers (R13.2)."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.elections.actions import seat_founder
from charter.initiatives.actions import sign_initiative, start_initiative, withdraw_signature
from charter.initiatives.fulfilment import check_initiative_deadlines
from charter.initiatives.models import Initiative, Obligation
from charter.lib import clock
from charter.meetings.actions import convene_meeting
from charter.members.actions import enrol_founder, record_dues_payment
from charter.members.models import Member
from charter.org.actions import close_founding, create_unit, found_organization
from charter.org.models import Body, Unit
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.actions import install_founding_rulebook
from charter.rulebook.enforce import Refused
from charter.rulebook.spec import DATA_DIR

pytestmark = pytest.mark.django_db


@pytest.fixture
def ftu(db):  # type: ignore[no-untyped-def]
    """The federation: two unions, 42 members, an Executive Board and two Conference delegates."""
    clock.set_frozen(dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC))
    install_founding_rulebook((DATA_DIR / "ftu-2019.yaml").read_text(encoding="utf-8"))
    found_organization(name="Federation of Trade Unions", top_unit="FTU")
    top = Unit.objects.get(parent=None)
    port = create_unit(parent=top, level="affiliate", name="Port Workers' Union")
    docks = create_unit(parent=port, level="local", name="Karachi Docks")
    workshop = create_unit(parent=create_unit(parent=top, level="affiliate", name="Railway Workers' Union"), level="local", name="Lahore Workshops")
    people = {f"d{i}": enrol_founder(name=f"Docker {i}", branch=docks) for i in range(30)}
    people |= {f"r{i}": enrol_founder(name=f"Railwayman {i}", branch=workshop) for i in range(12)}
    board = Body.objects.get(kind="executive_board", unit=top)
    for key in ("d0", "d1", "d2", "r0", "r1"):
        seat_founder(people[key], body=board)
    conference = Body.objects.get(kind="delegate_conference", unit=top)
    seat_founder(people["d20"], body=conference)
    close_founding()
    for m in Member.objects.all():
        record_dues_payment(m, months=11)
    port_exec = Body.objects.get(kind="affiliate_executive", unit=port)
    return {"board": board, "conference": conference, "port_exec": port_exec, **people}


def test_a_special_conference_is_fulfilled_when_the_conference_is_convened(ftu, at):
    at("2026-03-01T10:00:00")
    demand = start_initiative(by=ftu["d1"], kind="special_conference", title="A special conference on the port", text="We demand a special Delegate Conference.")
    assert demand.addressed_to == ftu["board"] and demand.needed == 3  # one twentieth of 42, rounded up
    for key in ("d1", "d2", "r1"):
        sign_initiative(demand, by=ftu[key])
    demand.refresh_from_db()
    obligation = Obligation.objects.get(initiative=demand)
    assert demand.state == "open" and obligation.due_on == dt.date(2026, 4, 30)
    with pytest.raises(Refused) as refused:
        withdraw_signature(demand, by=ftu["d2"])
    assert refused.value.articles == ["R13.1"]

    assert check_initiative_deadlines() == 0  # nothing convened yet, not yet late
    clock.set_frozen(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC))
    convene_meeting(ftu["conference"], by=ftu["d20"], title="Special Delegate Conference", starts_at=dt.datetime(2026, 4, 25, 9, tzinfo=dt.UTC), agenda="1. The port")
    assert check_initiative_deadlines() == 1
    demand.refresh_from_db()
    obligation.refresh_from_db()
    assert demand.state == "fulfilled" and obligation.on_time and obligation.meeting is not None
    assert Entry.objects.get(index=obligation.fulfilled_entry_index).act == "initiative_fulfilled"
    assert record.verify() is None


def test_a_federation_document_needs_50_cosigners(ftu, at):
    at("2026-03-01T10:00:00")
    doc = start_initiative(by=ftu["d1"], kind="circulate_document", title="To the dockers", text="Read this.", addressed_to=ftu["port_exec"])
    assert doc.needed == 50
    for i in range(30):
        sign_initiative(doc, by=ftu[f"d{i}"])
    assert Initiative.objects.get(pk=doc.pk).state == "collecting"  # 30 of 50: the federation has only 42 members
