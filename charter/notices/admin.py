from django.contrib import admin

from charter.lib.admin_readonly import ReadOnlyAdmin
from charter.notices.models import Notice

admin.site.register(Notice, ReadOnlyAdmin)
