"""Every change on a conference's floor (decision 0015).

Procedural acts — asking to speak, ordering the list, calling a speaker, the timer, the hall's
current item, written questions and their moderation, supporting a resolution — are ordinary rows,
not entries on the public record: they decide nothing for the organization, and the record would
otherwise tell who asked to speak when. They are still acts of this module, each in one transaction,
and only the conference's organizers (those the convening decision named:
``conferences.queries.organizes``) chair and moderate.

Resolutions, amendments and the conference's decisions on them go on the record, judged by the
rulebook (``submit_resolution``, ``support_resolution``, ``submit_amendment``, ``adopt_resolution``,
``adopt_amendment``:
Art. 6.1 of the WDA's rules). They are voted on through the poll kernel, electronically or with the
card counts typed in by tellers; the voters are the members registered with a vote.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from charter.conferences.models import Conference, Item, Participant, Session
from charter.floor import electorate, ordering, queries, texts
from charter.floor.models import Amendment, Hall, Question, Resolution, SpeakRequest, Support
from charter.floor.permissions import is_organizer
from charter.lib import clock
from charter.lib.canonical import sha256_hex
from charter.lib.errors import InvalidInput
from charter.members.models import Member
from charter.record import log as record
from charter.rulebook import enforce
from charter.rulebook import judge as J
from charter.rulebook.enforce import Refused, consequential
from charter.rulebook.store import rulebook_on
from charter.voting import actions as voting
from charter.voting import queries as poll_queries
from charter.voting.models import Poll

MAX_KEY = 100


# --- helpers ---------------------------------------------------------------------------------------


def _require_organizer(conference: Conference, by: Member) -> None:
    if not is_organizer(conference, by):
        raise PermissionDenied(
            _("Only the organizers the conference's convening decision named chair and moderate it.")
        )


def _conference_of_item(item: Item) -> Conference:
    return Conference.objects.select_related("body").get(
        pk=Session.objects.filter(pk=item.session_id).values("conference_id")[:1]
    )


def _hall(conference: Conference) -> Hall:
    """The hall row, locked: every change on the floor takes it, so they happen one at a time."""
    Hall.objects.get_or_create(conference=conference)
    return Hall.objects.select_for_update().get(conference=conference)


def _changed(hall: Hall, **fields: Any) -> Hall:
    for name, value in fields.items():
        setattr(hall, name, value)
    hall.version += 1
    hall.updated_at = clock.now()
    hall.save()
    return hall


def _touch(conference: Conference, **fields: Any) -> Hall:
    return _changed(_hall(conference), **fields)


def _check_participant(participant: Participant, conference_id: int) -> None:
    if participant.conference_id != conference_id:
        raise InvalidInput(_("You are not registered at this conference."))


# --- the hall -------------------------------------------------------------------------------------


@consequential
def set_current_item(item: Item, *, by: Member) -> Hall:
    """The chair brings ``item`` to the hall screen (and to every phone)."""
    conference = _conference_of_item(item)
    _require_organizer(conference, by)
    hall = _hall(conference)
    if hall.item_id == item.pk:
        return hall
    return _changed(hall, item=item, speaker=None)


# --- the list of speakers ---------------------------------------------------------------------------


@consequential
def ask_to_speak(
    item: Item, *, participant: Participant, point_of_order: bool = False
) -> SpeakRequest:
    """Put the participant on the item's list (a point of order goes to the top). One open request
    per participant per item: asking again while on the list is refused."""
    conference = _conference_of_item(item)
    _check_participant(participant, conference.pk)
    if item.state == Item.State.DONE:
        raise InvalidInput(_("This item is closed; the list of speakers is closed with it."))
    hall = _hall(conference)
    if SpeakRequest.objects.filter(
        item=item, participant=participant, state__in=SpeakRequest.ACTIVE
    ).exists():
        raise InvalidInput(_("You are already on the list of speakers for this item."))
    last = SpeakRequest.objects.filter(item=item).aggregate(m=Max("position"))["m"] or 0
    request = SpeakRequest.objects.create(
        item=item,
        participant=participant,
        position=last + 1,
        requested_at=clock.now(),
        kind=SpeakRequest.Kind.POINT_OF_ORDER if point_of_order else SpeakRequest.Kind.SPEECH,
    )
    _changed(hall)
    return request


@consequential
def withdraw_request(request: SpeakRequest, *, participant: Participant) -> SpeakRequest:
    if request.participant_id != participant.pk:
        raise PermissionDenied
    conference = _conference_of_item(request.item)
    hall = _hall(conference)
    request = SpeakRequest.objects.get(pk=request.pk)
    if request.state != SpeakRequest.State.WAITING:
        raise InvalidInput(_("Only a request still waiting can be withdrawn."))
    request.state = SpeakRequest.State.WITHDRAWN
    request.save(update_fields=["state"])
    _changed(hall)
    return request


@consequential
def order_speakers(
    item: Item, *, by: Member, first_time_first: bool = False, balance: bool = False
) -> list[SpeakRequest]:
    """The chair orders the waiting list: in the order asked, first-time speakers first, and/or
    alternating by the gender participants gave at registration (``attributes["gender"]``)."""
    conference = _conference_of_item(item)
    _require_organizer(conference, by)
    hall = _hall(conference)
    rows = sorted(
        SpeakRequest.objects.filter(item=item, state=SpeakRequest.State.WAITING).select_related(
            "participant"
        ),
        key=lambda r: (r.requested_at, r.pk),
    )
    spoke = set(
        SpeakRequest.objects.filter(
            item__session__conference=conference,
            state=SpeakRequest.State.DONE,
            kind=SpeakRequest.Kind.SPEECH,
        ).values_list("participant_id", flat=True)
    )
    ids = ordering.order(
        [
            ordering.Request(
                r.pk,
                r.kind == SpeakRequest.Kind.POINT_OF_ORDER,
                r.participant_id in spoke,
                str((r.participant.attributes or {}).get("gender", "")),
            )
            for r in rows
        ],
        first_time_first=first_time_first,
        balance=balance,
    )
    by_id = {r.pk: r for r in rows}
    for position, pk in enumerate(ids, 1):
        by_id[pk].position = position
    SpeakRequest.objects.bulk_update(rows, ["position"])
    _changed(hall)
    return [by_id[pk] for pk in ids]


def _end_current(hall: Hall, now: dt.datetime) -> None:
    if hall.speaker_id is None:
        return
    current = SpeakRequest.objects.filter(
        pk=hall.speaker_id, state__in=(SpeakRequest.State.CALLED, SpeakRequest.State.SPEAKING)
    ).first()
    if current is not None:
        current.state = SpeakRequest.State.DONE
        current.ended_at = now
        current.save(update_fields=["state", "ended_at"])


@consequential
def call_next_speaker(item: Item, *, by: Member) -> SpeakRequest | None:
    """The one who spoke (if any) is done; the first on the list is called to the microphone. The
    timer starts when they begin (``start_timer``). None when the list is empty."""
    conference = _conference_of_item(item)
    _require_organizer(conference, by)
    hall = _hall(conference)
    now = clock.now()
    _end_current(hall, now)
    line = queries.speakers(item)
    nxt = line[0] if line else None
    if nxt is not None:
        nxt.state = SpeakRequest.State.CALLED
        nxt.called_at = now
        nxt.save(update_fields=["state", "called_at"])
    _changed(hall, item=item, speaker=nxt)
    return nxt


@consequential
def start_timer(request: SpeakRequest, *, by: Member) -> SpeakRequest:
    """The speaker begins: the deadline is now plus the item's speaking time. Screens count down
    from the deadline themselves; nothing is pushed per second."""
    item = Item.objects.get(pk=request.item_id)
    conference = _conference_of_item(item)
    _require_organizer(conference, by)
    hall = _hall(conference)
    request = SpeakRequest.objects.get(pk=request.pk)
    if request.state != SpeakRequest.State.CALLED:
        raise InvalidInput(
            _("Call the speaker before starting the timer.")
            if request.state == SpeakRequest.State.WAITING
            else _("This speaker's time has already run or ended.")
        )
    now = clock.now()
    request.state = SpeakRequest.State.SPEAKING
    request.started_at = now
    request.deadline = now + dt.timedelta(seconds=item.speaking_seconds)
    request.save(update_fields=["state", "started_at", "deadline"])
    _changed(hall, item=item, speaker=request)
    return request


@consequential
def stop_timer(request: SpeakRequest, *, by: Member) -> SpeakRequest:
    """The speaker is done (whether or not their time ran out)."""
    item = Item.objects.get(pk=request.item_id)
    conference = _conference_of_item(item)
    _require_organizer(conference, by)
    hall = _hall(conference)
    request = SpeakRequest.objects.get(pk=request.pk)
    if request.state not in (SpeakRequest.State.CALLED, SpeakRequest.State.SPEAKING):
        raise InvalidInput(_("This speaker does not have the floor."))
    request.state = SpeakRequest.State.DONE
    request.ended_at = clock.now()
    request.save(update_fields=["state", "ended_at"])
    _changed(hall, speaker=None if hall.speaker_id == request.pk else hall.speaker)
    return request


# --- written questions ------------------------------------------------------------------------------


@consequential
def submit_question(
    session: Session, *, participant: Participant, text: str, key: str
) -> tuple[Question, bool]:
    """A question into the session's queue. The phone sends a key with each question: the same key
    again returns the question already kept (True: replayed), so a resend never makes two."""
    _check_participant(participant, session.conference_id)
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(
            _("Every question carries a key of 1 to %(n)s characters.") % {"n": MAX_KEY}
        )
    text = (text or "").strip()
    if not text or len(text) > Question.MAX_TEXT:
        raise InvalidInput(
            _("A question needs a text of at most %(n)s characters.") % {"n": Question.MAX_TEXT}
        )
    prior = Question.objects.filter(participant=participant, key=key).first()
    if prior is not None:
        return prior, True
    try:
        with transaction.atomic():
            question = Question.objects.create(
                session=session,
                participant=participant,
                text=text,
                key=key,
                submitted_at=clock.now(),
            )
    except IntegrityError:  # the same phone's resend got there first
        return Question.objects.get(participant=participant, key=key), True
    return question, False


@consequential
def moderate_question(
    question: Question, *, by: Member, decision: str, into: Question | None = None
) -> Question:
    """Accept, reject, or merge into another question of the same session (which is accepted)."""
    conference = Conference.objects.select_related("body").get(
        pk=Session.objects.filter(pk=question.session_id).values("conference_id")[:1]
    )
    _require_organizer(conference, by)
    hall = _hall(conference)
    question = Question.objects.get(pk=question.pk)
    now = clock.now()
    if decision not in ("accept", "reject", "merge"):
        raise InvalidInput(_("Choose accept, reject or merge."))
    if decision == "merge":
        if into is None or into.pk == question.pk or into.session_id != question.session_id:
            raise InvalidInput(_("Merge into another question of the same session."))
        into = Question.objects.get(pk=into.pk)
        if into.state == Question.State.MERGED or into.state == Question.State.REJECTED:
            raise InvalidInput(_("Merge into a question that is kept, not one merged or rejected."))
        if into.state == Question.State.SUBMITTED:
            into.state, into.moderated_by, into.moderated_at = Question.State.ACCEPTED, by, now
            into.save(update_fields=["state", "moderated_by", "moderated_at"])
        Question.objects.filter(merged_into=question).update(merged_into=into)
        question.merged_into = into
        question.state = Question.State.MERGED
    else:
        if question.merged.exists() and decision == "reject":
            raise InvalidInput(
                _("Other questions were merged into this one; it cannot be rejected.")
            )
        question.state = (
            Question.State.ACCEPTED if decision == "accept" else Question.State.REJECTED
        )
        question.merged_into = None
    question.moderated_by, question.moderated_at = by, now
    question.save(update_fields=["state", "merged_into", "moderated_by", "moderated_at"])
    _changed(hall)
    return question


# --- resolutions and amendments ---------------------------------------------------------------------


def _member_with_vote(participant: Participant) -> Member:
    if participant.member_id is None:
        raise InvalidInput(_("Only a member registered at the conference with a vote may do this."))
    return Member.objects.select_related("branch").get(pk=participant.member_id)


def _detail(conference: Conference, **extra: Any) -> dict[str, Any]:
    return enforce.detail_for(body=conference.body, conference=conference.pk, **extra)


def _judge_member_with_vote(act: str, participant: Participant, detail: dict[str, Any]) -> tuple[Member, Any]:
    """The participant's member, judged by the rulebook for ``act`` (registered with a vote)."""
    member = _member_with_vote(participant)
    rb = enforce.check(
        enforce.proposal(
            act, actor=member, target=member, facts={"registered_with_vote": participant.has_vote}
        ),
        actor=member,
        detail=detail,
    )
    return member, rb


