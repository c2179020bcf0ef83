from django.urls import path

from charter.org import views

app_name = "org"
urlpatterns = [
    path("units/", views.unit_top, name="unit_top"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("bodies/<int:pk>/", views.body, name="body"),
]
