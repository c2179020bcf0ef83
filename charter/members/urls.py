from django.urls import path

from charter.members import views

app_name = "members"
urlpatterns = [
    path("me/", views.home, name="home"),
    path("me/receipts/", views.receipts, name="receipts"),
    path("members/<int:pk>/", views.detail, name="detail"),
]
