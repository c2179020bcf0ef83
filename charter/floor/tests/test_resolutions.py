"""Resolutions and amendments: submitted by members registered with a vote (on the record, Art. 6.1),
supported, voted on through the poll kernel (electronically or with card counts typed in), decided
by a majority of the registered members voting, with the final text carrying the adopted amendments."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from charter.floor import actions, queries
from charter.floor.models import Amendment, Resolution
from charter.lib.errors import InvalidInput
from charter.record import log as record
from charter.record import reconcile
from charter.record.models import Entry
from charter.rulebook.enforce import Refused
from charter.voting import actions as voting
from charter.voting.models import Poll

TEXT = "This conference sends its greetings to the workers of the port."


def vote(poll, conf, yes=(), no=(), abstain=()):  # type: ignore[no-untyped-def]
    for choice, people in (("yes", yes), ("no", no), ("abstain", abstain)):
        for p in people:
            voting.cast_vote(poll, voter=p.member, vote=choice, idempotency_key=f"{poll.pk}-{p.pk}")


def finish(poll, conf):  # type: ignore[no-untyped-def]
    voting.close_poll(poll, by=conf.chair)
    return voting.publish_poll(poll, by=conf.chair)


def test_a_resolution_amended_and_adopted_electronically_with_its_final_text(conf):
    r = actions.submit_resolution(
        conf.conference, participant=conf.alice, title="Greetings", text=TEXT
    )
    entry = Entry.objects.get(index=r.entry_index)
    assert (
        entry.act == "submit_resolution"
        and '"articles":["6.1"]' in entry.body
        and "port" not in entry.body
    )  # hashes, no free text
    actions.support_resolution(r, participant=conf.bilal)
    actions.support_resolution(r, participant=conf.bilal)  # once
    a = actions.submit_amendment(
        r, participant=conf.farhan, replaces="the port", by_text="the port and the railways"
    )
    with pytest.raises(InvalidInput):  # the resolution waits for its amendments
        actions.put_to_vote(r, by=conf.chair)
    poll = actions.put_to_vote(a, by=conf.chair, mode=Poll.Mode.SECRET)
    assert (
        poll.state == "open" and poll.electorate == 5
    )  # the members registered with a vote (not sara, not the observer)
    vote(poll, conf, yes=[conf.alice, conf.bilal, conf.farhan], no=[conf.saima])
    with pytest.raises(
        Refused
    ) as refused:  # a member not registered with a vote: the conference's article
        voting.cast_vote(poll, voter=conf.chair, vote="yes", idempotency_key="x")
    assert refused.value.articles == ["6.1"]
    finish(poll, conf)
    a = actions.declare_result(a, by=conf.chair)
    assert a.state == "adopted"
    poll2 = actions.put_to_vote(r, by=conf.chair, mode=Poll.Mode.NAMED)
    vote(poll2, conf, yes=[conf.alice, conf.bilal, conf.farhan, conf.saima, conf.rashid])
    finish(poll2, conf)
    r = actions.declare_result(r, by=conf.chair)
    assert r.state == "adopted"
    assert (
        r.final_text
        == "This conference sends its greetings to the workers of the port and the railways."
    )
    decision = Entry.objects.get(index=r.decision_entry)
    assert decision.act == "adopt_resolution" and decision.outcome == "done"
    assert (
        '"votes":{"abstain":0,"no":0,"yes":5}' in decision.body
        and '"supporters":1' in decision.body
        and '"6.1"' in decision.body
    )
    assert record.verify() is None
    figures = queries.report_figures(conf.conference)  # what the conference report reads
    assert figures["resolutions"] == [{"number": r.number, "title": "Greetings", "adopted": True, "yes": 5, "no": 0, "abstain": 0}]
    assert list(reconcile.problems()) == []


def test_card_counts_typed_in_and_a_resolution_not_adopted_is_on_the_record_as_lost(conf):
    r = actions.submit_resolution(
        conf.conference, participant=conf.alice, title="Motion", text=TEXT
    )
    poll = actions.put_to_vote(r, by=conf.chair, mode=Poll.Mode.PAPER)
    voting.enter_paper_batch(poll, by=conf.chair, lines=[(40, "yes"), (40, "no"), (12, "abstain")])
    finish(poll, conf)
    r = actions.declare_result(r, by=conf.chair)
    assert r.state == "lost" and r.final_text == ""
    entry = Entry.objects.get(index=r.decision_entry)
    assert (entry.act, entry.outcome) == (
        "adopt_resolution",
        "lost",
    ) and '"majority_not_reached"' in entry.body


def test_paper_majority_of_those_voting_adopts(conf):
    r = actions.submit_resolution(
        conf.conference, participant=conf.alice, title="Greetings", text=TEXT
    )
    poll = actions.put_to_vote(r, by=conf.chair, mode=Poll.Mode.PAPER)
    voting.enter_paper_batch(poll, by=conf.chair, lines=[(41, "yes"), (40, "no"), (300, "abstain")])
    finish(poll, conf)
    assert (
        actions.declare_result(r, by=conf.chair).state == "adopted"
    )  # abstentions are not votes cast


def test_observers_and_members_without_a_vote_cannot_submit(conf):
    with pytest.raises(InvalidInput):  # an observer from outside the register
        actions.submit_resolution(conf.conference, participant=conf.observer, title="T", text=TEXT)
    before = Entry.objects.count()
    with pytest.raises(Refused) as refused:  # sara is registered without a vote
        actions.submit_resolution(conf.conference, participant=conf.sara, title="T", text=TEXT)
    assert (
        refused.value.articles == ["6.1"]
        and refused.value.breaches[0].code == "not_registered_with_vote"
    )
    assert (
        not Resolution.objects.exists() and Entry.objects.count() == before
    )  # a member's own slip is not recorded


def test_an_amendment_must_quote_the_text_and_the_vote_waits_for_declaration(conf):
    r = actions.submit_resolution(
        conf.conference, participant=conf.alice, title="Greetings", text=TEXT
    )
    with pytest.raises(InvalidInput):
        actions.submit_amendment(r, participant=conf.bilal, replaces="not in the text", by_text="x")
    assert not Amendment.objects.exists()
    poll = actions.put_to_vote(r, by=conf.chair)
    with pytest.raises(InvalidInput):  # not yet published
        actions.declare_result(r, by=conf.chair)
    with pytest.raises(InvalidInput):  # no amendments once voting began
        actions.submit_amendment(r, participant=conf.bilal, replaces="the port", by_text="x")
    with pytest.raises(PermissionDenied):
        actions.declare_result(r, by=conf.alice.member)
    assert Poll.objects.get(pk=poll.pk).state == "open"
