from django.contrib import admin

from charter.discipline.models import (
    Appeal,
    Case,
    Deadline,
    Hearing,
    InterimSuspension,
    Measure,
    Recusal,
    Reply,
)
from charter.lib.admin_readonly import ReadOnlyAdmin

for model in (Case, Reply, Hearing, Recusal, Measure, InterimSuspension, Appeal, Deadline):
    admin.site.register(model, ReadOnlyAdmin)