def _submitted(
    act: str,
    row: Resolution | Amendment,
    *,
    conference: Conference,
    participant: Participant,
    detail: dict[str, Any],
    texts_on_record: dict[str, str],
) -> None:
    """The common end of a submission: judged, numbered, saved, on the record (the texts by their
    hashes), and the hall told. ``row`` is unsaved, without its number."""
    member, rb = _judge_member_with_vote(act, participant, detail)
    _hall(conference)  # numbers are given one at a time, under the hall's lock
    siblings = (
        Resolution.objects.filter(conference=conference)
        if isinstance(row, Resolution)
        else Amendment.objects.filter(resolution_id=row.resolution_id)
    )
    row.number = (siblings.aggregate(m=Max("number"))["m"] or 0) + 1
    row.submitted_by = participant
    row.submitted_at = clock.now()
    row.save()
    kind = "resolution" if isinstance(row, Resolution) else "amendment"
    entry = record.append(
        act,
        "done",
        actor=member,
        articles=[str(rb.act(act)["article"])],
        detail={
            **detail,
            kind: row.number,
            **{f"{key}_sha256": sha256_hex(text.encode()) for key, text in texts_on_record.items()},
        },
    )
    row.entry_index = entry.index
    row.save(update_fields=["entry_index"])
    _touch(conference)


