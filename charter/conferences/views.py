from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charter.conferences import actions, documents, queries, tasks
from charter.conferences.forms import (
    AttributesForm,
    CheckInForm,
    CommissionDecisionForm,
    CommissionForm,
    ConveneForm,
    CredentialsForm,
    DelegateBallotForm,
    DisputeForm,
    ItemForm,
    ObserverForm,
    SeatDelegatesForm,
    SessionForm,
)
from charter.conferences.models import (
    Commission,
    Conference,
    CredentialDecision,
    CredentialDispute,
    DelegateAllocation,
    Participant,
    Session,
)
from charter.conferences.permissions import (
    deciding_kinds,
    get_chaired_commission_for,
    get_conference_for,
    get_credentials_conference_for,
    get_delegation_for,
    get_organized_conference_for,
    own_registration,
    sits_on_a_body_of,
)
from charter.conferences.queries import organizes
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.meetings.models import Meeting
from charter.members import permissions
from charter.members.models import Member
from charter.progress import background
from charter.progress.permissions import shown_on_page
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.refusal import render_refusal, translated_breaches
from charter.voting.models import Poll

T = TypeVar("T")


def refused(request: HttpRequest, refusal: Refused) -> HttpResponse:
    from charter.rulebook.store import rulebook_on

    try:
        name = str(rulebook_on(clock.today()).act(refusal.verdict.act)["name"]).lower()
    except KeyError:
        name = refusal.verdict.act
    context = {
        "breaches": translated_breaches(refusal),
        "act_name": name,
        "entry_index": refusal.entry_index,
    }
    return render(request, "refused.html", context, status=403)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    permissions.member_of(request.user)
    rows = Conference.objects.select_related("body").order_by("-starts_on")[:50]
    return render(request, "conferences/index.html", {"rows": rows, "today": clock.today()})


def _register_form(conference: Conference, data: object = None) -> AttributesForm:
    return AttributesForm(data, attributes=conference.attributes or [], skip=("region",))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    conference, viewer = get_conference_for(request.user, pk)
    mine = Participant.objects.filter(conference=conference, member=viewer).first()
    sessions = (
        Session.objects.filter(conference=conference)
        .select_related("commission")
        .prefetch_related("items", "items__lead_off")
    )
    commissions = (
        Commission.objects.filter(conference=conference)
        .select_related("chair", "recommends_to")
        .prefetch_related("decisions")
    )
    today = clock.today()
    closes = conference.registration_closes_on or conference.ends_on
    context = {
        "c": conference,
        "mine": mine,
        "qr": mark_safe(documents.qr_svg(mine.code)) if mine else "",  # noqa: S308 - made by segno from our own code
        "sessions": sessions,
        "commissions": commissions,
        "open": today <= closes and conference.state != Conference.State.CLOSED,
        "form": _register_form(conference),
        "organizer": conference.organizers.filter(pk=viewer.pk).exists(),
        "chairs": [
            cm for cm in commissions if cm.chair is not None and cm.chair.member_id == viewer.pk
        ],
        "decision_form": CommissionDecisionForm(),
        "allocations": queries.allocations(conference)
        if conference.kind == Conference.Kind.CONGRESS
        else [],
        "sees_credentials": organizes(conference, viewer)
        or sits_on_a_body_of(viewer, deciding_kinds("decide_credentials")),
        "delegation": _delegation_of(conference, viewer),
    }
    return render(request, "conferences/detail.html", context)


def _delegation_of(conference: Conference, viewer: Member) -> DelegateAllocation | None:
    """The allocation of the viewer's own unit at a congress, for the link to its delegates' page."""
    if conference.kind != Conference.Kind.CONGRESS:
        return None
    units = [viewer.branch, *viewer.branch.ancestors()]
    return (
        DelegateAllocation.objects.select_related("unit")
        .filter(conference=conference, unit__in=units)
        .first()
    )


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    conference, viewer = get_conference_for(request.user, pk)
    form = _register_form(conference, request.POST)
    if form.is_valid():
        try:
            actions.register_for_conference(conference, by=viewer, attributes=form.cleaned_data)
        except Refused as refusal:
            return refused(request, refusal)
        except InvalidInput as exc:
            messages.error(request, str(exc))
            return redirect("conferences:detail", conference.pk)
        messages.success(
            request, _("You are registered. Your badge and its code are on this page.")
        )
        return redirect("conferences:detail", conference.pk)
    messages.error(request, _("Check the answers and try again."))
    return redirect("conferences:detail", conference.pk)


