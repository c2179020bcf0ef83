from django.contrib import admin

from charter.lib.admin_readonly import ReadOnlyAdmin
from charter.members.models import DuesPayment, Member, StatusChange, Transfer

admin.site.register(Member, ReadOnlyAdmin)
admin.site.register(StatusChange, ReadOnlyAdmin)
admin.site.register(Transfer, ReadOnlyAdmin)
admin.site.register(DuesPayment, ReadOnlyAdmin)
