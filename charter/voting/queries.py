"""Reading polls: have I voted, turnout, the committed ballot list, totals for a meeting's motion,
and the result in the shapes the pages show. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from charter.lib.errors import InvalidInput
from charter.members.models import Member
from charter.progress import track
from charter.progress.models import Operation
from charter.rulebook import judge as J
from charter.voting import tally
from charter.voting.models import Ballot, NamedVote, PaperBatch, Participation, Poll, PollOption


class BallotsChanged(Exception):
    """The ballots in the database are not the list committed when the poll closed."""


def voted_at(poll: Poll, member: Member) -> dt.datetime | None:
    """When ``member`` voted in ``poll`` (None: not yet). One query on the (poll, voter) index."""
    found = list(Participation.objects.filter(poll_id=poll.pk, voter_id=member.pk).values_list("voted_at", flat=True)[:1])
    return found[0] if found else None


def has_voted(poll: Poll, member: Member) -> bool:
    return voted_at(poll, member) is not None


@dataclass(frozen=True)
class Turnout:
    voted: int  # voters (electronic) or papers (paper polls)
    electorate: int
    state: str

    @property
    def percent(self) -> int | None:
        return round(100 * self.voted / self.electorate) if self.electorate else None


def turnout(poll: Poll) -> Turnout:
    if poll.state in (Poll.State.CLOSED, Poll.State.PUBLISHED):
        voted = poll.ballots_weight if poll.mode == Poll.Mode.PAPER else poll.voters
    elif poll.mode == Poll.Mode.PAPER:
        voted = PaperBatch.objects.filter(poll_id=poll.pk).aggregate(n=Sum("papers"))["n"] or 0
    else:
        voted = Participation.objects.filter(poll_id=poll.pk).count()
    return Turnout(voted=int(voted), electorate=poll.electorate, state=poll.state)


def current_ballots(poll: Poll) -> list[dict[str, Any]]:
    """The ballots as they are now, as the canonical list (counted on the progress bar of the
    operation that reads them, if any: a large count)."""
    rows = Ballot.objects.filter(poll_id=poll.pk).values_list("tracker", "weight", "vote").iterator(chunk_size=5000)
    return tally.ballot_list(track.counted(rows, Operation.Step.COUNTING, total=poll.ballots or None))


def committed_ballots(poll: Poll) -> list[dict[str, Any]]:
    """The ballot list of a closed poll, checked against the hash committed on the record."""
    if poll.state not in (Poll.State.CLOSED, Poll.State.PUBLISHED):
        raise InvalidInput(_("This poll is not closed yet."))
    ballots = current_ballots(poll)
    if tally.list_hash(ballots) != poll.ballots_sha256:
        raise BallotsChanged(f"poll {poll.pk}: the ballots do not match the committed list")
    return ballots


def ballot_list_bytes(poll: Poll) -> bytes:
    """The published list, byte for byte what the close entry's ``ballots_sha256`` hashes."""
    return tally.list_bytes(committed_ballots(poll))


def motion_votes(poll: Poll) -> J.Votes:
    """For, against and abstaining (weighted) of a closed yes/no poll, for ``decide_motion``."""
    if not poll.yes_no:
        raise InvalidInput(_("Only a vote for, against or abstaining decides a motion."))
    totals = tally.count("yes_no", options=(), seats=1, ballots=committed_ballots(poll), seed=0)["totals"]
    return J.Votes(yes=totals["yes"], no=totals["no"], abstain=totals["abstain"])


def elected(poll: Poll) -> list[PollOption]:
    """The options the published count elected, in the order the count gave them."""
    if poll.state != Poll.State.PUBLISHED or poll.yes_no or not poll.result:
        return []
    by_number = {o.number: o for o in poll.options.all()}
    return [by_number[n] for n in poll.result["elected"]]


def result_summary(poll: Poll) -> dict[str, Any]:
    """What a screen shows of a published result: the totals of a yes/no vote, or who was elected
    (and, for a choose vote, each option's total), by label."""
    result = poll.result or {}
    if poll.yes_no:
        return {"ballots": poll.ballots, "totals": result.get("totals") or {}}
    out: dict[str, Any] = {"ballots": poll.ballots, "elected": [o.label for o in elected(poll)]}
    if poll.choose:
        out["totals"] = [[r["label"], r["total"]] for r in choose_table(poll)]
    return out


def roll_call(poll: Poll) -> list[NamedVote]:
    return list(NamedVote.objects.filter(poll_id=poll.pk).select_related("voter").order_by("voter__name"))


# --- the result as the pages show it ----------------------------------------------------------------


def vote_words(poll: Poll, vote: Any, labels: dict[int, str]) -> str:
    """A ballot's vote in words: 'for', or the options in order."""
    if poll.yes_no:
        return {"yes": _("for"), "no": _("against"), "abstain": _("abstain")}.get(vote, str(vote))
    if not vote:
        return _("blank")
    sep = " > " if poll.ranked else ", "
    return sep.join(f"{n}. {labels.get(n, '?')}" for n in vote)


def stage_table(poll: Poll) -> dict[str, Any] | None:
    """The count sheet of a ranked count as rows (one per option) and columns (one per stage)."""
    result = poll.result or {}
    stages = result.get("stages") or []
    if not stages:
        return None
    names = [o.label for o in poll.options.order_by("number")]
    rows = []
    for name in names:
        cells = []
        for s in stages:
            mark = "elected" if name in s["elected"] else "excluded" if name in s["excluded"] else ""
            cells.append({"value": s["totals"].get(name, ""), "mark": mark})
        rows.append({"name": name, "cells": cells})
    actions = []
    for s in stages:
        kind, who = s["action"]["kind"], ", ".join(s["action"]["candidates"])
        actions.append({"number": s["number"], "text": _("First preferences") if kind == "first" else (_("Surplus of %(who)s") if kind == "surplus" else _("Exclusion of %(who)s")) % {"who": who}})
    return {
        "numbers": [s["number"] for s in stages],
        "rows": rows,
        "non_transferable": [s["non_transferable"] for s in stages],
        "actions": actions,
        "quota": result.get("quota"),
        "valid": result.get("valid"),
    }


def choose_table(poll: Poll) -> list[dict[str, Any]]:
    """Approval and block vote: each option's total, highest first."""
    result = poll.result or {}
    totals = result.get("totals") or {}
    elected_numbers = set(result.get("elected") or [])
    rows = [{"number": o.number, "label": o.label, "total": totals.get(str(o.number), 0), "elected": o.number in elected_numbers} for o in poll.options.order_by("number")]
    return sorted(rows, key=lambda r: -r["total"])


def percent(part: int, whole: int) -> str:
    return f"{(Decimal(100) * part / whole):.1f}" if whole else "-"
