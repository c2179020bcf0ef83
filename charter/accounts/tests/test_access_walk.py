"""Every URL pattern and every API operation, for every role of the cast and the owners of the
objects they address: nobody gets what the rules do not grant them.

The walk is generic. It reads the routes from Django's URL resolver and the operations from the
API's OpenAPI schema, and needs an expectation for each: who may read it (GET: a 200), and who may
act through it (POST and the other methods: a write). A route or operation added later without an
expectation fails ``test_every_route_and_operation_has_an_expectation``, naming it.

For a role not granted a route, a GET must not succeed (a sign-in redirect, 401, 403, 404 or 405)
and a write must change nothing (the counts of every table of the organization's data stay the same,
apart from the refusal the record keeps of an officer's refused attempt). Every page, allowed or not,
carries the Content Security Policy.

The scene (on 2026-09-01): a disciplinary case against Tariq framed by the Secretariat (Sara brought
it); an open poll of the Sindh Regional Committee (Rashid sits on it; nobody else of the roles does);
a meeting of that committee; Alice's initiative; Tariq's notice of the charge. In money: an appeal
of the Sindh region opened by its Regional Secretary, Alice's contribution to it (received by Bilal),
and a bank statement of Karachi Central imported by Bilal with one line to review. A national
conference convened by the Central Committee, Sara organizing it and chairing its one commission
(she is its only registered participant).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from charter.accounts.models import User
from charter.api import api
from charter.discipline.tests import story
from charter.members.models import Member
from charter.notices.models import Notice
from charter.record.models import Entry
from charter.rulebook.enforce import Decision
from charter.rulebook.judge import Votes
from charter.testing.meetings import hold
from charter.testing.web import login_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# --- who ------------------------------------------------------------------------------------------

MEMBERS = frozenset({"alice", "bilal", "rashid", "sara", "zainab", "imran", "tariq"})
SIGNED_IN = MEMBERS | {"nadia", "staff"}  # nadia has a sign-in and no membership; staff administers
EVERYONE = SIGNED_IN | {"anonymous"}
NOBODY: frozenset[str] = frozenset()
CASE_FILE = frozenset(
    {"tariq", "zainab", "imran", "sara"}
)  # concerned, deciding body, appeal body, brought it
ON_RC = frozenset({"rashid"})  # of the roles, only Rashid sits on the Sindh Regional Committee
SEES_TARIQ = frozenset(
    {"tariq", "rashid", "sara", "zainab", "imran"}
)  # himself; bodies over his branch
SEES_ALICE = frozenset(
    {"alice", "bilal", "rashid", "sara", "zainab", "imran"}
)  # the same for Karachi Central
# Karachi Central's accounts are kept by its Branch Secretary and, above it, the Sindh Regional
# Secretary (the offices the rules' finance acts name); the Control Commission audits every unit's.
KEEPS_KARACHI = frozenset({"bilal", "rashid"})
AUDITS_KARACHI = KEEPS_KARACHI | {"imran"}
# Karachi Central's dashboard with names: whoever sits on a body of the branch, the region or the
# top unit (Bilal, Rashid; Sara and Zainab on the Central Committee, Imran on the Commission).
ON_KARACHI_BODIES = SEES_ALICE - {"alice"}
ON_TOP_BODIES = frozenset({"sara", "zainab", "imran"})
ORGANIZES = frozenset({"sara"})  # the conference's organizer, its only registered participant
# Credentials in question: for the organizers and for those on the body the rules name to decide
# disputes (the Central Committee: Sara and Zainab).
SEES_CREDENTIALS = frozenset({"sara", "zainab"})


@dataclass(frozen=True)
class Expect:
    """``read``: who gets the page (200) on GET. ``write``: who may change something through it
    (with the walk's payload). ``kw``: the route's arguments, from the scene."""

    read: frozenset[str]
    write: frozenset[str] = NOBODY
    kw: Callable[[Any], dict[str, Any]] = lambda s: {}
    # A page open to more people than its confidential part: text only ``secret_to`` may read.
    secret: Callable[[Any], str] | None = None
    secret_to: frozenset[str] = NOBODY


def E(
    read: frozenset[str],
    write: frozenset[str] = NOBODY,
    secret: Callable[[Any], str] | None = None,
    secret_to: frozenset[str] = NOBODY,
    **kw: Callable[[Any], Any],
) -> Expect:  # noqa: N802
    return Expect(
        read, frozenset(write), lambda s: {k: f(s) for k, f in kw.items()}, secret, secret_to
    )


def case(s: Any) -> int:
    return s.case.pk


def poll(s: Any) -> int:
    return s.poll.pk


def karachi(s: Any) -> int:
    return s.karachi.pk


def conference(s: Any) -> int:
    return s.conference.pk


def badge(s: Any) -> str:
    return s.commission.chair.code  # Sara's


def statement(s: Any) -> int:
    return s.statement.pk


def review_line(s: Any) -> int:
    return s.statement.rows.get().line


def this_year(s: Any) -> int:
    return 2026


MISSING = 999_999  # an id nothing has: everyone gets the same 404 as for an object they may not see

# Pages (URL names). The writes listed are those the walk's empty POST may legitimately make.
WEB: dict[str, Expect] = {
    "home": E(NOBODY),  # a redirect for everyone
    "accounts:login": E(EVERYONE - SIGNED_IN),  # the signed-in are sent on
    "accounts:logout": E(NOBODY),
    "accounts:enrol": E(
        NOBODY, write=SIGNED_IN
    ),  # the walk's sessions are enrolled and verified: sent on
    "accounts:verify": E(NOBODY, write=SIGNED_IN),
    "admin_login": E(NOBODY),
    "members:home": E(MEMBERS),
    "members:receipts": E(MEMBERS),
    "members:detail": E(SEES_TARIQ, pk=lambda s: s.tariq.pk),
    "notices:inbox": E(MEMBERS),
    "notices:read": E(NOBODY, write={"tariq"}, pk=lambda s: s.notice.pk),
    "notices:read_all": E(NOBODY, write=MEMBERS),
    "org:unit_top": E(EVERYONE),
    "org:unit": E(EVERYONE, pk=lambda s: s.sindh.pk),
    "org:body": E(EVERYONE, pk=lambda s: s.rc.pk),
    # A meeting's notice is public; its minutes and attendance are the body's (4.4).
    "meetings:detail": E(
        EVERYONE, secret=lambda s: s.cast.saima.name, secret_to=ON_RC, pk=lambda s: s.meeting.pk
    ),
    # Forms: any member may ask; the rulebook judges the act when the form is sent.
    "meetings:convene": E(MEMBERS, body_pk=lambda s: s.rc.pk),
    "meetings:attendance": E(MEMBERS, pk=lambda s: s.meeting.pk),
    "meetings:motion": E(MEMBERS, pk=lambda s: s.meeting.pk),
    "discipline:list": E(MEMBERS),
    "discipline:case": E(CASE_FILE, pk=case),
    "discipline:step": E(NOBODY, pk=case, key=lambda s: "reply"),
    "discipline:frame": E(SEES_ALICE, member_pk=lambda s: s.alice.pk),  # forms, judged when sent
    "discipline:measure": E(SEES_ALICE, member_pk=lambda s: s.alice.pk),
    "initiatives:index": E(MEMBERS),
    "initiatives:start": E(MEMBERS, write=MEMBERS),
    "initiatives:detail": E(MEMBERS, pk=lambda s: s.initiative.pk),
    "initiatives:count": E(MEMBERS, pk=lambda s: s.initiative.pk),
    "initiatives:sign": E(
        NOBODY, write=MEMBERS, pk=lambda s: s.initiative.pk
    ),  # every member signs for themself
    "initiatives:withdraw": E(NOBODY, write={"alice"}, pk=lambda s: s.initiative.pk),
    "initiatives:answer": E(NOBODY, pk=lambda s: s.initiative.pk),
    "voting:body_polls": E(MEMBERS, body_pk=lambda s: s.rc.pk),
    "voting:new": E(MEMBERS, body_pk=lambda s: s.rc.pk),  # a form, judged when sent
    "voting:poll": E(ON_RC, pk=poll),
    "voting:vote": E(NOBODY, write=ON_RC, pk=poll),
    "voting:console": E(ON_RC, pk=poll),
    "voting:turnout": E(ON_RC, pk=poll),
    "voting:live": E(ON_RC, pk=poll),
    "voting:hall": E(ON_RC, pk=poll),
    "voting:paper": E(ON_RC, pk=poll),
    "voting:results": E(NOBODY, pk=poll),  # not published yet
    "voting:ballots": E(NOBODY, pk=poll),
    "voting:ballots_json": E(NOBODY, pk=poll),
    "voting:ballots_blt": E(NOBODY, pk=poll),
    "voting:step": E(NOBODY, write=ON_RC, pk=poll, name=lambda s: "close"),  # the chair closes
    "elections:body": E(MEMBERS, body_pk=lambda s: s.rc.pk),
    "elections:open": E(NOBODY, body_pk=lambda s: s.rc.pk),
    "elections:election": E(NOBODY, pk=lambda s: MISSING),
    "elections:nominate": E(NOBODY, pk=lambda s: MISSING),
    "elections:second": E(NOBODY, pk=lambda s: MISSING, candidacy_pk=lambda s: MISSING),
    "elections:accept": E(NOBODY, pk=lambda s: MISSING, candidacy_pk=lambda s: MISSING),
    "elections:withdraw": E(NOBODY, pk=lambda s: MISSING, candidacy_pk=lambda s: MISSING),
    "elections:close": E(NOBODY, pk=lambda s: MISSING),
    "elections:ballot": E(NOBODY, pk=lambda s: MISSING),
    "elections:reopen": E(NOBODY, pk=lambda s: MISSING),
    "elections:seat": E(NOBODY, pk=lambda s: MISSING),
    "elections:results": E(NOBODY, pk=lambda s: MISSING),
    "record:list": E(EVERYONE),
    "record:log": E(EVERYONE),
    "record:head": E(EVERYONE),
    "record:checkpoint": E(EVERYONE),
    "record:key": E(EVERYONE),
    "record:inclusion": E(NOBODY),  # needs its query; without it a 400 for everyone
    "record:consistency": E(NOBODY),
    "record:entry": E(EVERYONE, index=lambda s: 0),
    "record:receipt": E(EVERYONE, index=lambda s: 0),
    "rulebook:rules": E(EVERYONE),
    "help:index": E(EVERYONE),
    "help:role": E(EVERYONE, role=lambda s: "member"),
    "api:openapi-json": E(EVERYONE),
    "api:openapi-view": E(EVERYONE),
    "api:api-root": E(NOBODY),
    # Money: every member sees the bands, the open funds and their own dues and receipts; a unit's
    # dues, statements and accounts are for those who keep them and for the auditing body.
    "money:home": E(MEMBERS),
    # The bands in force for every member; the decision's form for the Congress's delegates (none
    # of the roles is one), and an empty form records nothing.
    "money:bands": E(MEMBERS),
    "money:unit": E(AUDITS_KARACHI, pk=karachi),
    "money:pay": E(KEEPS_KARACHI, pk=karachi),  # a form: the empty one records nothing
    "money:band": E(NOBODY, pk=karachi),  # POST only
    "money:bulk": E(KEEPS_KARACHI, pk=karachi),
    "money:import": E(KEEPS_KARACHI, pk=karachi),
    "money:accounts": E(AUDITS_KARACHI, pk=karachi, year=this_year),
    "money:accounts_csv": E(AUDITS_KARACHI, pk=karachi, year=this_year),
    "money:statement": E(AUDITS_KARACHI, pk=statement),
    "money:assign_row": E(NOBODY, pk=statement, line=review_line),  # needs the member's number
    # Setting a line aside needs nothing more: the treasurers do it (the auditor is refused).
    "money:discard_row": E(NOBODY, write=KEEPS_KARACHI, pk=statement, line=review_line),
    "money:funds": E(MEMBERS),
    "money:new_fund": E(KEEPS_KARACHI),  # the form, for those who keep a unit's accounts
    "money:fund": E(
        MEMBERS,
        secret=lambda s: s.receipt.receipt_number,  # who gave: those who keep or audit, and Alice
        secret_to=AUDITS_KARACHI | {"alice"},
        pk=lambda s: s.fund.pk,
    ),
    "money:pledge": E(NOBODY, pk=lambda s: s.fund.pk),  # POST only; the empty pledge is no pledge
    "money:receive": E(NOBODY, pk=lambda s: s.fund.pk),
    "money:receipt": E(AUDITS_KARACHI | {"alice"}, pk=lambda s: s.receipt.pk),  # Alice paid
    # Conferences: every member sees them, their programmes, counts and reports; the organizers'
    # pages are the organizers'.
    "conferences:index": E(MEMBERS),
    # The form to convene: any member may ask; the rulebook judges the CC's decision when sent.
    "conferences:convene": E(MEMBERS),
    "conferences:credentials": E(SEES_CREDENTIALS, pk=conference),
    # A branch's delegates to a congress: the scene's conference is not a congress.
    "conferences:delegates": E(NOBODY, pk=conference, unit_pk=karachi),
    "conferences:detail": E(
        MEMBERS, secret=lambda s: s.commission.chair.code, secret_to=ORGANIZES, pk=conference
    ),  # a badge's code is its holder's
    # Every member in good standing registers themself while registration is open (the
    # conference asks nothing that must be answered: the empty form registers).
    "conferences:register": E(NOBODY, write=MEMBERS, pk=conference),
    "conferences:observers": E(ORGANIZES, pk=conference),
    "conferences:checkin": E(ORGANIZES, pk=conference),
    "conferences:programme": E(ORGANIZES, pk=conference),
    "conferences:counts": E(MEMBERS, secret=badge, secret_to=ORGANIZES, pk=conference),
    "conferences:badges": E(ORGANIZES, pk=conference),
    "conferences:report": E(MEMBERS, secret=badge, secret_to=ORGANIZES, pk=conference),
    "conferences:report_pdf": E(MEMBERS, pk=conference),
    "conferences:report_pdf_make": E(NOBODY, write=MEMBERS, pk=conference),  # POST: every member may have it made
    "conferences:commission_decide": E(NOBODY, pk=lambda s: s.commission.pk),  # POST only
    # Dashboards: every member sees the organization's figures without names; a unit's dashboard
    # and the names behind a figure are for those on a body of that unit or above it.
    "dashboards:top": E(MEMBERS, secret=lambda s: s.cast.farhan.name),  # no names
    "dashboards:top_export": E(MEMBERS),
    "dashboards:unit": E(ON_KARACHI_BODIES, pk=karachi),
    "dashboards:export": E(ON_KARACHI_BODIES, pk=karachi),
    "dashboards:top_figure": E(ON_TOP_BODIES, key=lambda s: "members"),
    "dashboards:top_figure_csv": E(ON_TOP_BODIES, key=lambda s: "members"),
    "dashboards:figure": E(ON_KARACHI_BODIES, pk=karachi, key=lambda s: "members"),
    "dashboards:figure_csv": E(ON_KARACHI_BODIES, pk=karachi, key=lambda s: "members"),
    # The conference's floor. Its chair and moderators are the members of the body that convened it
    # (the Central Committee: Sara and Zainab of the roles), and the hall screen is theirs, or a
    # participant's with their badge's code. A badge's code opens its phone: whoever holds it.
    # Who may use the floor further is tested in charter/floor/tests (test_live, test_pages).
    "floor:hall": E(ORGANIZES, pk=conference),
    "floor:live": E(NOBODY, pk=lambda s: MISSING),  # an endless stream: not walked with a real id
    "floor:chair": E(ORGANIZES, pk=conference),
    "floor:chair_act": E(NOBODY, pk=conference, name=lambda s: "next"),
    "floor:my_phone": E(NOBODY, pk=conference),  # Sara is sent on to her phone
    "floor:phone": E(EVERYONE, pk=conference, code=badge),
    **{
        f"floor:{name}": E(NOBODY, pk=conference, code=badge)
        for name in (
            "speak",
            "withdraw",
            "question",
            "vote",
            "support",
            "resolution",
            "amendment",
        )
    },
}

# Long operations (charter/progress): whoever started one, and whoever its app lets see the result.
# The scene's bank statement import is followed by those who keep or audit Karachi Central's
# accounts; the conference report's PDF by every member (it is every member's report).
WEB.update({
    "progress:operations": E(SIGNED_IN, secret=lambda s: "Importing a bank statement", secret_to=AUDITS_KARACHI),
    "progress:operation": E(AUDITS_KARACHI, pk=lambda s: s.statement_operation.pk),
    "progress:output": E(MEMBERS, pk=lambda s: s.report_operation.pk),
})

# API operations: "METHOD /path" as in /api/openapi.json.
API: dict[str, Expect] = {
    "GET /api/me": E(MEMBERS),
    "GET /api/members/{member_id}": E(SEES_TARIQ, member_id=lambda s: s.tariq.pk),
    "GET /api/units/{unit_id}": E(EVERYONE, unit_id=lambda s: s.sindh.pk),
    "GET /api/bodies/{body_id}": E(EVERYONE, body_id=lambda s: s.rc.pk),
    "GET /api/meetings/{meeting_id}": E(
        EVERYONE,
        secret=lambda s: s.cast.saima.name,
        secret_to=ON_RC,
        meeting_id=lambda s: s.meeting.pk,
    ),
    "POST /api/bodies/{body_id}/meetings": E(NOBODY, body_id=lambda s: s.rc.pk),
    "GET /api/cases": E(MEMBERS),
    "GET /api/cases/{case_id}": E(CASE_FILE, case_id=case),
    "POST /api/members/{member_id}/charges": E(NOBODY, member_id=lambda s: s.alice.pk),
    "POST /api/members/{member_id}/measures": E(NOBODY, member_id=lambda s: s.alice.pk),
    **{
        f"POST /api/cases/{{case_id}}/{op}": E(NOBODY, case_id=case)
        for op in (
            "delivery",
            "reply",
            "companion",
            "hearing",
            "recusals",
            "minutes",
            "interim",
            "measure",
            "appeal",
            "appeal/hearing",
            "appeal/decision",
            "referral",
            "referral/decision",
        )
    },
    "GET /api/initiatives": E(MEMBERS),
    "POST /api/initiatives": E(NOBODY, write=MEMBERS),
    "GET /api/initiatives/{initiative_id}": E(MEMBERS, initiative_id=lambda s: s.initiative.pk),
    "POST /api/initiatives/{initiative_id}/signature": E(
        NOBODY, write=MEMBERS, initiative_id=lambda s: s.initiative.pk
    ),
    "DELETE /api/initiatives/{initiative_id}/signature": E(
        NOBODY, write={"alice"}, initiative_id=lambda s: s.initiative.pk
    ),
    "POST /api/initiatives/{initiative_id}/stop": E(
        NOBODY, initiative_id=lambda s: s.initiative.pk
    ),
    "POST /api/initiatives/{initiative_id}/text": E(
        NOBODY, initiative_id=lambda s: s.initiative.pk
    ),
    "POST /api/bodies/{body_id}/polls": E(NOBODY, body_id=lambda s: s.rc.pk),
    "GET /api/polls/{poll_id}": E(ON_RC, poll_id=poll),
    "POST /api/polls/{poll_id}/open": E(NOBODY, poll_id=poll),
    "POST /api/polls/{poll_id}/close": E(NOBODY, write=ON_RC, poll_id=poll),
    "POST /api/polls/{poll_id}/publish": E(NOBODY, write=ON_RC, poll_id=poll),
    "POST /api/polls/{poll_id}/secret-ballot": E(NOBODY, poll_id=poll),
    "POST /api/polls/{poll_id}/votes": E(NOBODY, write=ON_RC, poll_id=poll),
    "GET /api/polls/{poll_id}/voted": E(ON_RC, poll_id=poll),
    "GET /api/polls/{poll_id}/turnout": E(ON_RC, poll_id=poll),
    "GET /api/polls/{poll_id}/results": E(NOBODY, poll_id=poll),
    "GET /api/polls/{poll_id}/ballots": E(NOBODY, poll_id=poll),
    "POST /api/polls/{poll_id}/paper-batches": E(NOBODY, poll_id=poll),
    "GET /api/record/head": E(EVERYONE),
    "GET /api/record/entries": E(EVERYONE),
    "GET /api/record/entries/{index}": E(EVERYONE, index=lambda s: 0),
    "GET /api/rules": E(EVERYONE),
    "GET /api/rules/acts/{act}": E(EVERYONE, act=lambda s: "frame_charge"),
    "POST /api/rules/check": E(NOBODY),
    "GET /api/conferences/{pk}/phones/{code}/hall": E(EVERYONE, pk=conference, code=badge),
    "POST /api/conferences/{pk}/phones/{code}/questions": E(NOBODY, pk=conference, code=badge),
    "POST /api/conferences/{pk}/phones/{code}/speak": E(NOBODY, pk=conference, code=badge),
    "GET /api/conferences/{pk}/question-counts": E(ORGANIZES, pk=conference),
    "GET /api/money/bands": E(MEMBERS),
    "POST /api/money/bands": E(NOBODY),
    "GET /api/money/me": E(MEMBERS),
    "GET /api/money/units/{unit_id}/arrears": E(AUDITS_KARACHI, unit_id=karachi),
    "GET /api/money/units/{unit_id}/accounts/{year}": E(
        AUDITS_KARACHI, unit_id=karachi, year=this_year
    ),
    "POST /api/money/payments": E(NOBODY),
    "POST /api/money/payments/bulk": E(NOBODY),
    "POST /api/money/units/{unit_id}/statements": E(NOBODY, unit_id=karachi),  # needs the file
    "GET /api/money/statements/{statement_id}": E(AUDITS_KARACHI, statement_id=statement),
    "POST /api/money/statements/{statement_id}/lines/{line}/assign": E(
        NOBODY, statement_id=statement, line=review_line
    ),
    "POST /api/money/statements/{statement_id}/lines/{line}/discard": E(
        NOBODY, write=KEEPS_KARACHI, statement_id=statement, line=review_line
    ),
    "GET /api/money/funds": E(MEMBERS),
    "POST /api/money/funds": E(NOBODY),
    "GET /api/money/funds/{fund_id}": E(
        MEMBERS,
        secret=lambda s: s.receipt.receipt_number,
        secret_to=AUDITS_KARACHI | {"alice"},
        fund_id=lambda s: s.fund.pk,
    ),
    # Every member pledges for themself; money is received by an officer who keeps the accounts of
    # a unit within the fund's (Bilal for Karachi Central, Rashid for Sindh).
    "POST /api/money/funds/{fund_id}/pledges": E(
        NOBODY, write=MEMBERS, fund_id=lambda s: s.fund.pk
    ),
    "POST /api/money/funds/{fund_id}/contributions": E(
        NOBODY, write=KEEPS_KARACHI, fund_id=lambda s: s.fund.pk
    ),
    # The dashboard as the pages show it: every member the whole organization without names.
    "GET /api/dashboard": E(MEMBERS, secret=lambda s: s.cast.farhan.name),
    "GET /api/dashboard/units/{unit_id}": E(ON_KARACHI_BODIES, unit_id=karachi),
    "GET /api/dashboard/figures/{key}": E(ON_TOP_BODIES, key=lambda s: "members"),
    "GET /api/dashboard/units/{unit_id}/figures/{key}": E(
        ON_KARACHI_BODIES, unit_id=karachi, key=lambda s: "members"
    ),
    "GET /api/conferences": E(MEMBERS),
    "POST /api/conferences": E(NOBODY),
    "GET /api/conferences/{conference_id}/counts": E(MEMBERS, conference_id=conference),
    "GET /api/conferences/{conference_id}/registration": E(ORGANIZES, conference_id=conference),
    # Every member in good standing registers themself while registration is open.
    "POST /api/conferences/{conference_id}/registration": E(
        NOBODY, write=MEMBERS, conference_id=conference
    ),
    "POST /api/conferences/{conference_id}/check-ins": E(NOBODY, conference_id=conference),
    # Only a participant registered with a vote disputes another's credentials: Sara is the only
    # participant, and nobody disputes their own.
    "POST /api/conferences/{conference_id}/participants/{participant_id}/disputes": E(
        NOBODY, conference_id=conference, participant_id=lambda s: s.commission.chair_id
    ),
    "POST /api/conferences/{conference_id}/participants/{participant_id}/credentials": E(
        NOBODY, conference_id=conference, participant_id=lambda s: s.commission.chair_id
    ),
}

# The payloads writes are tried with: a plausible act, so a refusal is the rules' and not a typo's.
PAYLOADS: dict[str, dict[str, Any]] = {
    "POST /api/conferences/{conference_id}/participants/{participant_id}/disputes": {
        "grounds": "Not elected by her branch."
    },
    "POST /api/polls/{poll_id}/votes": {"vote": "yes", "idempotency_key": "walk"},
    "POST /api/members/{member_id}/charges": {
        "body_id": 0,
        "grounds": ["breach_of_document"],
        "facts": "x",
    },
    "POST /api/initiatives": {"kind": "investigation", "title": "x", "text": "x"},
    "POST /api/money/funds/{fund_id}/pledges": {"amount": "100"},
    "POST /api/money/funds/{fund_id}/contributions": {
        "amount": "100",
        "method": "cash",
        "payer": "A friend of the branch",
    },
    "POST /api/conferences/{conference_id}/check-ins": {"code": "NOCODE"},
}

# --- the scene ------------------------------------------------------------------------------------


@dataclass
class Scene:
    cast: Any
    case: Any
    poll: Any
    meeting: Any
    initiative: Any
    notice: Any
    fund: Any
    receipt: Any
    statement: Any
    conference: Any
    commission: Any
    statement_operation: Any = None
    report_operation: Any = None

    def __getattr__(self, name: str) -> Any:
        if name in ("rc", "sindh"):
            return self.cast.bodies["rc"] if name == "rc" else self.cast.sindh
        return getattr(self.cast, name)


@pytest.fixture
def scene(cast) -> Scene:  # type: ignore[no-untyped-def]
    from charter.conferences.actions import (
        add_commission,
        convene_conference,
        register_for_conference,
    )
    from charter.initiatives.actions import start_initiative
    from charter.money.actions import import_bank_statement, open_fund, receive_contribution
    from charter.record.checkpoints import sign_if_due
    from charter.voting.actions import create_poll, open_poll

    the_case = story.deliver(cast, story.frame(cast))  # clock: 2026-09-01; Tariq is notified
    rc = cast.bodies["rc"]
    present = story.seated(rc)
    meeting = hold(rc, by=cast.rashid, present=present, notice_days=8)
    the_poll = open_poll(
        create_poll(
            rc,
            by=cast.rashid,
            title="Adopt the plan",
            method="yes_no",
            mode="secret",
            meeting=meeting,
        ),
        by=cast.rashid,
    )
    initiative = start_initiative(
        by=cast.alice,
        kind="investigation",
        title="Investigate",
        text="How were the expulsions decided?",
    )
    notice = Notice.objects.filter(member=cast.tariq).order_by("pk").first()
    assert notice is not None
    # Money: an appeal of the Sindh region opened by its Regional Secretary; Alice's contribution,
    # received by her branch's secretary; a bank statement of Karachi Central with a line to review.
    fund = open_fund(kind="appeal", unit=cast.sindh, title="Flood relief", by=cast.rashid)
    receipt = receive_contribution(
        fund, by=cast.bilal, amount="500", method="cash", member=cast.alice
    )
    statement = import_bank_statement(
        unit=cast.karachi,
        by=cast.bilal,
        data=b"Date,Description,Amount,Balance\n2026-08-30,GIFT FROM A FRIEND,50.00,50\n",
        filename="august.csv",
    )
    # A national conference convened by the Central Committee at its meeting, Sara organizing and
    # chairing its commission.
    cc = cast.bodies["cc"]
    cc_meeting = hold(cc, by=cast.sara, present=[cast.sara, cast.zainab, *cast.cc_members])
    conference = convene_conference(
        decision=Decision(by=cast.sara, body=cc, meeting=cc_meeting, votes=Votes(12, 0, 0)),
        kind="conference",
        title="National Conference",
        venue="City Hall",
        starts_on=dt.date(2026, 10, 10),
        ends_on=dt.date(2026, 10, 11),
        registration_closes_on=dt.date(2026, 10, 9),
        organizers=[cast.sara],
    )
    chair = register_for_conference(conference, by=cast.sara)
    commission = add_commission(conference, by=cast.sara, name="Trade unions", chair=chair)
    sign_if_due()  # a signed checkpoint, for the receipts
    # Two long operations, as their pages start them: a statement of Karachi Central (waiting for
    # the worker) and the conference report's PDF (made by the worker).
    from charter.conferences import tasks as conference_tasks
    from charter.money import operations as money_operations
    from charter.progress.background import QUEUE, run_queued
    from charter.progress.background import start as start_operation

    statement_operation = money_operations.start(
        unit=cast.karachi, by=cast.bilal, user=None, data=b"Date,Text,Amount\n2026-08-31,GIFT,10\n", filename="more.csv"
    )
    report_operation = start_operation(
        conference_tasks.KIND, by=None, subject_id=conference.pk, task=conference_tasks.make_report_pdf, args=(conference.pk,)
    )
    run_queued(queues=(QUEUE,), limit=2)
    statement_operation.refresh_from_db()
    report_operation.refresh_from_db()
    assert report_operation.state == "done" and statement_operation.state == "done"
    return Scene(
        cast,
        the_case,
        the_poll,
        meeting,
        initiative,
        notice,
        fund,
        receipt,
        statement,
        conference,
        commission,
        statement_operation,
        report_operation,
    )


def clients(scene: Scene) -> Iterator[tuple[str, Client]]:
    for role in sorted(EVERYONE):
        c = Client()
        if role == "anonymous":
            pass
        elif role == "nadia":
            login_user(c, User.objects.create_user("nadia"))
        elif role == "staff":
            login_user(c, User.objects.create_superuser("ops", password=None))
        else:
            member = getattr(scene, role)
            user = User.objects.create_user(role)
            Member.objects.filter(pk=member.pk).update(user=user)
            login_user(c, user)
        yield role, c


# --- the routes -----------------------------------------------------------------------------------


def web_routes() -> dict[str, str]:
    """Every named URL pattern (outside the admin site, which is Django's and read-only), by name."""
    out: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, ns: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(
                    p.url_patterns,
                    prefix + str(p.pattern),
                    ns + (f"{p.namespace}:" if p.namespace else ""),
                )
            elif isinstance(p, URLPattern):
                name = ns + (p.name or str(p.pattern))
                if name.startswith("api:") and getattr(p.callback, "__module__", "").startswith(
                    "ninja.operation"
                ):
                    continue  # API operations are walked through the schema
                out[name] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns, "/", "")
    return out


def api_operations() -> dict[str, str]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    return {
        f"{method.upper()} {path}": path
        for path, methods in schema["paths"].items()
        for method in methods
    }


def url_of(route: str, kwargs: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[-1]
        return str(kwargs[name])

    return re.sub(r"<([^>]+)>", fill, route)


def api_url(path: str, kwargs: dict[str, Any]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), path)


def footprint() -> dict[str, int]:
    """The size of every table of the organization's data; the record without refusals (an officer's
    refused attempt is recorded on purpose, and so is the motion of a body's vote that fell short)."""
    out: dict[str, int] = {}
    for model in apps.get_models():
        label = model._meta.label
        if not label.startswith(
            (
                "members.",
                "org.",
                "rulebook.",
                "record.",
                "notices.",
                "meetings.",
                "discipline.",
                "initiatives.",
                "voting.",
                "elections.",
                "money.",
                "conferences.",
                "floor.",
                "dashboards.",
            )
        ):
            continue
        if label == "record.Entry":
            out[label] = Entry.objects.exclude(
                Q(body__contains='"outcome":"refused"') | Q(body__contains='"outcome":"lost"')
            ).count()
        elif label in ("record.Node", "record.EntrySubject", "record.Checkpoint"):
            continue  # they follow the record's entries
        else:
            out[label] = model._default_manager.count()
    return out


# --- the tests ------------------------------------------------------------------------------------


def test_every_route_and_operation_has_an_expectation():
    missing = sorted(set(web_routes()) - set(WEB)) + sorted(set(api_operations()) - set(API))
    assert not missing, (
        "These routes or API operations have no access expectation in charter/accounts/tests/test_access_walk.py "
        "(add each to WEB or API, saying who may read it and who may act through it):\n  "
        + "\n  ".join(missing)
    )
    stale = sorted(set(WEB) - set(web_routes())) + sorted(set(API) - set(api_operations()))
    assert not stale, "Expectations for routes that no longer exist: " + ", ".join(stale)


scene_of: list[Any] = []
DENIED_STATUSES = {302, 400, 401, 403, 404, 405, 409, 422, 429}


def _check_get(
    role: str, c: Client, label: str, url: str, expect: Expect, problems: list[str]
) -> None:
    r = c.get(url)
    if r.status_code == 200 and r.get("Content-Type", "").startswith("text/html"):
        csp = r.get("Content-Security-Policy", "")
        if "frame-ancestors 'none'" not in csp or "unsafe-inline" in csp or "unsafe-eval" in csp:
            problems.append(f"{role} GET {url}: Content-Security-Policy missing or weak: {csp!r}")
    if (
        expect.secret is not None
        and role not in expect.secret_to
        and expect.secret(scene_of[0]) in r.content.decode(errors="replace")
    ):
        problems.append(
            f"{role} GET {url} ({label}): shows what only {sorted(expect.secret_to)} may read"
        )
    if role in expect.read:
        if r.status_code != 200:
            problems.append(f"{role} GET {url} ({label}): {r.status_code}, expected 200")
    elif r.status_code == 200 or r.status_code not in DENIED_STATUSES:
        problems.append(
            f"{role} GET {url} ({label}): {r.status_code}; the rules grant {role} no access"
        )
    elif (
        r.status_code == 302
        and role == "anonymous"
        and "/accounts/login/" not in r["Location"]
        and label not in ("home", "admin_login")
    ):
        problems.append(
            f"{role} GET {url} ({label}): redirected to {r['Location']}, not to sign in"
        )


def _check_write(
    role: str,
    c: Client,
    label: str,
    method: str,
    url: str,
    expect: Expect,
    payload: dict[str, Any],
    api_op: bool,
    problems: list[str],
) -> None:
    if role in expect.write:
        return  # a granted act: the app's own tests follow it through
    before = footprint()
    if api_op:
        r = c.generic(
            method, url, data=__import__("json").dumps(payload), content_type="application/json"
        )
    else:
        r = c.post(url, payload)
    after = footprint()
    if after != before:
        changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
        problems.append(
            f"{role} {method} {url} ({label}): {r.status_code} and wrote {changed}; the rules grant {role} no such act"
        )


def test_no_role_gets_what_the_rules_do_not_grant(scene):
    problems: list[str] = []
    routes = web_routes()
    operations = api_operations()
    scene_of[:] = [scene]
    walkers = list(clients(scene))
    for role, c in walkers:
        for name, route in sorted(routes.items()):
            expect = WEB[name]
            url = url_of(route, expect.kw(scene))
            _check_get(role, c, name, url, expect, problems)
        for op, path in sorted(operations.items()):
            expect = API[op]
            url = api_url(path, expect.kw(scene))
            if op.startswith("GET "):
                _check_get(role, c, op, url, expect, problems)
    # Writes after every read: a write that is granted (a chair closing the poll) changes the scene.
    for role, c in walkers:
        for name, route in sorted(routes.items()):
            expect = WEB[name]
            if name in ("accounts:login", "accounts:logout"):
                continue  # signing in and out: test_signin
            _check_write(
                role, c, name, "POST", url_of(route, expect.kw(scene)), expect, {}, False, problems
            )
        for op, path in sorted(operations.items()):
            expect = API[op]
            method = op.split()[0]
            if method == "GET":
                continue
            _check_write(
                role,
                c,
                op,
                method,
                api_url(path, expect.kw(scene)),
                expect,
                PAYLOADS.get(op, {}),
                True,
                problems,
            )
    assert not problems, f"{len(problems)} grants the rules do not make:\n" + "\n".join(problems)


def test_a_route_added_without_an_expectation_fails_the_walk_by_name(settings):
    settings.ROOT_URLCONF = "charter.accounts.tests.extra_urls"
    with pytest.raises(AssertionError, match=r"no access expectation(.|\n)*brand_new"):
        test_every_route_and_operation_has_an_expectation()
