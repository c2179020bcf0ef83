"""`charter record reconcile`: the domain tables and the record tell the same story."""

from __future__ import annotations

import pytest
from django.db import connection

from charter.cli import main
from charter.discipline.models import Case, Measure
from charter.meetings.models import Meeting, Motion
from charter.members.actions import transfer_member
from charter.members.models import StatusChange, Transfer
from charter.org.actions import create_unit, dissolve_unit
from charter.org.models import Mandate
from charter.record import log, reconcile
from charter.record.models import Entry
from charter.record.tests.conftest import seated
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.rulebook.models import RulebookVersion
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db


def reported() -> list[str]:
    return list(reconcile.problems())


def test_the_cast_reconciles(cast, capsys):
    assert main(["record", "reconcile"]) == 0
    assert capsys.readouterr().out.startswith("OK: ")
    assert Mandate.objects.filter(entry_index__isnull=True).count() == 0


def test_a_season_of_business_reconciles(busy, capsys):
    assert reported() == []
    assert main(["record", "reconcile"]) == 0
    # Every kind of recorded row is there, each linked to its own act's entry.
    for model in (StatusChange, Transfer, Meeting, Motion, Case, Measure, Mandate, RulebookVersion):
        assert model.objects.exists(), model
    refused = Motion.objects.get(outcome=Motion.Outcome.REFUSED)
    assert Entry.objects.get(index=refused.entry_index).outcome == "refused"
    assert log.verify() is None


@pytest.mark.parametrize("model", [StatusChange, Transfer, Meeting, Motion, Case, Measure, Mandate])
def test_a_row_that_lost_its_entry_link_is_reported(busy, capsys, model):
    row = model.objects.order_by("-pk").first()
    act = Entry.objects.get(index=row.entry_index).act
    model.objects.filter(pk=row.pk).update(entry_index=None)
    found = reported()
    assert found[0] == f"{model._meta.label} {row.pk} has no record entry"
    # When the row was its entry's only one of its kind, the entry is reported without it too.
    assert found[1:] in ([], [f"record entry {row.entry_index} ({act}) made a {model._meta.label} row, which is gone"])
    assert main(["record", "reconcile"]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == found
    assert f"{len(found)} problem(s)" in captured.err


def test_a_row_naming_a_missing_entry_or_another_act_is_reported(busy):
    mandate = Mandate.objects.order_by("-pk").first()
    original = mandate.entry_index
    Mandate.objects.filter(pk=mandate.pk).update(entry_index=10**9)
    found = reported()
    assert f"org.Mandate {mandate.pk} names record entry {10**9}, which is not on the record" in found
    assert f"record entry {original} (seat_founder) made a org.Mandate row, which is gone" in found
    convened = Meeting.objects.order_by("pk").first().entry_index
    Mandate.objects.filter(pk=mandate.pk).update(entry_index=convened)
    assert f"org.Mandate {mandate.pk} names record entry {convened}, which records convene_meeting (done), not an act that makes it" in reported()


def test_a_motion_must_name_the_act_of_its_entry(busy):
    motion = Motion.objects.filter(act="admit_member").first()
    Motion.objects.filter(pk=motion.pk).update(act="expel_member")
    assert reported() == [f"meetings.Motion {motion.pk} names record entry {motion.entry_index}, which records admit_member (done), not an act that makes it"]


@pytest.mark.parametrize(("model", "act"), [(Transfer, "transfer_member"), (Measure, "warn_member"), (Mandate, "seat_founder"), (StatusChange, "resign_membership")])
def test_an_entry_whose_row_is_gone_is_reported(busy, model, act):
    row = model.objects.filter(entry_index__in=Entry.objects.filter(act=act).values("index")).order_by("-pk").first()
    with connection.cursor() as cur:  # behind the actions' back, as a faulty script or a bad restore would
        cur.execute(f"DELETE FROM {model._meta.db_table} WHERE id = %s", [row.pk])
    assert reported() == [f"record entry {row.entry_index} ({act}) made a {model._meta.label} row, which is gone"]
    assert log.verify() is None  # the log itself is intact: only reconcile sees the gap


def test_a_model_that_does_not_say_which_acts_make_it_is_reported(cast, monkeypatch):
    monkeypatch.delattr(Case, "recorded_by")
    assert reported() == ["discipline.Case carries entry_index but does not say which acts make its rows (recorded_by)"]


def test_a_merger_records_the_transfers_it_makes(busy):
    rc = busy.bodies["rc"]
    meeting = hold(rc, by=busy.rashid, present=seated(rc), notice_days=8)
    vote = Decision(by=busy.rashid, body=rc, meeting=meeting, votes=Votes(6, 0, 0))
    clifton = create_unit(parent=busy.area, level="branch", name="Clifton", decision=vote)
    transfer_member(busy.alice, to_branch=clifton, by=busy.alice)
    dissolve_unit(clifton, decision=vote, heard=True, merge_into=busy.karachi)
    moved = Transfer.objects.get(from_unit=clifton)
    assert moved.member == busy.alice and Entry.objects.get(index=moved.entry_index).act == "merge_units"
    assert reported() == []
