from django.urls import path

from charter.discipline import views

app_name = "discipline"
urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/<slug:key>/", views.step, name="step"),
    path("members/<int:member_pk>/charge/", views.frame, name="frame"),
    path("members/<int:member_pk>/measure/", views.decide_measure, name="measure"),
]
