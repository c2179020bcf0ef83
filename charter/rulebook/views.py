from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from charter.lib import clock
from charter.rulebook.models import RulebookVersion
from charter.rulebook.store import NoRulebook, rulebook_on


def rules(request: HttpRequest) -> HttpResponse:
    try:
        rb = rulebook_on(clock.today())
    except NoRulebook:
        raise Http404("No rulebook installed.") from None
    acts = sorted(rb.acts.items(), key=lambda kv: (kv[1]["category"], kv[1]["article"]))
    explanation = None
    chosen = request.GET.get("act", "")
    if chosen in rb.acts:
        from django.utils.translation import gettext

        from charter.rulebook.explain import explain

        explanation = explain(rb, chosen, gettext=gettext)  # in the reader's language
    return render(request, "rulebook/rules.html", {
        "rb": rb, "acts": acts, "versions": RulebookVersion.objects.order_by("-effective_from"),
        "explanation": explanation, "chosen": chosen,
    })
