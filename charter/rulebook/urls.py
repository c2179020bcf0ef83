from django.urls import path

from charter.rulebook import views

app_name = "rulebook"
urlpatterns = [path("", views.rules, name="rules")]
