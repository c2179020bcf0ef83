"""A member's receipts: one click from home, each one checkable without the server."""

from __future__ import annotations

import pytest

from charter.lib import merkle
from charter.lib.canonical import canonical_json
from charter.lib.checkpoint import open_checkpoint
from charter.record import checkpoints
from charter.record import log as record
from charter.tests.test_pages import login_as

pytestmark = pytest.mark.django_db


def test_receipts_page_and_bundle(client, cast):
    login_as(client, cast.sara, "sara")
    home = client.get("/me/").content.decode()
    assert "/me/receipts/" in home
    mine = list(record.entries_about(cast.sara))
    assert mine
    page = client.get("/me/receipts/").content.decode()
    assert "within a minute" in page  # nothing signed yet
    checkpoints.sign_if_due()
    page = client.get("/me/receipts/").content.decode()
    for entry in mine:
        assert f"/record/{entry.index}/receipt.json" in page
    bundle = client.get("/me/receipts/", {"download": "all"}).json()
    assert len(bundle["receipts"]) == len(mine)
    for receipt in bundle["receipts"]:
        signed = open_checkpoint(receipt["checkpoint"], bundle["key"])
        leaf = merkle.leaf_hash(canonical_json(receipt["entry"]))
        assert leaf.hex() == receipt["leaf_hash"]
        proof = [bytes.fromhex(h) for h in receipt["proof"]]
        assert merkle.verify_inclusion(leaf, receipt["index"], signed.size, proof, signed.root)


def test_receipts_need_sign_in(client, cast):
    assert client.get("/me/receipts/").status_code == 302


def test_the_status_history_on_home_is_in_the_readers_language(client, cast):
    from charter.members.models import Member, StatusChange

    assert StatusChange.objects.filter(member=cast.sara).exists()
    Member.objects.filter(pk=cast.sara.pk).update(language="ur")
    login_as(client, cast.sara, "sara")
    home = client.get("/me/").content.decode()
    history = home[home.index('<span class="arrow">') - 200 :]
    assert "رکن" in history and "→</span> member<" not in history
