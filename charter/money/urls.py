from django.urls import path

from charter.money import views

app_name = "money"
urlpatterns = [
    path("money/", views.home, name="home"),
    path("money/bands/", views.bands, name="bands"),
    path("money/units/<int:pk>/", views.unit, name="unit"),
    path("money/units/<int:pk>/pay/", views.pay, name="pay"),
    path("money/units/<int:pk>/band/", views.band, name="band"),
    path("money/units/<int:pk>/bulk/", views.bulk, name="bulk"),
    path("money/units/<int:pk>/import/", views.import_statement, name="import"),
    path("money/units/<int:pk>/accounts/<int:year>/", views.accounts, name="accounts"),
    path("money/units/<int:pk>/accounts/<int:year>.csv", views.accounts_csv, name="accounts_csv"),
    path("money/statements/<int:pk>/", views.statement, name="statement"),
    path("money/statements/<int:pk>/lines/<int:line>/assign/", views.assign_row, name="assign_row"),
    path(
        "money/statements/<int:pk>/lines/<int:line>/discard/", views.discard_row, name="discard_row"
    ),
    path("money/funds/", views.funds, name="funds"),
    path("money/funds/new/", views.new_fund, name="new_fund"),
    path("money/funds/<int:pk>/", views.fund, name="fund"),
    path("money/funds/<int:pk>/pledge/", views.pledge, name="pledge"),
    path("money/funds/<int:pk>/receive/", views.receive, name="receive"),
    path("money/receipts/<int:pk>/", views.receipt, name="receipt"),
]
