from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from charter.lib import clock
from charter.meetings import actions
from charter.meetings.forms import AttendanceForm, ConveneForm, MotionForm
from charter.meetings.models import Meeting
from charter.members import permissions
from charter.members.models import Member
from charter.org.models import Body
from charter.rulebook import judge as J
from charter.rulebook import rosters
from charter.rulebook.enforce import Refused
from charter.rulebook.refusal import attempt
from charter.rulebook.store import rulebook_on


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(Meeting.objects.select_related("body", "body__unit"), pk=pk)
    viewer = getattr(request.user, "member", None) if request.user.is_authenticated else None
    today = clock.today()
    # Minutes and attendance are open to the members of the body (4.4).
    on_body = viewer is not None and rosters.sits_on(meeting.body, viewer, today, rulebook_on(today))
    return render(request, "meetings/detail.html", {
        "meeting": meeting, "motions": meeting.motions.all(), "on_body": on_body,
        "attendance": meeting.attendance.select_related("member").order_by("member__name") if on_body else None,
    })


@login_required
def convene(request: HttpRequest, body_pk: int) -> HttpResponse:
    member = permissions.member_of(request.user)
    body = get_object_or_404(Body, pk=body_pk)
    form = ConveneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        starts = d["starts_at"] if d["starts_at"].tzinfo else d["starts_at"].replace(tzinfo=dt.UTC)
        meeting, refused = attempt(request, form, "starts_at", lambda: actions.convene_meeting(body, by=member, title=d["title"], starts_at=starts, agenda=d["agenda"], urgent=d["urgent"], urgency_reason=d["urgency_reason"]))
        if refused:
            return refused
        if meeting is not None:
            messages.success(request, _("The meeting was called and the notice sent."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/convene.html", {"form": form, "body": body})


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.member_of(request.user)
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    today = clock.today()
    people = list(rosters.attendees(meeting.body, today, rulebook_on(today)).order_by("name")[:2000])
    form = AttendanceForm(request.POST or None, people=people, initial={"present": [str(a.member_id) for a in meeting.attendance.all()]})
    if request.method == "POST" and form.is_valid():
        present = Member.objects.filter(pk__in=[int(x) for x in form.cleaned_data["present"]])
        done, refused = attempt(request, form, "present", lambda: actions.record_attendance(meeting, by=member, present=list(present)))
        if refused:
            return refused
        if done is not None:
            messages.success(request, _("Attendance recorded."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting, "title": _("Record attendance")})


@login_required
def motion(request: HttpRequest, pk: int) -> HttpResponse:
    member = permissions.member_of(request.user)
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=pk)
    form = MotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        votes = J.Votes(d["votes_yes"], d["votes_no"], d["votes_abstain"] or 0)
        try:
            done, refused = attempt(request, form, "text", lambda: actions.decide_motion(meeting, by=member, text=d["text"], votes=votes, reasons=d["reasons"]))
        except Refused:
            messages.info(request, _("The motion was lost: it did not reach the majority the rules require."))
            return redirect("meetings:detail", meeting.pk)
        if refused:
            return refused
        if done is not None:
            messages.success(request, _("The decision was recorded."))
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "meeting": meeting, "title": _("Record a decision")})
