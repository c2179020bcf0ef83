from django.contrib import admin

from charter.discipline.models import Case, Measure
from charter.lib.admin_readonly import ReadOnlyAdmin

admin.site.register(Case, ReadOnlyAdmin)
admin.site.register(Measure, ReadOnlyAdmin)