def _open_resolution(resolution: Resolution, participant: Participant) -> Resolution:
    _check_participant(participant, resolution.conference_id)
    resolution = Resolution.objects.get(pk=resolution.pk)
    if resolution.state != Resolution.State.SUBMITTED:
        raise InvalidInput(_("This resolution is already being voted on or decided."))
    return resolution


@consequential
def submit_resolution(
    conference: Conference, *, participant: Participant, title: str, text: str
) -> Resolution:
    _check_participant(participant, conference.pk)
    title, text = (title or "").strip(), (text or "").strip()
    if not title or len(title) > 200:
        raise InvalidInput(_("The title needs a text of at most 200 characters."))
    if not text or len(text) > 20_000:
        raise InvalidInput(_("The resolution needs a text of at most 20,000 characters."))
    resolution = Resolution(conference=conference, title=title, text=text)
    _submitted(
        "submit_resolution",
        resolution,
        conference=conference,
        participant=participant,
        detail=_detail(conference),
        texts_on_record={"text": text, "title": title},
    )
    return resolution


@consequential
def support_resolution(resolution: Resolution, *, participant: Participant) -> Support:
    """A participant with a vote adds their support (once), as the rulebook allows; the count goes on
    the record with the vote. Supporting is a procedural act: a row, not an entry of its own."""
    resolution = _open_resolution(resolution, participant)
    conference = Conference.objects.select_related("body").get(pk=resolution.conference_id)
    _judge_member_with_vote(
        "support_resolution", participant, _detail(conference, resolution=resolution.number)
    )
    support, _created = Support.objects.get_or_create(
        resolution=resolution, participant=participant, defaults={"supported_at": clock.now()}
    )
    return support


