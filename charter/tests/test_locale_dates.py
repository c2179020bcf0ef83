"""Dates in the reader's language (decision 0020): a Sindhi and an Urdu reader see the day, the
month's name in their language and the year, in Western digits, on pages and in notices (email,
SMS, inbox), though Django has no Sindhi at all and no Urdu formats."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from charter.discipline import actions
from charter.discipline.tests import story
from charter.members.actions import admit_member, apply_for_membership
from charter.members.models import Member
from charter.notices.models import Notice
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold

EASTERN_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
MONTHS = {
    "sd": "جنوري فيبروري مارچ اپريل مئي جون جولاءِ آگسٽ سيپٽمبر آڪٽوبر نومبر ڊسمبر".split(),
    "ur": "جنوری فروری مارچ اپریل مئی جون جولائی اگست ستمبر اکتوبر نومبر دسمبر".split(),
}
SATURDAY = {"sd": "ڇنڇر", "ur": "ھفتہ"}
ENGLISH = re.compile(r"[A-Za-z]")


def render(text: str, lang: str, **context: object) -> str:
    with translation.override(lang):
        return Template(text).render(Context(context))


@pytest.mark.parametrize("lang", ["sd", "ur"])
def test_every_month_and_weekday_is_named_in_the_readers_language_with_western_digits(lang):
    for month in range(1, 13):
        day = dt.date(2026, month, 15)
        shown = {
            f: render("{{ d|date:'" + f + "' }}", lang, d=day) for f in ("F", "N", "M", "b", "E")
        }
        assert set(shown.values()) == {MONTHS[lang][month - 1]}, (month, shown)
        default = render("{{ d }}", lang, d=day)  # the language's DATE_FORMAT: day, month, year
        assert default == f"15 {MONTHS[lang][month - 1]} 2026"
        assert not EASTERN_DIGITS.search(default)
    weekdays = {render("{{ d|date:'l' }}", lang, d=dt.date(2026, 3, 2 + i)) for i in range(7)}
    assert len(weekdays) == 7 and not any(ENGLISH.search(w) for w in weekdays)
    assert render("{{ d|date:'D' }}", lang, d=dt.date(2026, 3, 7)) == SATURDAY[lang]
    moment = render("{{ t }}", lang, t=dt.datetime(2026, 3, 7, 14, 5, tzinfo=dt.UTC))
    assert moment == f"7 {MONTHS[lang][2]} 2026، 14:05"  # the 24-hour clock, the Arabic comma


def test_english_is_day_month_year_too():
    assert render("{{ d }}", "en", d=dt.date(2026, 3, 7)) == "7 March 2026"


def test_a_sindhi_and_an_urdu_member_read_the_reply_date_of_a_charge_in_their_language(cast):
    # An Urdu-reading member of Karachi Central, admitted by the Sindh Regional Committee.
    clock_start = "2026-08-01T10:00:00"
    story.moment_at(clock_start)
    nasreen = apply_for_membership(
        name="Nasreen Bhutto",
        branch=cast.karachi,
        email="nasreen@example.org",
        phone="+923001234567",
        language="ur",
    )
    rc = cast.bodies["rc"]
    present = list(Member.objects.filter(mandates__body=rc, mandates__ended_on__isnull=True))
    meeting = hold(rc, by=cast.rashid, present=present, notice_days=8)
    admit_member(
        nasreen, decision=Decision(by=cast.rashid, body=rc, meeting=meeting, votes=Votes(7, 0, 0))
    )
    tariq_case = story.deliver(cast, story.frame(cast))  # framed and delivered on 2026-09-01
    secretariat = Decision(by=cast.sara, body=cast.bodies["secretariat"])
    case = actions.frame_charge(
        Member.objects.get(pk=nasreen.pk),
        decision=secretariat,
        grounds=["breach_of_document"],
        facts=story.FACTS,
        bringers=[cast.cc_members[0]],
    )
    actions.deliver_charge(case, decision=Decision(by=cast.sara, body=cast.bodies["secretariat"]))
    for member, lang, text in [
        (cast.tariq, "sd", "15 سيپٽمبر 2026"),
        (nasreen, "ur", "15 ستمبر 2026"),
    ]:
        notices = Notice.objects.filter(member=member, kind="charge_delivered")
        assert sorted(n.channel for n in notices) == ["email", "inbox", "sms"]
        for n in notices:
            assert n.language == lang and text in n.body, (lang, n.channel, n.body)
            assert "2026-09-15" not in n.body and not EASTERN_DIGITS.search(n.body)
    assert tariq_case.pk != case.pk


def test_a_dues_reminder_gives_the_paid_up_date_in_the_members_language(cast):
    from charter.lib import dates
    from charter.members.actions import send_dues_reminder

    tariq = Member.objects.get(pk=cast.tariq.pk)
    send_dues_reminder(tariq)
    with translation.override("sd"):
        paid = dates.day(tariq.dues_paid_until)
    for n in Notice.objects.filter(member=tariq, kind="dues_reminder"):
        assert n.language == "sd" and paid in n.body and tariq.dues_paid_until.isoformat() not in n.body
        assert not EASTERN_DIGITS.search(n.body)


def test_a_late_reply_is_refused_with_its_days_in_the_readers_language_and_iso_on_the_record(cast, at):
    from charter.rulebook.enforce import Refused
    from charter.rulebook.refusal import translated_breaches

    case = story.deliver(cast, story.frame(cast))  # delivered 2026-09-01: 14 days to reply
    story.moment_at("2026-09-16T09:00:00")
    with pytest.raises(Refused) as exc:
        actions.reply_to_charge(case, by=cast.tariq, text="My reply.")
    with translation.override("sd"):
        (shown,) = translated_breaches(exc.value)
    assert "1 سيپٽمبر 2026" in shown["message"] and "15 سيپٽمبر 2026" in shown["message"]
    assert "2026-09-15" not in shown["message"] and not EASTERN_DIGITS.search(shown["message"])
    with translation.override("en"):
        (shown,) = translated_breaches(exc.value)
    assert "ran from 1 September 2026 and ended on 15 September 2026" in shown["message"]
    # the sentence as data (what goes on the record with a refusal) keeps the ISO dates
    assert "2026-09-01" in exc.value.breaches[0].message and "2026-09-15" in exc.value.breaches[0].message


def test_a_meeting_to_choose_is_named_by_its_day_in_the_readers_language(cast, at):
    from charter.voting.forms import PollForm

    at("2026-03-02T10:00:00")
    rc = cast.bodies["rc"]
    present = list(Member.objects.filter(mandates__body=rc, mandates__ended_on__isnull=True))
    meeting = hold(rc, by=cast.rashid, present=present, notice_days=8)
    day = meeting.starts_at.date()
    with translation.override("sd"):
        labels = dict(PollForm(meetings=[meeting]).fields["meeting"].choices)
        assert labels[meeting.pk] == f"{day.day} {MONTHS['sd'][day.month - 1]} {day.year} — {meeting.title}"
