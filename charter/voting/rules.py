"""What the rulebook says about a poll: who may vote (the body's roster on the day, good standing,
presence at the meeting), who may run it, how an election must be counted and that it is secret,
proxies, and the right to require a secret ballot.

The rulebook has no acts for polls; these checks read the settings it does have and cite their
articles. Each returns the breaches found (empty when all is well); the actions raise ``Refused``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import BooleanField, Exists, OuterRef, Value
from django.utils.translation import gettext_noop as N_

from charter.lib import prepared
from charter.meetings.models import Attendance
from charter.members.models import Member, MemberQuerySet
from charter.rulebook import judge as J
from charter.rulebook import rosters
from charter.rulebook.spec import Rulebook
from charter.voting.models import Poll


def _vote_right(rb: Rulebook) -> dict[str, Any]:
    return next((r for r in rb.section("membership").get("rights") or [] if r.get("key") == "vote"), {})


def needs_good_standing(rb: Rulebook) -> bool:
    return bool(_vote_right(rb).get("needs_good_standing")) or bool(rb.section("membership").get("good_standing"))


# Some polls are not taken among a body's members: a conference's resolution is voted on by the
# participants registered with a vote and run by the conference's organizers (charter.floor). Such a
# poll names its taker (``Poll.taken_by``, set at creation); the app registers providers that return,
# for a poll it takes, those voters and the article that gives them the vote, and the breaches of a
# would-be runner; None for any other poll.
ElectorateProvider = Callable[[Poll, Rulebook], "tuple[MemberQuerySet, str] | None"]
ELECTORATE_PROVIDERS: list[ElectorateProvider] = []
RunnerProvider = Callable[[Poll, Member, Rulebook], "list[J.Breach] | None"]
RUNNER_PROVIDERS: list[RunnerProvider] = []


def provided_electorate(poll: Poll, rb: Rulebook) -> tuple[MemberQuerySet, str] | None:
    if not poll.taken_by:
        return None
    for provider in ELECTORATE_PROVIDERS:
        found = provider(poll, rb)
        if found is not None:
            return found
    return None


def _body_article(rb: Rulebook, poll: Poll) -> str:
    return str(rb.body(poll.body.kind)["article"])


def electorate(poll: Poll, rb: Rulebook, on: dt.date) -> MemberQuerySet:
    """Everyone who may vote in ``poll`` on ``on``: the body's roster, in good standing where the
    rules require it, and, for a poll taken at a meeting, recorded present with a vote. A poll whose
    voters another app provides (a conference's resolution) takes them instead of the roster."""
    provided = provided_electorate(poll, rb)
    voters = provided[0] if provided is not None else rosters.roster(poll.body, on, rb)
    if needs_good_standing(rb):
        voters = voters.in_good_standing(on, rosters.max_arrears(rb))
    if poll.meeting_id is not None:
        voters = voters.filter(pk__in=Attendance.objects.filter(meeting_id=poll.meeting_id, voting=True).values("member_id"))
    return voters


_compiled = prepared.Cache()


def _voter_facts(poll: Poll, rb: Rulebook, on: dt.date) -> prepared.Compiled:
    """The one query of a voter's facts, compiled once per poll's body, meeting, rules and day."""
    body = poll.body
    key = ("voter_facts", rb.sha256, on, body.pk, body.kind, body.unit.path, poll.meeting_id)

    def build(voter: int) -> Any:
        return Member.objects.filter(pk=voter).annotate(
            attends=Exists(rosters.attendees(body, on, rb).filter(pk=OuterRef("pk"))),
            on_roster=Exists(rosters.roster(body, on, rb).filter(pk=OuterRef("pk"))),
            in_standing=Exists(Member.objects.filter(pk=OuterRef("pk")).in_good_standing(on, rosters.max_arrears(rb))) if needs_good_standing(rb) else Value(True, output_field=BooleanField()),
            present=Exists(Attendance.objects.filter(meeting_id=poll.meeting_id, member=OuterRef("pk"), voting=True)) if poll.meeting_id is not None else Value(True, output_field=BooleanField()),
        ).values("attends", "on_roster", "in_standing", "present")[:1]

    return _compiled.get(key, build)


def voter_breaches(poll: Poll, voter: Member, rb: Rulebook, on: dt.date) -> list[J.Breach]:
    """Why ``voter`` may not vote in ``poll`` (nothing when they may): each fact read fresh, all in
    one query (a vote asks this under the poll's lock)."""
    body_name = poll.body.name
    provided = provided_electorate(poll, rb)
    if provided is not None:
        voters, article = provided
        if not voters.filter(pk=voter.pk).exists():
            return [J.Breach(article, "not_registered_with_vote", N_("Only members registered at the conference with a vote may vote on its resolutions."), {})]
        if needs_good_standing(rb) and not Member.objects.filter(pk=voter.pk).in_good_standing(on, rosters.max_arrears(rb)).exists():
            standing = rb.section("membership").get("good_standing") or {}
            return [J.Breach(str(standing.get("article") or _vote_right(rb).get("article") or article), "not_in_good_standing", N_("Only members in good standing may vote; your dues are more than %(months)s months in arrears or your membership is not active."), {"months": rosters.max_arrears(rb)})]
        return []
    facts = next(iter(_voter_facts(poll, rb, on).rows(voter.pk)), {})
    if not facts.get("attends"):
        return [J.Breach(_body_article(rb, poll), "not_on_body", N_("Only members of the %(body)s may vote in its polls, and you are not one."), {"body": body_name})]
    if not facts["in_standing"]:
        article = (rb.section("membership").get("good_standing") or {}).get("article") or _vote_right(rb).get("article") or _body_article(rb, poll)
        return [J.Breach(str(article), "not_in_good_standing", N_("Only members in good standing may vote; your dues are more than %(months)s months in arrears or your membership is not active."), {"months": rosters.max_arrears(rb)})]
    if not facts["on_roster"]:
        return [J.Breach(_body_article(rb, poll), "not_on_body", N_("Only members of the %(body)s may vote in its polls, and you are not one."), {"body": body_name})]
    if not facts["present"]:
        return [J.Breach(_body_article(rb, poll), "not_present", N_("This vote is taken at a meeting of the %(body)s: only those recorded present with a vote may take part."), {"body": body_name})]
    return []


def proxy_breaches(poll: Poll, rb: Rulebook) -> list[J.Breach]:
    """The rulebook format has no proxy setting, so no rulebook allows proxies: each member votes
    in person (docs/decisions/0006-poll-kernel.md)."""
    article = _vote_right(rb).get("article") or _body_article(rb, poll)
    return [J.Breach(str(article), "no_proxies", N_("These rules do not provide for voting by proxy: each member votes in person."), {})]


def runner_breaches(poll: Poll, actor: Member, rb: Rulebook, on: dt.date) -> list[J.Breach]:
    """Only a member of the body runs its polls (creates, opens, closes, publishes, enters papers),
    unless the poll's taker says who runs it (a conference's organizers)."""
    if poll.taken_by:
        for provider in RUNNER_PROVIDERS:
            found = provider(poll, actor, rb)
            if found is not None:
                return found
    if rosters.sits_on(poll.body, actor, on, rb):
        return []
    return [J.Breach(_body_article(rb, poll), "not_on_body", N_("You are not a member of the %(body)s, so you cannot run its votes."), {"body": poll.body.name})]


def election_method(rb: Rulebook, seat_kind: str, seats: int) -> str | None:
    """The method the rules give for electing ``seats`` seats of a body of ``seat_kind`` (as the
    judge reads it for ``elect_to_seat``)."""
    e = rb.section("elections")
    method = e.get("single_seat_method" if seats == 1 else "multi_seat_method")
    if seats > 1:
        method = rb.body(seat_kind).get("election_method", method)
    return str(method) if method else None


def election_breaches(poll: Poll, rb: Rulebook) -> list[J.Breach]:
    """An election is secret when the rules say so, and counted by the rules' method."""
    if poll.seat_body is None:
        return []
    e = rb.section("elections")
    article = str(e.get("article") or rb.body(poll.seat_body.kind)["article"])
    out = []
    if e.get("secret") and poll.mode == Poll.Mode.NAMED:
        out.append(J.Breach(article, "election_not_secret", N_("Elections are always by secret ballot."), {}))
    method = election_method(rb, poll.seat_body.kind, poll.seats)
    if method and poll.method != method:
        out.append(J.Breach(article, "wrong_count_method", N_("This election must be counted by %(method)s, not %(used)s."), {"method": method, "used": poll.method}))
    return out


def secret_request_breaches(poll: Poll, member: Member, rb: Rulebook, on: dt.date) -> list[J.Breach]:
    """Any member present may require a secret ballot where the rules give that right."""
    if not rb.section("meetings").get("secret_ballot_on_request"):
        return [J.Breach(_body_article(rb, poll), "no_secret_on_request", N_("These rules do not give a member the right to require a secret ballot."), {})]
    if poll.meeting_id is not None:
        present = Attendance.objects.filter(meeting_id=poll.meeting_id, member=member).exists()
    else:
        present = rosters.sits_on(poll.body, member, on, rb)
    if not present:
        return [J.Breach(_body_article(rb, poll), "not_present", N_("Only a member present may require a secret ballot."), {})]
    return []
