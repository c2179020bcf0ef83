from django.urls import path

from charter.help import views

app_name = "help"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:role>/", views.role, name="role"),
]
