from django.urls import path

from charter.notices import views

app_name = "notices"
urlpatterns = [
    path("me/inbox/", views.inbox, name="inbox"),
    path("me/inbox/<int:pk>/read/", views.read, name="read"),
    path("me/inbox/read-all/", views.read_all, name="read_all"),
]
