"""``grouped``: a number as the reader's language groups it (a template builtin; decision 0020).

Django groups numbers only with USE_THOUSAND_SEPARATOR, which would group every number a template
prints, ids in links included. So the amounts and counts people read are grouped by this filter,
and nothing else: 1,200.00 PKR; in Pakistan's lakhs, 1,50,000."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def grouped(value: Any) -> str:
    if value is None or value == "":
        return ""
    return formats.number_format(value, force_grouping=True)
