"""The public log names no one: guess every person by everything we know about them, and find none."""

from __future__ import annotations

import hashlib
import json

import pytest

from charter.members.models import Member
from charter.org.models import Body, Unit
from charter.record import blocks
from charter.record.models import Subject

pytestmark = pytest.mark.django_db


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def guesses(member: Member, public: set[str]) -> dict[str, str]:
    """What someone who knows the person (or the database's numbering) would look for."""
    known = {"name": member.name, "email": member.email, "phone": member.phone, "id": f"member:{member.pk}"}
    out = {k: v for k, v in known.items() if v}
    out.update({f"sha256({k})": sha(v) for k, v in known.items() if v})
    # Each part of the name, unless it is a word of a public unit or body name ("Karachi Member 1").
    out.update({f"name part {w}": w for w in member.name.split() if len(w) >= 4 and w.lower() not in public})
    return out


def test_nobody_can_be_found_in_the_public_log(busy):
    log = "\n".join(data.decode("utf-8") for _index, data, _leaf in blocks.rows(0, 2**62))  # sealed ones too
    text = log.lower()
    members = list(Member.objects.all())
    assert len(members) >= 37  # the cast and the newcomers
    public = {w.lower() for name in [*Unit.objects.values_list("name", flat=True), *Body.objects.values_list("name", flat=True), "member"] for w in name.replace(",", " ").split()}
    leaks = [f"{m.pk} {what}: {value}" for m in members for what, value in guesses(m, public).items() if value.lower() in text]
    assert leaks == []

def test_people_appear_only_as_commitments(busy):
    commitments = set(Subject.objects.values_list("commitment", flat=True))
    for _index, body, _leaf in blocks.rows(0, 2**62):
        entry = json.loads(body)
        people = [entry["actor"], *entry["subjects"]]
        assert all(p == "charter" or (p.startswith("p:") and p[2:] in commitments) for p in people), entry
