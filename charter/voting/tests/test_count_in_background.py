"""The count of a large election runs in the worker: the console starts it and follows it; the end
is the result, or the refusal in words; who may follow it."""

from __future__ import annotations

from django.test import Client

from charter.progress.background import QUEUE, run_queued
from charter.progress.models import Operation
from charter.record.models import Entry
from charter.testing.web import login_as
from charter.voting.actions import cast_vote, close_poll
from charter.voting.models import Ballot, Poll
from charter.voting.tests.conftest import committee, new_poll


def _closed_ranked_poll(cast):  # type: ignore[no-untyped-def]
    poll = new_poll(cast, method="meek-stv", options=[f"Candidate {c}" for c in "ABCDEF"], seats=3)
    for i, voter in enumerate(committee(cast)):
        cast_vote(
            poll, voter=voter, vote=[(i + k) % 6 + 1 for k in range(4)], idempotency_key=f"k{i}"
        )
    return close_poll(poll, by=cast.rashid)


def test_the_console_starts_the_count_and_shows_it_to_the_end(client, cast, rc):
    poll = _closed_ranked_poll(cast)
    login_as(client, cast.rashid)
    started = client.post(f"/polls/{poll.pk}/publish/")
    op = Operation.objects.get(kind="publish_poll", subject_id=poll.pk)
    assert started["Location"] == f"/polls/{poll.pk}/console/?operation={op.pk}"
    assert (
        Poll.objects.get(pk=poll.pk).state == Poll.State.CLOSED
    )  # nothing counted yet: the page answered
    console = client.get(started["Location"]).content.decode()
    assert (
        "Counting the ballots and publishing the result" in console
        and "Count and publish the result" not in console
    )
    assert f'hx-get="/operations/{op.pk}/"' in console

    assert run_queued(queues=(QUEUE,)) == 1
    op.refresh_from_db()
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.PUBLISHED
    assert (op.state, op.done, op.total, op.result) == (
        "done",
        7,
        7,
        {"poll": poll.pk, "ballots": 7},
    )
    fragment = client.get(f"/operations/{op.pk}/").content.decode()
    assert (
        f'href="/polls/{poll.pk}/results/"' in fragment
        and "7 items." in fragment
        and "hx-get" not in fragment
    )


def test_a_refused_count_ends_with_the_refusal_in_words(client, cast, rc):
    poll = _closed_ranked_poll(cast)
    Ballot.objects.filter(poll=poll).update(
        weight=2
    )  # someone with the database changes the ballots
    login_as(client, cast.rashid)
    client.post(f"/polls/{poll.pk}/publish/")
    run_queued(queues=(QUEUE,))
    op = Operation.objects.get(kind="publish_poll")
    assert (
        op.state == "failed"
        and "The ballots no longer match the list committed when the poll closed" in op.error
    )
    fragment = client.get(f"/operations/{op.pk}/").content.decode()
    assert 'role="alert"' in fragment and "no longer match" in fragment
    assert Poll.objects.get(pk=poll.pk).state == Poll.State.CLOSED
    assert (
        Entry.objects.filter(body__contains='"publish_poll"')
        .filter(body__contains='"refused"')
        .exists()
    )


def test_only_the_body_follows_the_count_until_the_result_is_public(client, cast, rc):
    poll = _closed_ranked_poll(cast)
    login_as(client, cast.rashid)
    client.post(f"/polls/{poll.pk}/publish/")
    op = Operation.objects.get(kind="publish_poll")
    on_body = login_as(Client(), cast.saima)
    off_body = login_as(Client(), cast.alice)
    assert on_body.get(f"/operations/{op.pk}/").status_code == 200
    assert off_body.get(f"/operations/{op.pk}/").status_code == 404
    run_queued(queues=(QUEUE,))
    assert (
        off_body.get(f"/operations/{op.pk}/").status_code == 200
    )  # the result is every member's now


def test_the_count_reports_the_ballots_it_reads_before_it_commits(client, cast, rc, settings, monkeypatch):
    from charter.progress import beacon

    settings.PROGRESS_INTERVAL = 0
    poll = _closed_ranked_poll(cast)
    login_as(client, cast.rashid)
    client.post(f"/polls/{poll.pk}/publish/")
    seen: list[tuple[str, int, int | None]] = []
    write = beacon.write

    def spy(op, **figures):  # type: ignore[no-untyped-def]
        write(op, **figures)
        seen.append((figures["step"], figures["done"], figures["total"]))

    monkeypatch.setattr(beacon, "write", spy)
    assert run_queued(queues=(QUEUE,)) == 1
    assert [s for s in seen if s[0] == "counting"][-1] == ("counting", 7, 7)  # each ballot read, of 7
    assert ("counting", 3, 7) in seen
