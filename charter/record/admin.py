from django.contrib import admin

from charter.lib.admin_readonly import ReadOnlyAdmin
from charter.record.models import Entry, LogState

admin.site.register(Entry, ReadOnlyAdmin)
admin.site.register(LogState, ReadOnlyAdmin)
