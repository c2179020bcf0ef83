"""System checks for the notice transports: what a self-hoster can get wrong in the settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

EMAIL = ("console", "smtp")
SMS = ("console", "http")


@register()
def transports_are_set_up(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    problems: list[Any] = []
    if settings.NOTICE_EMAIL_TRANSPORT not in EMAIL:
        problems.append(Error(f"NOTICE_EMAIL_TRANSPORT={settings.NOTICE_EMAIL_TRANSPORT!r} is not one of {', '.join(EMAIL)}.", id="notices.E001"))
    if settings.NOTICE_SMS_TRANSPORT not in SMS:
        problems.append(Error(f"NOTICE_SMS_TRANSPORT={settings.NOTICE_SMS_TRANSPORT!r} is not one of {', '.join(SMS)}.", id="notices.E002"))
    if settings.NOTICE_SMS_TRANSPORT == "http" and not settings.SMS_GATEWAY_URL:
        problems.append(Error("NOTICE_SMS_TRANSPORT=http needs SMS_GATEWAY_URL (and usually SMS_GATEWAY_TOKEN).", id="notices.E003"))
    if settings.NOTICE_EMAIL_TRANSPORT == "smtp" and settings.EMAIL_USE_TLS and settings.EMAIL_USE_SSL:
        problems.append(Error("EMAIL_USE_TLS (STARTTLS) and EMAIL_USE_SSL cannot both be true.", id="notices.E004"))
    return problems
