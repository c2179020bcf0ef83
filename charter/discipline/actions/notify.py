"""The notices of a case, in each person's language, through the outbox (inbox, email, SMS).

Notices to the member concerned carry the file (the charge, the decision and its grounds): they are
the delivery in writing the rules require. Notices to members of bodies say only that something is
to be done, in which case, by when, and where to read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from charter.discipline import rules
from charter.discipline.models import Case, Hearing, Measure
from charter.lib import dates
from charter.members.models import Member
from charter.notices import outbox
from charter.rulebook.spec import Rulebook

ALL = ("inbox", "email", "sms")
Words = Callable[[], tuple[str, str]]


def case_url(case: Case) -> str:
    return f"{settings.SITE_ROOT.rstrip('/')}{reverse('discipline:case', args=[case.pk])}"


def grounds_text(rb: Rulebook, keys: Iterable[str]) -> str:
    return "; ".join(f"{g['label']} {g['name']}".strip() for g in rules.ground_words(rb, list(keys)))


def to_member(case: Case, *, kind: str, key: str, entry_index: int, words: Words, channels: tuple[str, ...] = ALL) -> None:
    """``words()`` runs with the member's language active and returns (subject, text)."""

    def render(m: Member) -> tuple[str, str]:
        subject, text = words()
        return subject, text + "\n\n" + _("Your case page: %(url)s") % {"url": case_url(case)}

    outbox.queue([case.member], kind=kind, key=key, entry_index=entry_index, render=render, channels=channels)


def to_people(members: Iterable[Member], case: Case, *, kind: str, key: str, entry_index: int, words: Words) -> None:
    """Members of a body (or those who brought the charge): what is to be done, never the file."""

    def render(m: Member) -> tuple[str, str]:
        subject, text = words()
        return subject, text + "\n\n" + case_url(case)

    outbox.queue(list(members), kind=kind, key=key, entry_index=entry_index, render=render, channels=("inbox", "email"))


def charge_delivered(case: Case, rb: Rulebook, entry_index: int, *, reply_until: str, decider: str) -> None:
    def words() -> tuple[str, str]:
        text = _("A disciplinary charge has been brought against you by the %(body)s.\n\nGrounds: %(grounds)s\n\nFacts relied on:\n%(facts)s") % {
            "body": case.framed_by.name, "grounds": grounds_text(rb, case.grounds), "facts": case.facts,
        }
        period = rules.reply_period(rb)
        if reply_until and period is not None:
            text += "\n\n" + _("You may reply in writing until %(date)s (article %(article)s).") % {"date": dates.day(reply_until), "article": period.article}
        text += "\n\n" + _("The %(body)s will hear and decide the charge; you have the right to be heard first (article %(article)s).") % {"body": decider, "article": rules.hearing_article(rb)}
        if rules.companion_allowed(rb):
            text += " " + _("You may bring a person of your choice to the hearing.")
        return _("A disciplinary charge against you"), text

    to_member(case, kind="charge_delivered", key=f"case:{case.pk}:charge", entry_index=entry_index, words=words)


def hearing_scheduled(hearing: Hearing, rb: Rulebook, entry_index: int, others: Iterable[Member]) -> None:
    case = hearing.case
    starts_at = hearing.meeting.starts_at

    def to_concerned() -> tuple[str, str]:
        when = dates.moment(starts_at)  # in the reader's language
        text = _("The %(body)s will hear you on %(when)s before it decides (article %(article)s).") % {"body": hearing.body.name, "when": when, "article": rules.hearing_article(rb)}
        if rules.companion_allowed(rb):
            text += " " + _("You may bring a person of your choice: name them on your case page.")
        return _("Your hearing: %(when)s") % {"when": when}, text

    def to_body() -> tuple[str, str]:
        when = dates.moment(starts_at)
        return _("A hearing in case %(n)s: %(when)s") % {"n": case.pk, "when": when}, _("The %(body)s hears case %(n)s on %(when)s.") % {"body": hearing.body.name, "n": case.pk, "when": when}

    key = f"hearing:{hearing.pk}:{hearing.meeting_id}"
    to_member(case, kind="hearing_scheduled", key=key, entry_index=entry_index, words=to_concerned)
    to_people(others, case, kind="hearing_scheduled", key=key, entry_index=entry_index, words=to_body)


def measure_decided(measure: Measure, case: Case, rb: Rulebook, entry_index: int, *, appeal_until: str) -> None:
    def words() -> tuple[str, str]:
        text = _("The %(body)s decided: %(measure)s.\n\nGrounds: %(grounds)s\n\nReasons: %(reasons)s") % {
            "body": measure.decided_by.name, "measure": measure.get_kind_display(), "grounds": grounds_text(rb, measure.grounds), "reasons": measure.reasons,
        }
        if measure.ends_on:
            text += "\n\n" + _("The suspension ends on %(date)s; your membership is restored that day.") % {"date": dates.day(measure.ends_on)}
        ap = rules.appeal_rules(rb)
        if appeal_until and ap:
            text += "\n\n" + _("You may appeal to the %(body)s until %(date)s (article %(article)s).") % {"body": rb.body(ap["body"])["name"], "date": dates.day(appeal_until), "article": ap.get("article", "")}
        return _("A disciplinary decision concerning you"), text

    to_member(case, kind="measure_decided", key=f"measure:{measure.pk}", entry_index=entry_index, words=words)
