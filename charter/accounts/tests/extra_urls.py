"""Charter's routes and one more, as someone might add later (test_access_walk)."""

from django.http import HttpResponse
from django.urls import path

from charter.urls import urlpatterns as charter_urlpatterns

urlpatterns = [
    *charter_urlpatterns,
    path("brand-new/", lambda request: HttpResponse("new"), name="brand_new"),
]
