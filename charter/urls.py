from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path

from charter.accounts.views import admin_login
from charter.api import api


def home(request):  # type: ignore[no-untyped-def]
    return redirect("members:home" if request.user.is_authenticated else "org:unit_top")


handler400 = "charter.api.bad_request"  # the API answers JSON even to a request Django cannot read

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("charter.accounts.urls")),
    path("", include("charter.members.urls")),
    path("", include("charter.notices.urls")),
    path("", include("charter.org.urls")),
    path("", include("charter.meetings.urls")),
    path("", include("charter.discipline.urls")),
    path("", include("charter.initiatives.urls")),
    path("", include("charter.conferences.urls")),
    path("", include("charter.voting.urls")),
    path("", include("charter.floor.urls")),
    path("", include("charter.elections.urls")),
    path("", include("charter.money.urls")),
    path("", include("charter.dashboards.urls")),
    path("", include("charter.progress.urls")),
    path("record/", include("charter.record.urls")),
    path("rules/", include("charter.rulebook.urls")),
    path("help/", include("charter.help.urls")),
    path("api/", api.urls),
    path("admin/login/", admin_login, name="admin_login"),  # one sign-in page, bounded, with its second factor
    path("admin/", admin.site.urls),
]
