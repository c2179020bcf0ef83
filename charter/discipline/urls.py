from django.urls import path

from charter.discipline import views

app_name = "discipline"
urlpatterns = [path("members/<int:member_pk>/measure/", views.decide_measure, name="measure")]
