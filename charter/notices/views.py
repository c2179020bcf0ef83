from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from charter.lib.redirects import local_path
from charter.members.permissions import member_of
from charter.notices import actions, permissions, queries

PER_PAGE = 25


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My notices, newest first: unread ones marked, and how each went out by email and SMS."""
    member = member_of(request.user)
    page = Paginator(queries.inbox_of(member), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {
        "member": member, "page": page, "letters": queries.letters(list(page.object_list)),
        "unread": queries.unread_count(member),
    })


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    member = member_of(request.user)
    notice = permissions.get_inbox_notice_for(member, pk)
    actions.mark_read(notice, by=member)
    return redirect(_back(request, f"#notice-{notice.pk}"))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    member = member_of(request.user)
    actions.mark_all_read(by=member)
    return redirect(_back(request))


def _back(request: HttpRequest, anchor: str = "") -> str:
    """Back to the inbox page the form was on."""
    return local_path(request, request.POST.get("next", ""), reverse("notices:inbox")) + anchor
