"""An entry of the public record in words a member understands."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from charter.record import blocks
from charter.record.models import Entry

# What happened, by act: one sentence each. Bodies and units are named; people never are.
ACT_WORDS = {
    "install_rulebook": N_("The rules were installed (version %(version)s, in force from %(effective_from)s)."),
    "amend_rulebook": N_("The %(body)s adopted version %(version)s of the rules."),
    "found_organization": N_("The organization was founded."),
    "close_founding": N_("The founding period closed; from now on the rules decide."),
    "create_unit": N_("A new unit was created: %(unit)s."),
    "dissolve_unit": N_("The %(body)s dissolved a unit."),
    "merge_units": N_("The %(body)s merged two units."),
    "enrol_founder": N_("A founding member was enrolled in %(unit)s."),
    "seat_founder": N_("A founding member took a seat on the %(body)s."),
    "apply_for_membership": N_("Someone applied to join %(unit)s."),
    "admit_member": N_("The %(body)s admitted a member."),
    "refuse_admission": N_("The %(body)s refused an application, with reasons."),
    "dues_reminder": N_("A written reminder of dues in arrears was sent."),
    "lapse_member": N_("A membership lapsed after arrears and reminders (not a disciplinary measure)."),
    "reinstate_member": N_("A lapsed membership was restored on payment of the arrears."),
    "resign_membership": N_("A member resigned in writing."),
    "set_dues_bands": N_("The %(body)s set the dues bands (%(bands)s bands)."),
    "assign_dues_band": N_("A member of %(unit)s was placed in a dues band."),
    "record_dues_payment": N_("A dues payment of %(months)s months was recorded for a member of %(unit)s."),
    "import_bank_statement": N_("A bank statement of %(unit)s was imported: %(rows)s lines, %(matched)s payments matched, %(review)s to review."),
    "assign_statement_row": N_("A line of a bank statement of %(unit)s was assigned to a member as dues of %(months)s months."),
    "discard_statement_row": N_("A line of a bank statement of %(unit)s was set aside as not dues."),
    "open_fund": N_("A collection or fund appeal was opened for %(unit)s."),
    "pledge_to_fund": N_("A member pledged %(amount)s to a fund appeal."),
    "receive_contribution": N_("%(amount)s was received (%(method)s) for %(unit)s, receipt %(receipt)s."),
    "transfer_member": N_("A member transferred to another branch."),
    "erase_person": N_("A person's personal data was erased at their own request."),
    "import_members": N_("The existing register was imported (%(rows)s members)."),
    "convene_meeting": N_("A meeting of the %(body)s was called."),
    "record_attendance": N_("Attendance at a meeting of the %(body)s was recorded: %(present)s present, %(quorum_needed)s needed for quorum."),
    "decide_motion": N_("The %(body)s decided a motion."),
    "approve_minutes": N_("The %(body)s approved the minutes of its previous meeting."),
    "elect_to_seat": N_("The %(body)s elected a member to the %(seat_body)s."),
    "co_opt_to_seat": N_("The %(body)s co-opted a member."),
    "appoint_to_seat": N_("The %(body)s appointed a member."),
    "elect_officer": N_("The %(body)s elected an officer."),
    "remove_from_seat": N_("A member was removed from a seat."),
    "term_expired": N_("A term of office on the %(body)s came to its end."),
    "open_nominations": N_("The %(body)s opened nominations for an election to the %(seat_body)s (%(seats)s seats)."),
    "nominate_candidate": N_("A member of the %(body)s nominated a candidate for the %(seat_body)s (%(nominations)s nominations so far)."),
    "accept_nomination": N_("A candidate for the %(seat_body)s accepted the nomination in writing."),
    "withdraw_candidacy": N_("A candidate for the %(seat_body)s withdrew."),
    "close_nominations": N_("Nominations for the %(seat_body)s closed: %(standing)s candidates stand, %(not_standing)s do not."),
    "fix_seats": N_("The number of seats of the %(body)s was fixed at %(seats)s."),
    "frame_charge": N_("The %(body)s framed a disciplinary charge."),
    "warn_member": N_("The %(body)s issued a written warning."),
    "suspend_member": N_("The %(body)s suspended a member."),
    "expel_member": N_("The %(body)s expelled a member."),
    "deliver_charge": N_("A disciplinary charge was delivered in writing."),
    "reply_to_charge": N_("A member replied in writing to a charge."),
    "schedule_hearing": N_("The %(body)s scheduled a hearing, with notice to the member."),
    "name_companion": N_("A member named a companion for their hearing."),
    "record_recusal": N_("A member of the %(body)s stood aside from a case."),
    "minute_hearing": N_("The %(body)s minuted a hearing (the minutes are sealed by their hash)."),
    "interim_suspension": N_("The %(body)s suspended a member for the time of a case (interim)."),
    "lapse_interim_suspension": N_("An interim suspension ended at its limit."),
    "end_suspension": N_("A suspension ended and the membership was restored."),
    "file_appeal": N_("A member appealed against a measure."),
    "schedule_appeal_hearing": N_("The %(body)s scheduled the hearing of an appeal."),
    "decide_appeal": N_("The %(body)s decided an appeal."),
    "refer_appeal": N_("An appeal decision was referred on, as the rules allow."),
    "decide_referral": N_("The %(body)s decided a referred appeal."),
    "deadline_warning": N_("A warning was sent that a deadline of the rules is near."),
    "deadline_missed": N_("A deadline of the rules passed without the act it required."),
    "start_initiative": N_("Members started an initiative under the rules."),
    "sign_initiative": N_("A member signed an initiative."),
    "withdraw_signature": N_("A member withdrew their signature from an initiative."),
    "endorse_initiative": N_("The %(body)s supported an initiative."),
    "answer_initiative": N_("The %(body)s answered an initiative."),
    "initiative_threshold_reached": N_("An initiative reached its threshold: the obligation it creates now runs."),
    "initiative_fulfilled": N_("The obligation an initiative created was fulfilled."),
    "initiative_deadline_missed": N_("The obligation an initiative created was not fulfilled in time."),
    "circulate_document": N_("A document the members asked for was circulated unaltered."),
    "open_investigation": N_("The %(body)s opened an investigation."),
    "create_poll": N_("A vote of the %(body)s was prepared."),
    "require_secret_ballot": N_("The %(body)s required a secret ballot."),
    "open_poll": N_("A vote of the %(body)s opened: %(electorate)s may vote."),
    "enter_paper_batch": N_("Tellers entered a batch of %(papers)s paper ballots for a vote of the %(body)s."),
    "close_poll": N_("A vote of the %(body)s closed: %(ballots)s ballots, their list sealed by its hash."),
    "publish_poll": N_("The result of a vote of the %(body)s was published, counted from the sealed ballots."),
    "convene_conference": N_("The %(body)s convened a national conference (conference %(conference)s)."),
    "convene_congress": N_("The Congress was convened (conference %(conference)s); delegates were allocated to %(units)s units."),
    "register_for_conference": N_("A member registered for conference %(conference)s."),
    "register_observer": N_("An organizer registered an observer or guest, without vote, for conference %(conference)s."),
    "elect_delegate": N_("The %(body)s elected a delegate to conference %(conference)s."),
    "dispute_credentials": N_("A participant with a vote disputed, in writing, the credentials of a participant of conference %(conference)s."),
    "decide_credentials": N_("The %(body)s decided a dispute over credentials at conference %(conference)s."),
    "check_in_participant": N_("A participant was checked in at conference %(conference)s on %(day)s."),
    "plan_programme": N_("An organizer set part of the programme of conference %(conference)s."),
    "decide_in_commission": N_("A commission of conference %(conference)s adopted its decision %(number)s, a recommendation."),
    "submit_resolution": N_("A member registered with a vote submitted resolution %(resolution)s to a conference convened by the %(body)s."),
    "submit_amendment": N_("A member registered with a vote submitted amendment %(amendment)s to resolution %(resolution)s of a conference."),
    "adopt_resolution": N_("A conference convened by the %(body)s adopted resolution %(resolution)s by the votes of its registered members."),
    "adopt_amendment": N_("A conference convened by the %(body)s adopted amendment %(amendment)s to resolution %(resolution)s."),
    "unused_place": N_("No act: the act given this place in the record did not complete, so the place is left empty."),
}
REFUSED_WORDS = N_("Refused: an attempt to %(act)s, claimed for the %(body)s, broke articles %(articles)s.")
LOST_WORDS = N_("The %(body)s voted on a motion to %(act)s; it did not reach the majority the rules require.")


def content(entry: Entry) -> dict[str, Any]:
    try:
        data = json.loads(blocks.text(entry))
    except ValueError:  # an entry that cannot be read (record verify names it)
        return {}
    return data if isinstance(data, dict) else {}


def describe(entry: Entry) -> str:
    data = content(entry)
    detail = data.get("detail") or {}
    params: dict[str, Any] = {k: v for k, v in detail.items() if isinstance(v, (str, int))}
    params["body"] = (detail.get("body") or {}).get("name", _("organization"))
    params["unit"] = (detail.get("unit") or {}).get("name", "")
    params["seat_body"] = (detail.get("seat_body") or {}).get("name", "") if isinstance(detail.get("seat_body"), dict) else ""
    params.setdefault("present", "?")
    params.setdefault("quorum_needed", "?")
    params.setdefault("rows", "?")
    params.setdefault("version", "?")
    params.setdefault("effective_from", "?")
    act_label = _act_name(data["act"], data.get("time", "")[:10])
    articles = ", ".join(data.get("articles") or [])
    if get_language_bidi():  # names and numbers kept whole inside right-to-left sentences
        params = {k: _isolate(v) if isinstance(v, str) else v for k, v in params.items()}
        act_label, articles = _isolate(act_label), _isolate(articles)
    if data["outcome"] == "refused":
        return _(REFUSED_WORDS) % {"act": act_label, "body": params["body"], "articles": articles}
    if data["outcome"] == "lost":
        return _(LOST_WORDS) % {"act": act_label, "body": params["body"]}
    template = ACT_WORDS.get(data["act"])
    if template is None:
        return act_label
    try:
        return _(template) % params
    except (KeyError, TypeError, ValueError):
        return act_label


def _isolate(text: str) -> str:
    """``text`` as a run of its own direction (Unicode's first-strong isolate): an English name or a
    list of articles in an Urdu or Sindhi sentence keeps its order and its brackets' sides."""
    return f"\u2068{text}\u2069" if text else text


def _act_name(act: str, day: str) -> str:
    """The rulebook's own name for the act (lower case), or its key in words."""
    import datetime as dt

    from charter.rulebook.store import NoRulebook, rulebook_on

    try:
        rb = rulebook_on(dt.date.fromisoformat(day))
        return str(rb.act(act)["name"]).lower()
    except (KeyError, ValueError, NoRulebook):
        return act.replace("_", " ")
