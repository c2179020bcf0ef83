"""A secret ballot cannot be linked to its voter: not through the columns of the two tables, not
through their values, not through the order the database stored them in, not through any other
table, the public record or the log output."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.db import connection

from charter.record.models import Entry
from charter.voting.actions import cast_vote, close_poll, publish_poll
from charter.voting.models import Ballot, Participation
from charter.voting.tests.conftest import committee

pytestmark = pytest.mark.django_db


def columns(model) -> set[str]:
    return {f.column for f in model._meta.concrete_fields}


def test_the_two_tables_share_no_column_but_the_poll():
    assert columns(Participation) == {"id", "poll_id", "voter_id", "idempotency_key", "voted_at"}
    assert columns(Ballot) == {"id", "poll_id", "tracker", "weight", "vote", "batch_id"}
    assert columns(Participation) & columns(Ballot) == {"id", "poll_id"}
    ballot_fields = {f.name: f for f in Ballot._meta.concrete_fields}
    assert isinstance(Ballot._meta.pk, type(Ballot._meta.get_field("id"))) and Ballot._meta.pk.get_internal_type() == "UUIDField"
    assert not any(f.get_internal_type() in ("DateTimeField", "DateField", "TimeField") for f in ballot_fields.values())
    related = {f.related_model for f in Ballot._meta.concrete_fields if f.is_relation}
    assert Participation not in related and not any(m._meta.label == "members.Member" for m in related)


def test_nothing_stored_or_logged_links_a_voter_to_a_ballot(cast, rc, open_yes_no, caplog):
    caplog.set_level(logging.DEBUG)
    entries_before = Entry.objects.count()
    voters = committee(cast)
    trackers = {}
    for voter, vote in zip(voters, ["yes", "no", "yes", "abstain", "yes", "no", "yes"], strict=True):
        trackers[voter.pk] = cast_vote(open_yes_no, voter=voter, vote=vote, idempotency_key=f"device-{voter.pk}").tracker
    assert Entry.objects.count() == entries_before  # voting writes nothing on the public record
    close_poll(open_yes_no, by=cast.rashid)
    publish_poll(open_yes_no, by=cast.rashid)

    ballots = list(Ballot.objects.filter(poll=open_yes_no).values())
    participations = list(Participation.objects.filter(poll=open_yes_no).values())
    assert len(ballots) == len(participations) == 7
    for b in ballots:
        assert uuid.UUID(str(b["id"])).version == 4 and b["batch_id"] is None
        for p in participations:
            # Neither row carries anything of the other: no key, time or voter on the ballot; no
            # tracker or ballot id on the participation.
            assert p["idempotency_key"] not in str(b) and str(p["voted_at"]) not in str(b) and p["voted_at"].isoformat() not in str(b)
            assert b["tracker"] not in str(p) and str(b["id"]) not in str(p)

    # The database keeps no trace of when each ballot was written. On SQLite the rows' order is the
    # order of insertion, and it is the trackers' order (random), not the voting order. On PostgreSQL
    # the physical order is the free-space map's choice, so what is checked instead is that every
    # ballot row was written by one and the same (sub)transaction, the close's, and by none of the
    # transactions that recorded a participation.
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT DISTINCT xmin::text FROM voting_ballot WHERE poll_id = %s", [open_yes_no.pk])
            ballot_writers = {row[0] for row in cur.fetchall()}
            cur.execute("SELECT DISTINCT xmin::text FROM voting_participation WHERE poll_id = %s", [open_yes_no.pk])
            participation_writers = {row[0] for row in cur.fetchall()}
        assert len(ballot_writers) == 1 and not ballot_writers & participation_writers
    else:
        with connection.cursor() as cur:
            cur.execute("SELECT tracker FROM voting_ballot WHERE poll_id = %s ORDER BY rowid", [open_yes_no.pk])
            stored = [row[0] for row in cur.fetchall()]
        assert stored == sorted(trackers.values())

    # No other table holds a tracker; only the ballot table does.
    for table in connection.introspection.table_names():
        with connection.cursor() as cur:
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump = "\n".join(str(row) for row in cur.fetchall())
        found = [t for t in trackers.values() if t in dump]
        assert not found or table == "voting_ballot", f"{table} holds a tracker"

    # The public record and the log output name no tracker and no ballot.
    record = "\n".join(Entry.objects.values_list("body", flat=True))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for text in (record, logged):
        for b in ballots:
            assert b["tracker"] not in text and str(b["id"]) not in text and b["id"].hex not in text
    for entry in Entry.objects.filter(act__in=["close_poll", "publish_poll"]):
        detail = json.loads(entry.body)["detail"]
        assert set(detail) <= {"body", "meeting", "poll", "voters", "ballots", "weight", "ballots_sha256", "result_sha256", "votes"}
