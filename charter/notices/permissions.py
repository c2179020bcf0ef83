"""The only way a view gets a notice: a member's own, from their inbox (404 for anyone else's)."""

from __future__ import annotations

from django.http import Http404

from charter.members.models import Member
from charter.notices.models import Notice


def get_inbox_notice_for(member: Member, pk: int) -> Notice:
    notice = Notice.objects.filter(pk=pk, member=member, channel=Notice.Channel.INBOX).first()
    if notice is None:
        raise Http404
    return notice
