"""A rulebook is amended only by the body its rules name; each version governs acts dated from its
effective date, and earlier versions keep governing acts dated before."""

from __future__ import annotations

import datetime as dt

import pytest

from charter.lib import clock
from charter.members.models import Member
from charter.org.models import Mandate
from charter.rulebook.actions import amend_rulebook
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes
from charter.rulebook.models import RulebookVersion
from charter.rulebook.spec import DATA_DIR
from charter.rulebook.store import rulebook_on
from charter.testing.meetings import hold

pytestmark = pytest.mark.django_db

AMENDED = (DATA_DIR / "wda-2011.yaml").read_text().replace('version: "2011"', 'version: "2027"').replace("effective_from: 2011-07-01", "effective_from: 2027-03-01").replace("    reply_days: 14\n", "    reply_days: 21\n")



def test_amendment_is_refused_from_anyone_but_congress(cast, at):
    at("2026-11-01T10:00:00")
    cc = cast.bodies["cc"]
    seated = list(Member.objects.filter(mandates__body=cc, mandates__office="", mandates__ended_on__isnull=True))
    meeting = hold(cc, by=cast.zainab, present=seated, notice_days=15)
    with pytest.raises(Refused) as exc:
        amend_rulebook(AMENDED, decision=Decision(by=cast.zainab, body=cc, meeting=meeting, votes=Votes(15, 0, 0)), circulated_on=dt.date(2026, 6, 1))
    assert "12.1" in exc.value.articles
    assert RulebookVersion.objects.count() == 1


def test_congress_amends_and_the_new_version_takes_effect_on_its_date(db, at):
    from charter.testing.cast import build

    cast = build(congress_delegates=12)
    congress = cast.body("congress")
    delegates = list(Member.objects.filter(mandates__body=congress))
    at("2026-09-01T10:00:00")
    meeting = hold(congress, by=delegates[0], present=delegates, notice_days=61)
    with pytest.raises(Refused) as exc:  # circulated only 30 days before
        amend_rulebook(AMENDED, decision=Decision(by=delegates[0], body=congress, meeting=meeting, votes=Votes(12, 0, 0)), circulated_on=clock.today() - dt.timedelta(days=30))
    assert "not_circulated" in {b.code for b in exc.value.breaches}
    with pytest.raises(Refused) as exc:  # short of two thirds of those voting
        amend_rulebook(AMENDED, decision=Decision(by=delegates[0], body=congress, meeting=meeting, votes=Votes(7, 5, 0)), circulated_on=clock.today() - dt.timedelta(days=70))
    assert exc.value.outcome == "lost"
    amend_rulebook(AMENDED, decision=Decision(by=delegates[0], body=congress, meeting=meeting, votes=Votes(8, 4, 0)), circulated_on=clock.today() - dt.timedelta(days=70))
    assert rulebook_on(dt.date(2027, 2, 28)).version == "2011"
    assert rulebook_on(dt.date(2027, 3, 1)).version == "2027"
    assert rulebook_on(dt.date(2027, 3, 1)).section("discipline")["due_process"]["reply_days"] == 21
    assert Mandate.objects.filter(body=congress).count() == 12
