from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charter.conferences import actions, documents, queries
from charter.conferences.forms import (
    AttributesForm,
    CheckInForm,
    CommissionDecisionForm,
    CommissionForm,
    ItemForm,
    ObserverForm,
    SessionForm,
)
from charter.conferences.models import Commission, Conference, Participant, Session
from charter.conferences.permissions import (
    get_chaired_commission_for,
    get_conference_for,
    get_organized_conference_for,
)
from charter.lib import clock
from charter.lib.errors import InvalidInput
from charter.members import permissions
from charter.rulebook.enforce import Refused
from charter.rulebook.refusal import translated_breaches


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
    }
    return render(request, "conferences/detail.html", context)


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
        {"r": r, "c": conference, "charts": charts, "sessions": sessions},
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
