"""Help pages, one per role, in plain words. The numbers and articles they quote come from the
rulebook in force, so the pages say nothing the organization's own rules do not."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from charter.lib import clock
from charter.rulebook.store import NoRulebook, rulebook_on

ROLES = {
    "member": _("Member"),
    "branch-secretary": _("Branch secretary"),
    "regional-committee": _("Regional committee"),
    "secretariat": _("Central Committee and Secretariat"),
    "control-commission": _("Control Commission"),
    "treasurer": _("Treasurer"),
    "conference-organizer": _("Conference organizer"),
}


def _rules() -> dict[str, Any]:
    """The figures the help pages quote, from the rulebook in force today (empty without one)."""
    try:
        rb = rulebook_on(clock.today())
    except NoRulebook:
        return {}
    discipline = rb.section("discipline")
    due = discipline.get("due_process") or {}
    appeal = discipline.get("appeal") or {}
    appeal_body = ""
    if appeal.get("body"):
        try:
            appeal_body = str(rb.body(appeal["body"])["name"])
        except KeyError:
            appeal_body = ""
    return {
        "name": rb.name,
        "reply_days": due.get("reply_days"),
        "reply_article": due.get("reply_article"),
        "appeal_days": appeal.get("within_days"),
        "appeal_article": appeal.get("article"),
        "appeal_body": appeal_body,
        "initiatives": [{"name": i["name"], "article": i["article"]} for i in rb.initiatives],
    }


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "help/index.html", {"roles": ROLES.items()})


def role(request: HttpRequest, role: str) -> HttpResponse:
    if role not in ROLES:
        raise Http404("No such help page.")
    return render(
        request,
        f"help/{role.replace('-', '_')}.html",
        {"roles": ROLES.items(), "role": role, "title": ROLES[role], "rules": _rules()},
    )
