"""What a member does with their notices: reading them. (Queueing and delivery are outbox.py and
tasks.py.) Reading is the member's own business, not an act of the organization: nothing goes on
the public record."""

from __future__ import annotations

from charter.lib import clock
from charter.members.models import Member
from charter.notices.models import Notice


def mark_read(notice: Notice, *, by: Member) -> bool:
    """``by`` has read ``notice`` (one of their own inbox notices); False when it was read before."""
    if notice.member_id != by.pk or notice.channel != Notice.Channel.INBOX:
        raise PermissionError("a member marks only their own inbox notices as read")
    return bool(Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=clock.now()))


def mark_all_read(*, by: Member) -> int:
    """``by`` has read every notice in their inbox; returns how many were unread."""
    return Notice.objects.filter(member=by, channel=Notice.Channel.INBOX, read_at__isnull=True).update(read_at=clock.now())
