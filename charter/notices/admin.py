from django.contrib import admin

from charter.lib.admin_readonly import ReadOnlyAdmin
from charter.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Where an operator sees what did not go out: filter by state (failed) and channel."""

    list_display = ("id", "member", "channel", "kind", "language", "state", "attempts", "created_at", "next_attempt_at", "sent_at", "receipt", "last_error")
    list_filter = ("state", "channel", "kind")
    list_select_related = ("member",)
    search_fields = ("receipt", "dedupe_key")
    raw_id_fields = ("member",)
