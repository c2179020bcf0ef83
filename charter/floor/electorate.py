"""Who votes on a conference's resolutions and amendments, and who runs those votes: the members
registered with a vote (Art. 6.1 of the WDA's rules) and the conference's organizers. Given to the
poll kernel through ``voting.rules.ELECTORATE_PROVIDERS`` and ``RUNNER_PROVIDERS`` for the polls
the floor creates (``Poll.taken_by`` is ``conference:<id>``)."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from charter.conferences.models import Conference, Participant
from charter.conferences.queries import organizes
from charter.members.models import Member, MemberQuerySet
from charter.rulebook import judge as J
from charter.rulebook.spec import Rulebook
from charter.voting import rules
from charter.voting.models import Poll

PREFIX = "conference:"


def taken_by(conference: Conference) -> str:
    return f"{PREFIX}{conference.pk}"


def conference_of(poll: Poll) -> int | None:
    """The conference whose floor took ``poll`` (None for any other poll): read from the poll itself."""
    if not poll.taken_by.startswith(PREFIX):
        return None
    tail = poll.taken_by.removeprefix(PREFIX)
    return int(tail) if tail.isdigit() else None


def voters(conference_id: int) -> MemberQuerySet:
    registered = Participant.objects.filter(
        conference_id=conference_id, has_vote=True, member__isnull=False
    )
    return Member.objects.filter(pk__in=registered.values("member_id"))


def _article(rb: Rulebook) -> str:
    acts = rb.data.get("acts") or {}
    return str(rb.act("adopt_resolution")["article"]) if "adopt_resolution" in acts else ""


def provider(poll: Poll, rb: Rulebook) -> tuple[MemberQuerySet, str] | None:
    conference_id = conference_of(poll)
    if conference_id is None:
        return None
    return voters(conference_id), _article(rb)


def runners(poll: Poll, actor: Member, rb: Rulebook) -> list[J.Breach] | None:
    """The conference's organizers run the votes of its floor (none else)."""
    conference_id = conference_of(poll)
    if conference_id is None:
        return None
    conference = Conference.objects.filter(pk=conference_id).first()
    if conference is not None and organizes(conference, actor):
        return []
    return [
        J.Breach(
            _article(rb),
            "not_organizer",
            N_("Only the organizers of the conference run the votes of its floor."),
            {},
        )
    ]


def register() -> None:
    if provider not in rules.ELECTORATE_PROVIDERS:
        rules.ELECTORATE_PROVIDERS.append(provider)
    if runners not in rules.RUNNER_PROVIDERS:
        rules.RUNNER_PROVIDERS.append(runners)
