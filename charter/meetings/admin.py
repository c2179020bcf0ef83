from django.contrib import admin

from charter.lib.admin_readonly import ReadOnlyAdmin
from charter.meetings.models import Attendance, Meeting, Motion

admin.site.register(Meeting, ReadOnlyAdmin)
admin.site.register(Attendance, ReadOnlyAdmin)
admin.site.register(Motion, ReadOnlyAdmin)
