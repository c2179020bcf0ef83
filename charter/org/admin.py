from django.contrib import admin

from charter.lib.admin_readonly import ReadOnlyAdmin
from charter.org.models import Body, Mandate, Organization, Unit

admin.site.register(Organization, ReadOnlyAdmin)
admin.site.register(Unit, ReadOnlyAdmin)
admin.site.register(Body, ReadOnlyAdmin)
admin.site.register(Mandate, ReadOnlyAdmin)
