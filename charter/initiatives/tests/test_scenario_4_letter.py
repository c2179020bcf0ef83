"""Scenario 4: a letter the leadership will not circulate (Article 9.4).

Once 20 members in good standing co-sign, Charter circulates it unaltered to every addressee within
14 days, whatever any officer thinks of it; the circulation and its delivery are on the record, and
the hash of the text on the record lets anyone check it was not changed.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from charter.initiatives.actions import (
    alter_document,
    sign_initiative,
    start_initiative,
    stop_circulation,
)
from charter.initiatives.models import Initiative, Obligation
from charter.members.models import Member
from charter.notices import tasks
from charter.notices.models import Notice
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook import rosters
from charter.rulebook.enforce import Refused
from charter.rulebook.store import rulebook_on

pytestmark = pytest.mark.django_db

LETTER = (
    "Comrades of Sindh,\r\n\r\nThe expulsions of Farhan, Saima and Tariq were decided by text message, without a charge, "
    "a reply or a hearing. We ask every member of the region to read Article 7.4 and to say so at the aggregate.\r\n\r\n"
    "— Alice Baloch and others ✊"
)
SENT = LETTER.replace("\r\n", "\n")  # line endings are normalized once, before the text is hashed


@pytest.fixture
def outbox_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.NOTICE_OUTBOX_DIR = tmp_path
    return tmp_path


def detail(entry: Entry) -> dict:
    return json.loads(entry.body)["detail"]


def letter(cast) -> Initiative:  # type: ignore[no-untyped-def]
    aggregate = cast.body("regional_aggregate", cast.sindh)
    return start_initiative(by=cast.alice, kind="circulate_document", title="On the Sindh expulsions", text=LETTER, addressed_to=aggregate)


def test_a_letter_with_20_cosigners_is_delivered_unaltered_to_every_addressee(hundreds, outbox_dir):
    cast = hundreds
    doc = letter(cast)
    digest = hashlib.sha256(SENT.encode("utf-8")).hexdigest()
    submitted = Entry.objects.get(index=doc.entry_index)
    assert doc.text == SENT and doc.text_sha256 == digest and detail(submitted)["text_sha256"] == digest
    assert "Farhan" not in submitted.body and doc.needed == 20

    # The Regional Secretary tries to stop it, the Secretariat to change it: refused with 9.4, on the record.
    with pytest.raises(Refused) as stopped:
        stop_circulation(doc, by=cast.rashid, office="regional_secretary")
    with pytest.raises(Refused) as altered:
        alter_document(doc, by=cast.sara, body=cast.bodies["secretariat"], text="Comrades, all is well.")
    for refusal, act in ((stopped, "stop_circulation"), (altered, "alter_document")):
        assert refusal.value.articles == ["9.4"] and refusal.value.breaches[0].code == "circulation_unconditional"
        entry = Entry.objects.get(index=refusal.value.entry_index)
        assert (entry.act, entry.outcome) == (act, "refused") and detail(entry)["initiative"] == doc.pk
    assert detail(Entry.objects.get(index=altered.value.entry_index))["proposed_sha256"] != digest
    doc.refresh_from_db()
    assert doc.text == SENT and doc.state == "collecting" and not Notice.objects.filter(kind="circulated_document").exists()

    # 19 co-signers: nothing is sent. The 20th: sent, in that same act, to every member of the region.
    for member in cast.signers[:19]:
        sign_initiative(doc, by=member)
    assert not Notice.objects.filter(kind="circulated_document").exists()
    sign_initiative(doc, by=cast.signers[19])
    doc.refresh_from_db()
    obligation = Obligation.objects.get(initiative=doc)
    assert doc.state == "fulfilled" and obligation.on_time and obligation.fulfilled_at == obligation.arose_at
    circulated = Entry.objects.get(index=obligation.fulfilled_entry_index)
    assert circulated.act == "circulate_document" and detail(circulated)["text_sha256"] == digest

    addressees = set(rosters.attendees(cast.body("regional_aggregate", cast.sindh), doc.started_at.date(), rulebook_on(doc.started_at.date())).values_list("pk", flat=True))
    assert len(addressees) == Member.objects.current().within(cast.sindh).count() == detail(circulated)["addressees"]
    notices = Notice.objects.filter(kind="circulated_document")
    assert set(notices.filter(channel="inbox").values_list("member", flat=True)) == addressees  # the ones behind with dues too
    with_email = set(Member.objects.filter(pk__in=addressees).exclude(email="").values_list("pk", flat=True))
    assert set(notices.filter(channel="email").values_list("member", flat=True)) == with_email
    assert cast.imran.pk not in addressees  # Lahore: not a member of the Sindh aggregate
    for body in notices.values_list("body", flat=True).distinct():
        assert hashlib.sha256(body.encode("utf-8")).hexdigest() == digest  # unaltered, every copy

    # The worker delivers; each email and text message gets its receipt.
    while tasks.deliver_batch():
        pass
    assert not notices.exclude(state="sent").exists()
    assert not notices.exclude(channel="inbox").filter(receipt="").exists()

    # After circulation an officer still cannot recall it.
    with pytest.raises(Refused):
        stop_circulation(doc, by=cast.rashid, office="regional_secretary")
    assert record.verify() is None


def test_a_letter_to_all_members(hundreds):
    cast = hundreds
    doc = start_initiative(by=cast.alice, kind="circulate_document", title="To every member", text="A short letter.")
    assert doc.addressed_to is None
    for member in cast.signers[:20]:
        sign_initiative(doc, by=member)
    everyone = Member.objects.current().count()
    assert Notice.objects.filter(kind="circulated_document", channel="inbox").count() == everyone
    assert detail(Entry.objects.get(index=Obligation.objects.get(initiative=doc).fulfilled_entry_index))["addressees"] == everyone


def test_a_plain_members_attempt_to_stop_it_is_refused_but_not_public(hundreds):
    cast = hundreds
    doc = letter(cast)
    before = Entry.objects.count()
    with pytest.raises(Refused) as plain:
        stop_circulation(doc, by=cast.bilal)  # no authority claimed: shown to them, not public
    assert plain.value.entry_index is None and Entry.objects.count() == before
