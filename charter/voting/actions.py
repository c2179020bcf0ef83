"""Every change to a poll: create, open, vote, enter paper batches, close, publish; and deciding a
meeting's motion from a poll. Each act locks the poll row and checks its state inside the transaction
(a vote with a shared lock, so that votes do not queue behind each other; decision 0006).

Votes are not entries on the public record (the record would then tell when each member voted);
the close entry commits to the ballot list and its counts, and the publication entry to the result.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from charter.lib import clock, dates, prepared
from charter.lib.canonical import canonical_json, sha256_hex
from charter.lib.errors import InvalidInput
from charter.meetings.actions import decide_motion
from charter.meetings.models import Meeting
from charter.members.models import Member
from charter.org.models import Body
from charter.record import log as record
from charter.rulebook import enforce, rosters
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused, consequential
from charter.rulebook.spec import Rulebook
from charter.rulebook.store import rulebook_on
from charter.voting import content, queries, rules, tally
from charter.voting.models import Ballot, NamedVote, PaperBatch, Participation, Poll, PollOption

MAX_KEY = 100


class AlreadyVoted(InvalidInput):
    """A second vote by the same voter under a different idempotency key."""


@dataclass(frozen=True)
class Receipt:
    """What a voter is told. ``tracker`` is shown once, on the first submission only."""

    poll_id: int
    voted_at: dt.datetime
    replayed: bool
    tracker: str | None = None


# --- helpers ---------------------------------------------------------------------------------------


def _locked(poll: Poll) -> Poll:
    return Poll.objects.select_for_update(of=("self",)).select_related("body", "body__unit", "meeting", "seat_body").get(pk=poll.pk)


def _shared(poll: Poll) -> Poll:
    """The poll row locked against a close but not against other votes: on PostgreSQL ``FOR SHARE``,
    so votes go in side by side while a close (``FOR UPDATE``) waits for those in flight and the
    votes after it wait for the close, then find the poll closed. SQLite has one writer at a time."""
    if connection.vendor != "postgresql":
        return _locked(poll)
    with connection.cursor() as cursor:  # the state as it is now, read under the lock
        cursor.execute(f"SELECT state, mode FROM {Poll._meta.db_table} WHERE id = %s FOR SHARE", [poll.pk])
        poll.state, poll.mode = cursor.fetchone()
    return poll


def _refuse(act: str, breaches: Sequence[J.Breach], *, actor: Member, poll: Poll | None, body: Body, on_record: bool) -> Refused:
    prop = enforce.proposal(act, actor=actor, decision=Decision(by=actor, body=body) if on_record else None)
    detail = enforce.detail_for(body=body, poll=poll.pk if poll is not None and poll.pk else None)
    return Refused(J.Verdict(act, tuple(breaches)), prop, actor=actor, detail=detail, on_record=on_record)


def _require_runner(act: str, poll: Poll, actor: Member, rb: Rulebook) -> None:
    breaches = rules.runner_breaches(poll, actor, rb, clock.today())
    if breaches:
        raise _refuse(act, breaches, actor=actor, poll=poll, body=poll.body, on_record=True)


def _detail(poll: Poll, **extra: Any) -> dict[str, Any]:
    return enforce.detail_for(body=poll.body, meeting=poll.meeting, poll=poll.pk, **extra)


def _articles(poll: Poll, rb: Rulebook) -> list[str]:
    if poll.seat_body_id is not None and rb.section("elections").get("article"):
        return [str(rb.section("elections")["article"])]
    return []


# --- creating and running a poll ---------------------------------------------------------------


@consequential
def create_poll(
    body: Body,
    *,
    by: Member,
    title: str,
    method: str,
    mode: str,
    options: Sequence[str] = (),
    seats: int = 1,
    max_choices: int | None = None,
    meeting: Meeting | None = None,
    seat_body: Body | None = None,
    candidates: Sequence[Member | None] = (),
    taken_by: str = "",
) -> Poll:
    """A poll of ``body``, not yet open. ``options`` are the candidates or choices, in ballot order.
    ``taken_by`` names the app that gives its voters and runners when they are not the body's
    members (``rules.RUNNER_PROVIDERS``; e.g. ``conference:12``)."""
    title = (title or "").strip()
    if not title or len(title) > 300:
        raise InvalidInput(_("The question needs a text of at most 300 characters."))
    if meeting is not None and meeting.body_id != body.pk:
        raise InvalidInput(_("That meeting is not a meeting of the %(body)s.") % {"body": body.name})
    if method == Poll.Method.YES_NO and seat_body is not None:
        raise InvalidInput(_("An election is counted from candidates, not by for and against."))
    labels, seats, k = content.poll_shape(method, mode, options, seats, max_choices, election=seat_body is not None)
    if candidates and len(candidates) != len(labels):
        raise InvalidInput(_("Give a member (or none) for each option."))
    now = clock.now()
    rb = rulebook_on(now.date())
    poll = Poll(
        body=body, meeting=meeting, seat_body=seat_body, title=title, method=method, mode=mode,
        seats=seats, max_choices=k, created_by=by, created_at=now, taken_by=taken_by,
    )
    breaches = rules.runner_breaches(poll, by, rb, now.date()) + rules.election_breaches(poll, rb)
    if breaches:
        raise _refuse("create_poll", breaches, actor=by, poll=None, body=body, on_record=True)
    poll.save()
    PollOption.objects.bulk_create([
        PollOption(poll=poll, number=i, label=label, member=candidates[i - 1] if candidates else None)
        for i, label in enumerate(labels, 1)
    ])
    extra = {"seat_body": {"id": seat_body.pk, "name": seat_body.name}} if seat_body is not None else {}
    entry = record.append(
        "create_poll", "done", actor=by, articles=_articles(poll, rb),
        detail=_detail(poll, method=method, mode=mode, seats=seats, options=len(labels), title_sha256=sha256_hex(title.encode()), **extra),
    )
    poll.entry_index = entry.index
    poll.save(update_fields=["entry_index"])
    return poll


@consequential
def require_secret_ballot(poll: Poll, *, by: Member) -> Poll:
    """A member present requires a secret ballot (where the rules give the right): before voting begins."""
    poll = _locked(poll)
    if poll.mode != Poll.Mode.NAMED:
        return poll
    if poll.state != Poll.State.CREATED:
        raise InvalidInput(_("A secret ballot must be required before voting begins."))
    today = clock.today()
    rb = rulebook_on(today)
    breaches = rules.secret_request_breaches(poll, by, rb, today)
    if breaches:
        raise _refuse("require_secret_ballot", breaches, actor=by, poll=poll, body=poll.body, on_record=False)
    poll.mode = Poll.Mode.SECRET
    poll.save(update_fields=["mode"])
    record.append("require_secret_ballot", "done", actor=by, detail=_detail(poll))
    return poll


@consequential
def open_poll(poll: Poll, *, by: Member) -> Poll:
    poll = _locked(poll)
    if poll.state == Poll.State.OPEN:
        return poll
    if poll.state != Poll.State.CREATED:
        raise InvalidInput(_("This poll has already been closed; it cannot be opened again."))
    now = clock.now()
    rb = rulebook_on(now.date())
    _require_runner("open_poll", poll, by, rb)
    if poll.meeting is not None and poll.meeting.state != Meeting.State.HELD:
        raise InvalidInput(_("Record the attendance at the meeting first: only those present vote."))
    voters = rules.electorate(poll, rb, now.date())
    poll.electorate = voters.count()
    if rb.body(poll.body.kind).get("vote_weight"):
        poll.electorate_weight = sum(rosters.vote_weight(rb, poll.body, m, now.date()) for m in voters.select_related("branch"))
    else:
        poll.electorate_weight = poll.electorate
    poll.state = Poll.State.OPEN
    poll.opened_at = now
    poll.save(update_fields=["electorate", "electorate_weight", "state", "opened_at"])
    record.append("open_poll", "done", actor=by, articles=_articles(poll, rb), detail=_detail(poll, electorate=poll.electorate, electorate_weight=poll.electorate_weight))
    return poll


@consequential
def close_poll(poll: Poll, *, by: Member) -> Poll:
    """Close the poll and commit to its ballots: the SHA-256 of the canonical list goes on the record.

    Closing a closed poll changes nothing and reports the same figures."""
    poll = _locked(poll)
    if poll.state in (Poll.State.CLOSED, Poll.State.PUBLISHED):
        return poll
    if poll.state != Poll.State.OPEN:
        raise InvalidInput(_("This poll has not been opened."))
    now = clock.now()
    rb = rulebook_on(now.date())
    _require_runner("close_poll", poll, by, rb)
    rows = _remix(poll)
    ballots = tally.ballot_list((t, w, v) for t, w, v, _b in rows)
    poll.voters = Participation.objects.filter(poll=poll).count()
    poll.ballots = len(ballots)
    poll.ballots_weight = sum(b["weight"] for b in ballots)
    if poll.mode != Poll.Mode.PAPER and poll.voters != poll.ballots:
        raise RuntimeError(f"poll {poll.pk}: {poll.voters} voters but {poll.ballots} ballots")
    poll.ballots_sha256 = tally.list_hash(ballots)
    poll.state = Poll.State.CLOSED
    poll.closed_at = now
    poll.close_entry = record.append(
        "close_poll", "done", actor=by, articles=_articles(poll, rb),
        detail=_detail(poll, voters=poll.voters, ballots=poll.ballots, weight=poll.ballots_weight, ballots_sha256=poll.ballots_sha256),
    ).index
    poll.save(update_fields=["voters", "ballots", "ballots_weight", "ballots_sha256", "state", "closed_at", "close_entry"])
    return poll


def _remix(poll: Poll) -> list[tuple[str, int, Any, int | None]]:
    """Write the ballots again in tracker order (random), so that not even the order in which the
    database stored them tells when each was cast. Returns (tracker, weight, vote, batch) rows."""
    rows: list[tuple[str, int, Any, int | None]] = sorted(Ballot.objects.filter(poll=poll).values_list("tracker", "weight", "vote", "batch_id"), key=lambda r: r[0])
    Ballot.objects.filter(poll=poll).delete()
    Ballot.objects.bulk_create([Ballot(poll=poll, tracker=t, weight=w, vote=v, batch_id=b) for t, w, v, b in rows], batch_size=1000)
    return rows


@consequential
def publish_poll(poll: Poll, *, by: Member) -> Poll:
    """Count exactly the committed ballots and publish the result with the ballot list."""
    poll = _locked(poll)
    if poll.state == Poll.State.PUBLISHED:
        return poll
    if poll.state != Poll.State.CLOSED:
        raise InvalidInput(_("Close the poll before publishing its result."))
    now = clock.now()
    rb = rulebook_on(now.date())
    _require_runner("publish_poll", poll, by, rb)
    ballots = queries.current_ballots(poll)
    found = tally.list_hash(ballots)
    if found != poll.ballots_sha256:
        breach = J.Breach("", "ballots_changed", N_("The ballots no longer match the list committed when the poll closed; nothing was counted."), {})
        refusal = _refuse("publish_poll", [breach], actor=by, poll=poll, body=poll.body, on_record=True)
        refusal.detail.update(committed_sha256=poll.ballots_sha256, found_sha256=found)
        raise refusal
    options = list(poll.options.order_by("number").values_list("label", flat=True))
    result = tally.count(poll.method, options=options, seats=poll.seats, ballots=ballots, seed=tally.seed_from(poll.ballots_sha256))
    poll.result = result
    poll.result_sha256 = sha256_hex(canonical_json(result))
    poll.state = Poll.State.PUBLISHED
    poll.published_at = now
    outcome: dict[str, Any] = {"votes": result["totals"]} if poll.yes_no else {"elected": result["elected"]}
    poll.publish_entry = record.append(
        "publish_poll", "done", actor=by, articles=_articles(poll, rb),
        detail=_detail(poll, ballots_sha256=poll.ballots_sha256, result_sha256=poll.result_sha256, **outcome),
    ).index
    poll.save(update_fields=["result", "result_sha256", "state", "published_at", "publish_entry"])
    return poll


# --- voting ---------------------------------------------------------------------------------------


@consequential
def cast_vote(poll: Poll, *, voter: Member, vote: Any, idempotency_key: str, proxy_for: Member | None = None) -> Receipt:
    """One vote. The same ``idempotency_key`` again returns the first outcome and never counts twice;
    another key from a voter who has voted is refused. Nothing here is put on the public record."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(_("Every vote carries an idempotency key of 1 to %(n)s characters.") % {"n": MAX_KEY})
    prior = _prior(poll.pk, voter.pk)
    if prior is not None:
        return _replay(prior, key)
    poll = _shared(poll)
    today = clock.today()
    rb = rulebook_on(today)
    if proxy_for is not None:
        raise _refuse("cast_vote", rules.proxy_breaches(poll, rb), actor=voter, poll=poll, body=poll.body, on_record=False)
    if poll.mode == Poll.Mode.PAPER:
        raise InvalidInput(_("In this poll members vote on paper; the tellers enter the ballots."))
    if poll.state != Poll.State.OPEN:
        raise InvalidInput(_("This poll is not open for voting.") if poll.state == Poll.State.CREATED else _("This poll is closed: no more votes are accepted."))
    breaches = rules.voter_breaches(poll, voter, rb, today)
    if breaches:
        raise _refuse("cast_vote", breaches, actor=voter, poll=poll, body=poll.body, on_record=False)
    canonical = content.vote_of(poll, vote, 0 if poll.yes_no else poll.options.count())
    weight = rosters.vote_weight(rb, poll.body, voter, today)
    now = clock.now()
    if not _participate(poll, voter, key, now):  # the voter's other request got there first
        return _replay(Participation.objects.get(poll=poll, voter=voter), key)
    tracker = secrets.token_hex(16)
    prepared.insert(Ballot(poll=poll, tracker=tracker, weight=weight, vote=canonical))
    if poll.mode == Poll.Mode.NAMED:
        NamedVote.objects.create(poll=poll, voter=voter, vote=canonical, weight=weight)
    return Receipt(poll_id=poll.pk, voted_at=now, replayed=False, tracker=tracker)


