from django.contrib import admin

from charter.initiatives.models import Endorsement, Initiative, Obligation, Signature
from charter.lib.admin_readonly import ReadOnlyAdmin

for model in (Initiative, Signature, Endorsement, Obligation):
    admin.site.register(model, ReadOnlyAdmin)
