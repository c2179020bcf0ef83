"""Bad input and misuse are refused with the articles, and change nothing; an officer's or a body's
refused attempt is itself on the record, a member's own slip is not."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from charter.discipline import actions
from charter.discipline.models import Appeal, Case, Deadline, Measure, Recusal, Reply
from charter.discipline.tests import story
from charter.members.models import Member, Status
from charter.notices.models import Notice
from charter.record.models import Entry
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.judge import Votes

pytestmark = pytest.mark.django_db


class Unchanged:
    """Counts of everything an act could write; ``same()`` asserts none moved."""

    def __init__(self) -> None:
        self.before = self.counts()

    @staticmethod
    def counts() -> dict[str, object]:
        return {
            "cases": Case.objects.count(), "replies": Reply.objects.count(), "measures": Measure.objects.count(),
            "appeals": Appeal.objects.count(), "notices": Notice.objects.count(), "recusals": Recusal.objects.count(),
            "deadlines": list(Deadline.objects.order_by("pk").values_list("state", "due_on")),
            "statuses": list(Member.objects.order_by("pk").values_list("status", flat=True)),
            "cases_state": list(Case.objects.order_by("pk").values_list("state", "charge_delivered_on", "replied_on")),
        }

    def same(self) -> None:
        assert self.counts() == self.before


def last_entry() -> dict:
    return json.loads(Entry.objects.order_by("-index").first().body)


def test_a_charge_without_grounds_or_facts_is_refused_and_on_the_record(cast, at):
    at("2026-09-01T10:00:00")
    nothing = Unchanged()
    size = Entry.objects.count()
    with pytest.raises(Refused) as exc:
        actions.frame_charge(cast.tariq, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]), grounds=[], facts="  ")
    assert set(exc.value.articles) == {"7.1", "7.4"}
    assert {b.code for b in exc.value.breaches} == {"no_grounds", "no_facts"}
    nothing.same()
    assert Entry.objects.count() == size + 1 and last_entry()["outcome"] == "refused"
    with pytest.raises(Refused) as exc:  # inactivity is never a ground
        actions.frame_charge(cast.tariq, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]), grounds=["inactivity"], facts="Came to no meeting.")
    assert {"1.4", "7.1"} <= set(exc.value.articles)
    nothing.same()


def test_the_regional_secretary_cannot_deliver_or_frame_alone(cast, at):
    case = story.frame(cast)
    nothing = Unchanged()
    with pytest.raises(Refused) as exc:
        actions.deliver_charge(case, by=cast.rashid, office="regional_secretary")
    assert exc.value.articles == ["3.5"]
    assert last_entry()["act"] == "deliver_charge" and last_entry()["outcome"] == "refused"
    with pytest.raises(Refused) as exc:
        actions.frame_charge(cast.farhan, by=cast.rashid, office="regional_secretary", grounds=["breach_of_document"], facts="x")
    assert exc.value.articles == ["3.5"]
    nothing.same()


def test_a_reply_after_the_deadline_is_refused_with_the_article(cast, at):
    case = story.frame(cast)
    story.deliver(cast, case)
    nothing = Unchanged()
    size = Entry.objects.count()
    story.moment_at("2026-09-16T09:00:00")  # delivered 2026-09-01: the 14 days ended on 2026-09-15
    with pytest.raises(Refused) as exc:
        actions.reply_to_charge(case, by=cast.tariq, text="My reply.")
    assert exc.value.articles == ["7.4"] and exc.value.breaches[0].code == "reply_period_over"
    assert "2026-09-15" in exc.value.breaches[0].message
    nothing.same()
    assert Entry.objects.count() == size  # the member's own slip is not on the public record


def test_only_the_member_concerned_may_reply_or_appeal(cast, at):
    case = story.expelled(cast)
    nothing = Unchanged()
    for someone in (cast.alice, cast.sara):
        with pytest.raises(Refused) as exc:
            actions.file_appeal(case, by=someone, statement="On his behalf.")
        assert exc.value.articles == ["8.1"] and exc.value.breaches[0].code == "not_authorised"
    nothing.same()
    story.moment_at("2026-10-20T10:00:00")  # after the 30 days
    with pytest.raises(Refused) as exc:
        actions.file_appeal(case, by=cast.tariq, statement="Too late.")
    assert exc.value.articles == ["8.1"] and exc.value.breaches[0].code == "window_closed"


def test_a_decision_by_a_body_without_the_power_is_refused_and_recorded(cast, at):
    case = story.frame(cast)
    story.deliver(cast, case)
    meeting = story.hearing_meeting(cast, case)
    story.reply(cast, case)
    held = story.attend(meeting, by=cast.zainab, present=story.cc_voters(cast))
    rc = cast.bodies["rc"]
    secretariat_call, rc_call = story.call(cast.bodies["secretariat"], by=cast.sara, days=15), story.call(rc, by=cast.saima, days=8)
    nothing = Unchanged()
    secretariat = story.attend(secretariat_call, by=cast.cc_members[1], present=story.seated(cast.bodies["secretariat"]))
    with pytest.raises(Refused) as exc:
        actions.decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.cc_members[1], body=cast.bodies["secretariat"], meeting=secretariat, votes=Votes(4, 0, 0), reasons="x"))
    assert "3.3" in exc.value.articles and "body_may_not" in {b.code for b in exc.value.breaches}
    assert last_entry()["outcome"] == "refused"
    rc_meeting = story.attend(rc_call, by=cast.saima, present=story.seated(rc))
    with pytest.raises(Refused) as exc:  # the Regional Committee may warn, never expel
        actions.decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.saima, body=rc, meeting=rc_meeting, votes=Votes(7, 0, 0), reasons="x"))
    assert exc.value.articles[0] == "7.3" and exc.value.breaches[0].code == "body_lacks_power"
    assert "no_hearing" in {b.code for b in exc.value.breaches}  # and it never heard him
    assert last_entry()["outcome"] == "refused"
    nothing.same()
    assert held.state == "held"


def test_votes_of_those_who_must_stand_aside_are_refused(cast, at):
    case = story.frame(cast)
    story.deliver(cast, case)
    meeting = story.hearing_meeting(cast, case)
    story.reply(cast, case)
    interested = story.cc_voters(cast)[3]
    actions.record_recusal(case, member=interested, decision=Decision(by=cast.zainab, body=cast.bodies["cc"]))
    held = story.attend(meeting, by=cast.zainab, present=story.seated(cast.bodies["cc"]))
    nothing = Unchanged()
    cc = cast.bodies["cc"]
    everyone = story.seated(cc)  # the two who brought it and the one with an interest among them
    with pytest.raises(Refused) as exc:
        actions.decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, taking_part=everyone, decision=Decision(by=cast.zainab, body=cc, meeting=held, votes=Votes(12, 3, 0), reasons="x"))
    assert exc.value.articles == ["7.4"] and "3 of those voting" in exc.value.breaches[0].message
    fair = [m for m in story.cc_voters(cast) if m.pk != interested.pk]
    with pytest.raises(Refused) as exc:  # more votes counted than members taking part
        actions.decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, taking_part=fair, decision=Decision(by=cast.zainab, body=cc, meeting=held, votes=Votes(12, 2, 0), reasons="x"))
    assert {b.code for b in exc.value.breaches} == {"votes_beyond_participants"}
    with pytest.raises(Refused) as exc:  # the one who brought the charge may not record the decision either
        actions.decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, taking_part=fair, decision=Decision(by=cast.cc_members[0], body=cc, meeting=held, votes=Votes(11, 1, 0), reasons="x"))
    assert {b.code for b in exc.value.breaches} == {"not_recused"}
    nothing.same()
    actions.decide_measure(cast.tariq, measure="expulsion", grounds=["breach_of_document"], case=case, taking_part=fair, decision=Decision(by=cast.zainab, body=cc, meeting=held, votes=Votes(11, 1, 0), reasons="Proved."))
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.EXPELLED


def test_no_decision_before_delivery_reply_period_and_hearing_nor_on_a_ground_not_charged(cast, at):
    case = story.frame(cast)
    cc = cast.bodies["cc"]
    early = story.attend(story.call(cc, by=cast.zainab, days=15), by=cast.zainab, present=story.cc_voters(cast))
    with pytest.raises(Refused) as exc:
        actions.decide_measure(cast.tariq, measure="warning", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.zainab, body=cc, meeting=early, votes=Votes(13, 0, 0), reasons="x"))
    assert {"no_charge", "no_reply_period", "no_hearing"} <= {b.code for b in exc.value.breaches}
    story.moment_at("2026-09-20T10:00:00")
    story.deliver(cast, case)
    meeting = story.call(cc, by=cast.zainab, days=15)
    actions.schedule_hearing(case, decision=Decision(by=cast.zainab, body=cc), meeting=meeting)
    held = story.attend(meeting, by=cast.zainab, present=story.cc_voters(cast))  # 2026-10-05: the reply period runs to 10-04
    with pytest.raises(Refused) as exc:
        actions.decide_measure(cast.tariq, measure="warning", grounds=["misuse_of_funds"], case=case, decision=Decision(by=cast.zainab, body=cc, meeting=held, votes=Votes(13, 0, 0), reasons="x"))
    assert {b.code for b in exc.value.breaches} == {"ground_not_charged"} and exc.value.articles == ["7.4"]
    actions.decide_measure(cast.tariq, measure="warning", grounds=["breach_of_document"], case=case, decision=Decision(by=cast.zainab, body=cc, meeting=held, votes=Votes(13, 0, 0), reasons="Warned."))
    assert Case.objects.get(pk=case.pk).state == Case.State.DECIDED


def test_a_hearing_needs_the_rules_notice(cast, at):
    case = story.frame(cast)
    story.deliver(cast, case)
    soon = story.call(cast.bodies["cc"], by=cast.zainab, days=15)
    nothing = Unchanged()
    story.moment_at("2026-09-10T10:00:00")  # the meeting is on 2026-09-16: six days' notice to the member
    with pytest.raises(Refused) as exc:
        actions.schedule_hearing(case, decision=Decision(by=cast.zainab, body=cast.bodies["cc"]), meeting=soon)
    assert exc.value.articles == ["4.1"]
    nothing.same()


def test_an_appeal_body_member_who_took_part_may_not_sit(cast, at):
    from charter.org.models import Mandate

    case = story.appealed(cast)
    took_part = story.cc_voters(cast)[0]
    # Set-up only (the rules forbid it, 3.4): a CC member who voted also sits on the Commission.
    Mandate.objects.create(member=took_part, body=cast.bodies["commission"], filled_by="elected", starts_on=dt.date(2026, 1, 5), entry_index=0)
    nothing = Unchanged()
    commission = cast.bodies["commission"]
    held = story.attend(story.call(commission, by=cast.imran, days=15), by=cast.imran, present=story.seated(commission))
    with pytest.raises(Refused) as exc:
        actions.decide_appeal(case.appeals.get(), outcome="annul", decision=Decision(by=cast.imran, body=commission, meeting=held, votes=Votes(2, 0, 0), reasons="x"))
    assert exc.value.articles == ["8.2"]
    assert last_entry()["outcome"] == "refused"
    actions.decide_appeal(case.appeals.get(), outcome="confirm", taking_part=[cast.imran], decision=Decision(by=cast.imran, body=commission, meeting=held, votes=Votes(1, 0, 0), reasons="Proved."))
    assert Case.objects.get(pk=case.pk).state == Case.State.CONFIRMED
    assert nothing.before["statuses"] == Unchanged.counts()["statuses"]


def test_an_appeal_may_only_reduce_to_a_lighter_measure(cast, at):
    case = story.appealed(cast)
    commission = cast.bodies["commission"]
    held = story.attend(story.call(commission, by=cast.imran, days=15), by=cast.imran, present=story.seated(commission))
    from charter.lib.errors import InvalidInput

    with pytest.raises(InvalidInput):
        actions.decide_appeal(case.appeals.get(), outcome="reduce", measure="suspension", days=400, decision=Decision(by=cast.imran, body=commission, meeting=held, votes=Votes(1, 0, 0), reasons="x"))
    actions.decide_appeal(case.appeals.get(), outcome="reduce", measure="suspension", days=90, decision=Decision(by=cast.imran, body=commission, meeting=held, votes=Votes(1, 0, 0), reasons="Too harsh."))
    tariq = Member.objects.get(pk=cast.tariq.pk)
    assert tariq.status == Status.SUSPENDED
    reduced = Measure.objects.get(case=case, state=Measure.State.IN_FORCE)
    assert reduced.kind == "suspension" and reduced.replaces.kind == "expulsion" and reduced.entry_index is not None
    story.at_check(f"{reduced.ends_on.isoformat()}T06:00:00")  # the suspension's end: Charter restores him
    assert Member.objects.get(pk=cast.tariq.pk).status == Status.MEMBER
    assert Measure.objects.get(pk=reduced.pk).state == Measure.State.ENDED


def test_grounds_in_free_words_never_reach_the_public_record(cast, at, client):
    from charter.tests.test_pages import login_as

    at("2026-09-01T10:00:00")
    login_as(client, cast.sara, "sara")
    size = Entry.objects.count()
    r = client.post(f"/api/members/{cast.tariq.pk}/charges", {"body_id": cast.bodies["secretariat"].pk, "grounds": ["Tariq Mirani is lazy"], "facts": "x"}, content_type="application/json")
    assert r.status_code == 400 and Entry.objects.count() == size and not Case.objects.exists()
