"""``{% operation_bar op %}``: the progress fragment inside a page, in its live region."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def operation_bar(context: Any, op: Any) -> SafeString | str:
    if op is None:
        return ""
    from charter.progress.views import context as fragment

    return render_to_string("progress/region.html", fragment(op), request=context.get("request"))