@consequential
def submit_amendment(
    resolution: Resolution, *, participant: Participant, replaces: str, by_text: str
) -> Amendment:
    """Replace a passage of the resolution (which must occur in its text) by another text."""
    resolution = _open_resolution(resolution, participant)
    conference = Conference.objects.select_related("body").get(pk=resolution.conference_id)
    replaces, by_text = (replaces or "").strip(), (by_text or "").strip()
    if not replaces or replaces not in resolution.text:
        raise InvalidInput(
            _("The passage to replace must be copied exactly from the resolution's text.")
        )
    if len(by_text) > 20_000 or by_text == replaces:
        raise InvalidInput(
            _("The replacement must differ from the passage and have at most 20,000 characters.")
        )
    amendment = Amendment(resolution=resolution, replaces=replaces, by_text=by_text)
    _submitted(
        "submit_amendment",
        amendment,
        conference=conference,
        participant=participant,
        detail=_detail(conference, resolution=resolution.number),
        texts_on_record={"replaces": replaces, "by": by_text},
    )
    return amendment


def _target_row(target: Resolution | Amendment) -> tuple[Conference, Resolution | Amendment]:
    model = type(target)
    row = model.objects.get(pk=target.pk)
    resolution = (
        row if isinstance(row, Resolution) else Resolution.objects.get(pk=row.resolution_id)
    )
    return Conference.objects.select_related("body").get(pk=resolution.conference_id), row


