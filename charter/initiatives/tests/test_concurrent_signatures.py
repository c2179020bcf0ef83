"""The last signatures arrive at the same moment, each in its own connection: every one is counted
once, and the obligation is created exactly once (PostgreSQL: SQLite serializes writers anyway)."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from charter.initiatives.actions import sign_initiative, start_initiative
from charter.initiatives.models import Initiative, Obligation, Signature
from charter.record import log as record
from charter.record.models import Entry
from charter.rulebook.enforce import Refused

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs separate connections writing at once: PostgreSQL"),
]


def at_once(calls: list[Any]) -> list[str]:
    """Run the calls in threads released together; each thread has its own connection."""
    gate = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(i: int) -> None:
        try:
            gate.wait()
            calls[i]()
            outcomes[i] = "signed"
        except Refused as refusal:
            outcomes[i] = ",".join(b.code for b in refusal.breaches)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_the_last_signatures_at_the_same_moment_make_one_obligation(hundreds):
    cast = hundreds
    ini = start_initiative(by=cast.alice, kind="investigation", title="Investigate", text="How were the expulsions decided?")
    assert ini.needed == 28
    for member in cast.signers[:24]:
        sign_initiative(ini, by=member)
    late = cast.signers[24:40]  # 16 at once: the 28th signature is among them, whichever it is
    calls = [lambda m=m: sign_initiative(ini.pk, by=m) for m in late]
    calls += [lambda: sign_initiative(ini.pk, by=late[0])]  # and the same member twice
    outcomes = at_once(calls)
    assert Counter(outcomes) == {"signed": 16, "already_signed": 1}, outcomes

    ini = Initiative.objects.get(pk=ini.pk)
    assert ini.state == "open" and ini.signature_count == 40
    assert Signature.objects.filter(initiative=ini, withdrawn_at__isnull=True).count() == 40
    assert Obligation.objects.filter(initiative=ini).count() == 1
    assert Obligation.objects.get(initiative=ini).signature_count == 28
    assert Entry.objects.filter(act="initiative_threshold_reached").count() == 1
    assert Entry.objects.filter(act="sign_initiative").count() == 40
    counts = [json.loads(body)["detail"]["signatures"] for body in Entry.objects.filter(act="sign_initiative").order_by("index").values_list("body", flat=True)]
    assert counts == list(range(1, 41))  # one at a time, in the order of the record: no count lost or repeated
    assert record.verify() is None
