from django.urls import path

from charter.conferences import views

app_name = "conferences"
urlpatterns = [
    path("conferences/", views.index, name="index"),
    path("conferences/convene/", views.convene, name="convene"),
    path("conferences/<int:pk>/", views.detail, name="detail"),
    path("conferences/<int:pk>/credentials/", views.credentials, name="credentials"),
    path("conferences/<int:pk>/delegates/<int:unit_pk>/", views.delegates, name="delegates"),
    path("conferences/<int:pk>/register/", views.register, name="register"),
    path("conferences/<int:pk>/observers/", views.observers, name="observers"),
    path("conferences/<int:pk>/check-in/", views.checkin, name="checkin"),
    path("conferences/<int:pk>/programme/", views.programme, name="programme"),
    path("conferences/<int:pk>/counts/", views.counts, name="counts"),
    path("conferences/<int:pk>/badges.pdf", views.badges, name="badges"),
    path("conferences/<int:pk>/report/", views.report, name="report"),
    path("conferences/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("conferences/<int:pk>/report.pdf/make/", views.report_pdf_make, name="report_pdf_make"),
    path(
        "conferences/commissions/<int:pk>/decide/",
        views.commission_decide,
        name="commission_decide",
    ),
]