@consequential
def put_to_vote(
    target: Resolution | Amendment, *, by: Member, mode: str = Poll.Mode.SECRET
) -> Poll:
    """Open the vote on a resolution or an amendment: a for/against/abstain poll of the kernel,
    electronic (``secret`` or ``named``) or ``paper`` (card counts typed in by tellers). A
    resolution is voted on after all its amendments are decided."""
    conference, row = _target_row(target)
    _require_organizer(conference, by)
    hall = _hall(conference)
    if row.state != Resolution.State.SUBMITTED:
        raise InvalidInput(_("This is already being voted on or decided."))
    if isinstance(row, Resolution):
        if Amendment.objects.filter(
            resolution=row, state__in=(Amendment.State.SUBMITTED, Amendment.State.VOTING)
        ).exists():
            raise InvalidInput(
                _("Decide the amendments first: the resolution is voted on as amended.")
            )
        title = _("Resolution %(n)s: %(title)s") % {"n": row.number, "title": row.title}
    else:
        parent = Resolution.objects.get(pk=row.resolution_id)
        if parent.state != Resolution.State.SUBMITTED:
            raise InvalidInput(_("This resolution is already being voted on or decided."))
        title = _("Amendment %(a)s to resolution %(n)s") % {"a": row.number, "n": parent.number}
    poll = voting.create_poll(
        conference.body,
        by=by,
        title=title[:300],
        method=Poll.Method.YES_NO,
        mode=mode,
        taken_by=electorate.taken_by(conference),
    )
    row.poll = poll
    row.state = Resolution.State.VOTING
    row.save(update_fields=["poll", "state"])
    poll = voting.open_poll(
        poll, by=by
    )  # the electorate (the members registered with a vote) is fixed now
    _changed(hall, poll=poll)
    return poll


@consequential
def declare_result(target: Resolution | Amendment, *, by: Member) -> Resolution | Amendment:
    """The conference's decision from the published poll: adopted by a majority of the registered
    members voting (the act's majority in the rulebook), or not adopted; either way on the record.
    An adopted resolution's final text is fixed with its adopted amendments."""
    conference, row = _target_row(target)
    _require_organizer(conference, by)
    hall = _hall(conference)
    if row.state != Resolution.State.VOTING or row.poll_id is None:
        raise InvalidInput(_("There is no vote on this to declare."))
    poll = Poll.objects.get(pk=row.poll_id)
    if poll.state != Poll.State.PUBLISHED:
        raise InvalidInput(_("Close the vote and publish its result first."))
    votes = poll_queries.motion_votes(poll)
    act = "adopt_resolution" if isinstance(row, Resolution) else "adopt_amendment"
    proposal = enforce.proposal(
        act,
        actor=None,
        facts={"votes": {"yes": votes.yes, "no": votes.no, "abstain": votes.abstain}},
    )
    rb = rulebook_on(proposal.on)
    verdict = J.judge(rb, proposal)
    lost = not verdict.allowed and all(b.code == "majority_not_reached" for b in verdict.breaches)
    if not verdict.allowed and not lost:
        raise Refused(verdict, proposal, actor=by, detail=_detail(conference), on_record=True)
    resolution = (
        row if isinstance(row, Resolution) else Resolution.objects.get(pk=row.resolution_id)
    )
    detail = _detail(
        conference,
        resolution=resolution.number,
        poll=poll.pk,
        votes={"yes": votes.yes, "no": votes.no, "abstain": votes.abstain},
        supporters=Support.objects.filter(resolution=resolution).count(),
    )
    if isinstance(row, Amendment):
        detail["amendment"] = row.number
    if lost:
        row.state = Resolution.State.LOST
        entry = record.append(
            act,
            "lost",
            actor=by,
            articles=verdict.articles,
            detail={**detail, "breaches": [b.as_dict() for b in verdict.breaches]},
        )
    else:
        row.state = Resolution.State.ADOPTED
        if isinstance(row, Resolution):
            adopted = list(
                Amendment.objects.filter(resolution=row, state=Amendment.State.ADOPTED)
                .order_by("number")
                .values_list("replaces", "by_text")
            )
            row.final_text, _missing = texts.apply(row.text, adopted)
            detail["final_text_sha256"] = sha256_hex(row.final_text.encode())
            detail["amendments_adopted"] = len(adopted)
        entry = record.append(
            act, "done", actor=by, articles=[str(rb.act(act)["article"])], detail=detail
        )
    row.decision_entry = entry.index
    row.save(
        update_fields=["state", "final_text", "decision_entry"]
        if isinstance(row, Resolution)
        else ["state", "decision_entry"]
    )
    _changed(hall)
    return row
