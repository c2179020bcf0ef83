from django.contrib import admin

from charter.lib.admin_readonly import ReadOnlyAdmin
from charter.rulebook.models import RulebookVersion

admin.site.register(RulebookVersion, ReadOnlyAdmin)
