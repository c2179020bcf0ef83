from django.urls import path

from charter.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("two-factor/", views.enrol, name="enrol"),
    path("two-factor/verify/", views.verify, name="verify"),
]