_compiled = prepared.Cache()


def _prior(poll: int, voter: int) -> Participation | None:
    """The voter's participation in the poll, if they have voted (a query compiled once)."""
    query = _compiled.get("prior", lambda marks: Participation.objects.filter(poll_id=marks[0], voter_id=marks[1]), multi=True)
    found = query.objects(poll, voter)
    return found[0] if found else None


def _participate(poll: Poll, voter: Member, key: str, now: dt.datetime) -> bool:
    """Write that ``voter`` voted; False when a vote of theirs is there already. The constraint
    one_vote_per_voter decides, in the one statement (no savepoint to undo a failed insert)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Participation._meta.db_table} (poll_id, voter_id, idempotency_key, voted_at) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (poll_id, voter_id) DO NOTHING RETURNING id",
            [poll.pk, voter.pk, key, connection.ops.adapt_datetimefield_value(now)],
        )
        return cursor.fetchone() is not None


def _replay(prior: Participation, key: str) -> Receipt:
    if prior.idempotency_key != key:
        raise AlreadyVoted(_("You have already voted in this poll (at %(when)s). A vote cannot be changed or cast twice.") % {"when": dates.moment(prior.voted_at)})
    return Receipt(poll_id=prior.poll_id, voted_at=prior.voted_at, replayed=True)


# --- paper ballots ---------------------------------------------------------------------------------


@consequential
def enter_paper_batch(poll: Poll, *, by: Member, lines: Sequence[tuple[int, Any]]) -> PaperBatch:
    """A teller enters a batch: (number of papers, vote) lines, as parsed by ``content.batch_lines``
    or ``content.totals_lines`` (show of hands)."""
    poll = _locked(poll)
    if poll.mode != Poll.Mode.PAPER:
        raise InvalidInput(_("Members vote themselves in this poll; tellers enter papers only in a paper poll."))
    if poll.state != Poll.State.OPEN:
        raise InvalidInput(_("Paper ballots can be entered only while the poll is open."))
    now = clock.now()
    rb = rulebook_on(now.date())
    _require_runner("enter_paper_batch", poll, by, rb)
    if not lines:
        raise InvalidInput(_("The batch is empty."))
    options = poll.options.count()
    canonical: list[list[Any]] = []
    for n, vote in lines:
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= content.MAX_PAPERS:
            raise InvalidInput(_("Each line of a batch counts at least one paper."))
        canonical.append([n, content.vote_of(poll, vote, options) if poll.yes_no or vote else []])
    number = (PaperBatch.objects.filter(poll=poll).order_by("-number").values_list("number", flat=True).first() or 0) + 1
    batch = PaperBatch.objects.create(
        poll=poll, number=number, entered_by=by, entered_at=now, lines=len(canonical),
        papers=sum(n for n, _v in canonical), sha256=sha256_hex(canonical_json(canonical)),
    )
    Ballot.objects.bulk_create([
        Ballot(poll=poll, tracker=f"paper-{number:04d}-{i:05d}", weight=n, vote=v, batch=batch) for i, (n, v) in enumerate(canonical, 1)
    ], batch_size=1000)
    entry = record.append("enter_paper_batch", "done", actor=by, detail=_detail(poll, batch=number, lines=batch.lines, papers=batch.papers, batch_sha256=batch.sha256))
    batch.entry_index = entry.index
    batch.save(update_fields=["entry_index"])
    return batch


# --- a meeting decides from a poll -----------------------------------------------------------------


def decide_motion_by_poll(poll: Poll, *, by: Member, text: str, reasons: str = "") -> int:
    """The meeting's motion decided by the (weighted) totals of its closed yes/no poll; judged and
    minuted by ``meetings.actions.decide_motion`` like any other. Returns the entry's index."""
    if poll.meeting is None:
        raise InvalidInput(_("This poll was not taken at a meeting."))
    return decide_motion(poll.meeting, by=by, text=text, votes=queries.motion_votes(poll), reasons=reasons)
