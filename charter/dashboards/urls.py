from django.urls import path

from charter.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("dashboard/", views.unit_dashboard, name="top"),
    path("dashboard/export.csv", views.export, name="top_export"),
    path("dashboard/<int:pk>/", views.unit_dashboard, name="unit"),
    path("dashboard/<int:pk>/export.csv", views.export, name="export"),
    path("dashboard/figures/<slug:key>/", views.figure, name="top_figure"),
    path(
        "dashboard/figures/<slug:key>.csv", views.figure, {"csv_file": True}, name="top_figure_csv"
    ),
    path("dashboard/<int:pk>/figures/<slug:key>/", views.figure, name="figure"),
    path(
        "dashboard/<int:pk>/figures/<slug:key>.csv",
        views.figure,
        {"csv_file": True},
        name="figure_csv",
    ),
]