@login_required
def observers(request: HttpRequest, pk: int) -> HttpResponse:
    conference, viewer = get_organized_conference_for(request.user, pk)
    form = ObserverForm(request.POST or None, attributes=conference.attributes or [])
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        name, category = d.pop("name"), d.pop("category")
        try:
            actions.register_observer(
                conference, by=viewer, name=name, category=category, attributes=d
            )
        except Refused as refusal:
            return refused(request, refusal)
        except InvalidInput as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, _("Registered without vote: %(name)s.") % {"name": name})
            return redirect("conferences:observers", conference.pk)
    rows = Participant.objects.filter(
        conference=conference, category__in=["observer", "guest"]
    ).order_by("name")
    return render(
        request,
        "conferences/observers.html",
        {"c": conference, "form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@login_required
def checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The door: scan a badge with the phone's camera (checkin.js) or type its code."""
    conference, viewer = get_organized_conference_for(request.user, pk)
    form = CheckInForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            row, created = actions.check_in(conference, by=viewer, code=form.cleaned_data["code"])
        except Refused as refusal:
            form.add_error(
                "code",
                "; ".join(f"{b['message']} ({b['article']})" for b in translated_breaches(refusal)),
            )
            status = 400
        except InvalidInput as exc:
            form.add_error("code", str(exc))
            status = 400
        else:
            result = {"participant": row.participant, "created": created}
            form = CheckInForm()
    elif form.errors:
        status = 400
    context = {
        "c": conference,
        "form": form,
        "result": result,
        "counts": queries.counts(conference),
        "today": clock.today(),
    }
    return render(request, "conferences/checkin.html", context, status=status)


@login_required
def counts(request: HttpRequest, pk: int) -> HttpResponse:
    """Live counts by day, category and region (the check-in page polls this partial)."""
    conference, _viewer = get_conference_for(request.user, pk)
    return render(
        request, "conferences/_counts.html", {"c": conference, "counts": queries.counts(conference)}
    )


@login_required
def badges(request: HttpRequest, pk: int) -> HttpResponse:
    conference, _viewer = get_organized_conference_for(request.user, pk)
    people = list(Participant.objects.filter(conference=conference).order_by("name", "pk"))
    pdf = documents.badges_pdf(people, title=conference.title)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badges-{conference.pk}.pdf"'
    return response


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    conference, _viewer = get_conference_for(request.user, pk)
    r = queries.report(conference)
    charts = [
        mark_safe(
            documents.bar_chart(
                [(label, n) for label, n, _p in r.categories], title=_("Registered by category")
            )
        )
    ]  # noqa: S308 - escaped by bar_chart
    charts += [
        mark_safe(documents.bar_chart([(label, n) for label, n, _p in b.rows], title=b.label))
        for b in r.breakdowns
    ]  # noqa: S308
    questions = (r.floor or {}).get("questions") or {}
    sessions = [(s, questions.get(s.pk)) for s in r.sessions]
    return render(
        request,
        "conferences/report.html",
        {
            "r": r,
            "c": conference,
            "charts": charts,
            "sessions": sessions,
            "operation": shown_on_page(request, tasks.KIND, conference.pk),
        },
    )


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    conference, _viewer = get_conference_for(request.user, pk)
    response = HttpResponse(
        documents.report_pdf(queries.report(conference)), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="conference-{conference.pk}-report.pdf"'
    return response


@login_required
@require_POST
def report_pdf_make(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the PDF in the background; the report page follows its progress, then offers the file."""
    conference, _viewer = get_conference_for(request.user, pk)
    op = background.start(
        tasks.KIND,
        by=request.user,
        subject_id=conference.pk,
        task=tasks.make_report_pdf,
        args=(conference.pk,),
    )
    return redirect(f"{reverse('conferences:report', args=[conference.pk])}?operation={op.pk}")


@login_required
@require_POST
def commission_decide(request: HttpRequest, pk: int) -> HttpResponse:
    commission, viewer = get_chaired_commission_for(request.user, pk)
    form = CommissionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the decision and the votes."))
        return redirect("conferences:detail", commission.conference_id)
    try:
        row = actions.decide_in_commission(commission, by=viewer, **form.cleaned_data)
    except Refused as refusal:
        if refusal.outcome == "lost":
            messages.info(
                request, _("The decision did not reach the majority; nothing was adopted.")
            )
            return redirect("conferences:detail", commission.conference_id)
        return refused(request, refusal)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("conferences:detail", commission.conference_id)
    messages.success(
        request, _("Decision %(n)s adopted and sent as a recommendation.") % {"n": row.number}
    )
    return redirect("conferences:detail", commission.conference_id)


@login_required
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    """Organizers set the programme: sessions (a commission's run in parallel), items with who
    leads off and their time, and commissions with their chair."""
    conference, viewer = get_organized_conference_for(request.user, pk)
    commissions = Commission.objects.filter(conference=conference)
    sessions = Session.objects.filter(conference=conference)
    which = request.POST.get("form") if request.method == "POST" else None
    forms = {
        "session": SessionForm(
            request.POST if which == "session" else None, commissions=commissions, prefix="s"
        ),
        "item": ItemForm(request.POST if which == "item" else None, sessions=sessions, prefix="i"),
        "commission": CommissionForm(request.POST if which == "commission" else None, prefix="c"),
    }
    form = forms.get(which or "")
    if form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            if which == "session":
                actions.add_session(
                    conference,
                    by=viewer,
                    day=d["day"],
                    title=d["title"],
                    starts_at=d["starts_at"],
                    commission=d["commission"],
                )
            elif which == "item":
                actions.add_item(
                    d["session"],
                    by=viewer,
                    title=d["title"],
                    lead_off_name=d["lead_off_name"],
                    minutes=d["minutes"],
                    speaking_seconds=d["speaking_seconds"],
                )
            else:
                code = actions.normal_code(d["chair_code"])
                chair = (
                    Participant.objects.filter(conference=conference, code=code).first()
                    if code
                    else None
                )
                if code and chair is None:
                    raise InvalidInput(
                        _("No participant has the badge code %(code)s.") % {"code": code}
                    )
                codes = [
                    actions.normal_code(x) for x in d["member_codes"].replace(",", " ").split()
                ]
                members = list(Participant.objects.filter(conference=conference, code__in=codes))
                unknown = sorted(set(codes) - {p.code for p in members})
                if unknown:
                    raise InvalidInput(
                        _("No participant has the badge code %(code)s.")
                        % {"code": ", ".join(unknown)}
                    )
                actions.add_commission(
                    conference, by=viewer, name=d["name"], chair=chair, members=members
                )
        except Refused as refusal:
            return refused(request, refusal)
        except InvalidInput as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The programme was updated."))
            return redirect("conferences:programme", conference.pk)
    status = 400 if form is not None and form.errors else 200
    return render(
        request, "conferences/programme.html", {"c": conference, "forms": forms}, status=status
    )


# --- decisions of bodies: convening, credentials, delegates -----------------------------------------


def _attempt(request: HttpRequest, form: Any, call: Callable[[], T]) -> tuple[T | None, Any]:
    """Run an action for a form: its result; or the refusal page with the rules' articles (a
    decision short of its majority too); or the action's bad input said next to its field
    (``"starts_on: …"``), else above the form."""
    try:
        return call(), None
    except Refused as refusal:
        return None, render_refusal(request, refusal)
    except InvalidInput as exc:
        text = str(exc)
        field, _sep, _rest = text.partition(":")
        form.add_error(field if field in form.fields else None, text)
        return None, None


def _held_meetings(kinds: list[str]) -> Any:
    return (
        Meeting.objects.filter(body__kind__in=kinds, state=Meeting.State.HELD)
        .select_related("body")
        .order_by("-starts_at")[:20]
    )


def _decision(viewer: Member, d: dict[str, Any]) -> Decision:
    meeting = Meeting.objects.select_related("body", "body__unit").get(pk=d["meeting"])
    votes = J.Votes(d["votes_yes"], d["votes_no"], d["votes_abstain"])
    return Decision(
        by=viewer, body=meeting.body, meeting=meeting, votes=votes, reasons=d.get("reasons", "")
    )


@login_required
def convene(request: HttpRequest) -> HttpResponse:
    """The convening body's decision at its meeting: a National Conference (6.1) or the Congress
    with its notice (3.1); the rulebook judges it when the form is sent."""
    viewer = permissions.member_of(request.user)
    kinds = deciding_kinds("convene_conference") + deciding_kinds("convene_congress")
    form = ConveneForm(request.POST or None, meetings=_held_meetings(kinds))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        conference, refusal = _attempt(
            request,
            form,
            lambda: actions.convene_conference(
                decision=_decision(viewer, d),
                kind=d["kind"],
                title=d["title"],
                venue=d["venue"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                registration_closes_on=d["registration_closes_on"],
                organizers=d["organizers"],
            ),
        )
        if refusal is not None:
            return refusal
        if conference is not None:
            messages.success(
                request, _("Convened: %(title)s. Members are told.") % {"title": conference.title}
            )
            return redirect("conferences:detail", conference.pk)
    return render(
        request, "conferences/convene.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def credentials(request: HttpRequest, pk: int) -> HttpResponse:
    """Credentials in question and the decisions on them. A participant registered with a vote
    disputes another's credentials in writing; the body the rules name decides the dispute at its
    meeting, with reasons (6.1)."""
    conference, viewer = get_credentials_conference_for(request.user, pk)
    which = request.POST.get("form") if request.method == "POST" else None
    code_asked = request.GET.get("code", "")[:32]
    # The viewer's own registration: with a vote, they may dispute another's credentials (an
    # organizer or a member of the deciding body registered without one is refused by the rules).
    mine = own_registration(conference, viewer)
    form = CredentialsForm(
        request.POST if which != "dispute" and request.method == "POST" else None,
        meetings=_held_meetings(deciding_kinds("decide_credentials")),
        initial={"code": code_asked},
    )
    dispute = DisputeForm(request.POST if which == "dispute" else None, prefix="d")
    if which == "dispute" and mine is None:
        dispute.add_error(
            None, _("Only a member registered at this conference may dispute credentials at it.")
        )
    elif which == "dispute" and mine is not None and dispute.is_valid():
        d = dispute.cleaned_data
        participant = _participant_by_code(conference, dispute, d["code"])
        if participant is not None:
            row, refusal = _attempt(
                request,
                dispute,
                lambda: actions.dispute_credentials(participant, by=mine, grounds=d["grounds"]),
            )
            if refusal is not None:
                return refusal
            if row is not None:
                messages.success(
                    request,
                    _("Disputed: the credentials of %(name)s. The body the rules name decides.")
                    % {"name": participant.name},
                )
                return redirect("conferences:credentials", conference.pk)
    elif which != "dispute" and request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        participant = _participant_by_code(conference, form, d["code"])
        if participant is not None:
            row, refusal = _attempt(
                request,
                form,
                lambda: actions.decide_credentials(
                    participant, decision=_decision(viewer, d), accept=d["accept"]
                ),
            )
            if refusal is not None:
                return refusal
            if row is not None:
                said = (
                    _("Credentials accepted: %(name)s.")
                    if row.accepted
                    else _("Credentials rejected: %(name)s.")
                )
                messages.success(request, said % {"name": participant.name})
                return redirect("conferences:credentials", conference.pk)
    decides = organizes(conference, viewer) or sits_on_a_body_of(
        viewer, deciding_kinds("decide_credentials")
    )
    questioned = list(
        Participant.objects.filter(
            conference=conference,
            credentials__in=[Participant.Credentials.DISPUTED, Participant.Credentials.REJECTED],
        ).order_by("credentials", "name")
    )
    # The grounds of each dispute are for those who decide; a participant sees that there is one.
    disputes = (
        CredentialDispute.objects.filter(participant__in=questioned)
        .select_related("raised_by")
        .order_by("participant_id", "-raised_at")
        if decides
        else CredentialDispute.objects.none()
    )
    grounds: dict[int, CredentialDispute] = {}
    for row in disputes:
        grounds.setdefault(row.participant_id, row)
    context = {
        "c": conference,
        "form": form if decides else None,
        "dispute": dispute if mine is not None or dispute.errors else None,
        "questioned": [(p, grounds.get(p.pk)) for p in questioned],
        "decisions": CredentialDecision.objects.filter(participant__conference=conference)
        .select_related("participant")
        .order_by("-decided_at", "-pk")[:100],
    }
    bad = form.errors or dispute.errors
    return render(request, "conferences/credentials.html", context, status=400 if bad else 200)


def _participant_by_code(conference: Conference, form: Any, typed: str) -> Participant | None:
    """The participant whose badge code was typed, or the error said next to the code field."""
    code = actions.normal_code(typed)
    participant = Participant.objects.filter(conference=conference, code=code).first()
    if participant is None:
        form.add_error("code", _("No participant has the badge code %(code)s.") % {"code": code})
    return participant


@login_required
def delegates(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    """A unit's delegates to a congress: its allocation, the ballot its meeting holds through the
    voting kernel (secret, counted by the rules' method), and the winners seated from the
    published result, each as the meeting's decision (3.1)."""
    conference, allocation, body, viewer = get_delegation_for(request.user, pk, unit_pk)
    which = request.POST.get("form") if request.method == "POST" else None
    meetings = Meeting.objects.filter(body=body).exclude(state=Meeting.State.CANCELLED)
    meetings = meetings.select_related("body").order_by("-starts_at")[:20]
    polls = Poll.objects.filter(body=body, seat_body=conference.body).order_by("-created_at")
    published = [p for p in polls if p.state == Poll.State.PUBLISHED]
    ballot = DelegateBallotForm(
        request.POST if which == "ballot" else None, meetings=meetings, prefix="b"
    )
    seat = SeatDelegatesForm(request.POST if which == "seat" else None, polls=published, prefix="s")
    if which == "ballot" and ballot.is_valid():
        d = ballot.cleaned_data
        poll, refusal = _attempt(
            request, ballot, lambda: _delegate_ballot(conference, allocation, body, viewer, d)
        )
        if refusal is not None:
            return refusal
        if poll is not None:
            messages.success(request, _("The ballot is ready: open it from the vote's console."))
            return redirect("voting:console", poll.pk)
    elif which == "seat" and seat.is_valid():
        chosen = Poll.objects.get(pk=seat.cleaned_data["poll"])
        seated, refusal = _attempt(
            request,
            seat,
            lambda: actions.elect_delegates_by_poll(conference, poll=chosen, by=viewer),
        )
        if refusal is not None:
            return refusal
        if seated is not None:
            names = ", ".join(p.name for p in seated)
            messages.success(request, _("Seated as delegates: %(names)s.") % {"names": names})
            return redirect("conferences:delegates", conference.pk, allocation.unit_id)
    context = {
        "c": conference,
        "allocation": allocation,
        "body": body,
        "elected": queries.delegates_of(conference, allocation.unit),
        "polls": polls,
        "ballot": ballot,
        "seat": seat,
        "published": published,
    }
    status = 400 if ballot.errors or seat.errors else 200
    return render(request, "conferences/delegates.html", context, status=status)


def _delegate_ballot(
    conference: Conference, allocation: Any, body: Any, viewer: Member, d: dict[str, Any]
) -> Poll:
    """The ballot through the kernel's own act: secret, for the places left, counted by the
    method the rules give for the number of places."""
    from charter.rulebook.store import rulebook_on
    from charter.voting import actions as voting
    from charter.voting.rules import election_method

    candidates: list[Member] = d["candidates"]
    left = allocation.delegates - queries.delegates_of(conference, allocation.unit).count()
    if left < 1:
        raise InvalidInput(_("All the delegates allocated to this unit are elected."))
    rb = rulebook_on(clock.today())
    method = election_method(rb, conference.body.kind, left) or Poll.Method.IRV
    meeting = Meeting.objects.get(pk=d["meeting"])
    return voting.create_poll(
        body,
        by=viewer,
        title=_("Delegates to %(title)s") % {"title": conference.title},
        method=method,
        mode=Poll.Mode.SECRET,
        options=[m.name for m in candidates],
        seats=left,
        meeting=meeting,
        seat_body=conference.body,
        candidates=candidates,
    )
