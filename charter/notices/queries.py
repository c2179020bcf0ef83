"""A member's inbox: their notices, each with how it went out on the other channels."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from charter.members.models import Member
from charter.notices.models import Notice

OUTSIDE = (Notice.Channel.EMAIL, Notice.Channel.SMS)


@dataclass
class Letter:
    notice: Notice  # the inbox copy: subject, body, when, read or not
    deliveries: list[Notice] = field(default_factory=list)  # the same notice by email and SMS, in that order


def inbox_of(member: Member) -> QuerySet[Notice]:
    return Notice.objects.filter(member=member, channel=Notice.Channel.INBOX).order_by("-created_at", "-id")


def unread_count(member: Member) -> int:
    return inbox_of(member).filter(read_at__isnull=True).count()


def letters(notices: list[Notice]) -> list[Letter]:
    """The inbox notices with their email and SMS copies, found by dedupe key in one query."""
    prefix = {n.pk: n.dedupe_key.removesuffix(":inbox") for n in notices}
    keys = [f"{p}:{channel}" for p in prefix.values() for channel in OUTSIDE]
    copies = {c.dedupe_key: c for c in Notice.objects.filter(dedupe_key__in=keys)} if keys else {}
    return [
        Letter(notice=n, deliveries=[copies[k] for channel in OUTSIDE if (k := f"{prefix[n.pk]}:{channel}") in copies])
        for n in notices
    ]
