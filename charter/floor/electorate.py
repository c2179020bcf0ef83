"""Who votes on a conference's resolutions and amendments: the members registered with a vote
(Art. 6.1 of the WDA's rules), given to the poll kernel through ``voting.rules.ELECTORATE_PROVIDERS``."""

from __future__ import annotations

from typing import Any

from charter.conferences.models import Participant
from charter.members.models import Member, MemberQuerySet
from charter.rulebook.spec import Rulebook
from charter.voting import rules
from charter.voting.models import Poll


def conference_of(poll: Poll) -> int | None:
    from charter.floor.models import Amendment, Resolution

    found = Resolution.objects.filter(poll=poll).values_list("conference_id", flat=True).first()
    if found is None:
        found = (
            Amendment.objects.filter(poll=poll)
            .values_list("resolution__conference_id", flat=True)
            .first()
        )
    return found


def voters(conference_id: int) -> MemberQuerySet:
    registered = Participant.objects.filter(
        conference_id=conference_id, has_vote=True, member__isnull=False
    )
    return Member.objects.filter(pk__in=registered.values("member_id"))


def provider(poll: Poll, rb: Rulebook) -> tuple[MemberQuerySet, str] | None:
    if poll.pk is None:
        return None
    conference_id = conference_of(poll)
    if conference_id is None:
        return None
    article: Any = (
        rb.act("adopt_resolution")["article"]
        if "adopt_resolution" in (rb.data.get("acts") or {})
        else ""
    )
    return voters(conference_id), str(article)


def register() -> None:
    if provider not in rules.ELECTORATE_PROVIDERS:
        rules.ELECTORATE_PROVIDERS.append(provider)
