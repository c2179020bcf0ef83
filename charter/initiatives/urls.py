from django.urls import path

from charter.initiatives import views

app_name = "initiatives"
urlpatterns = [
    path("initiatives/", views.index, name="index"),
    path("initiatives/start/", views.start, name="start"),
    path("initiatives/<int:pk>/", views.detail, name="detail"),
    path("initiatives/<int:pk>/count/", views.count, name="count"),
    path("initiatives/<int:pk>/sign/", views.sign, name="sign"),
    path("initiatives/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("initiatives/<int:pk>/answer/", views.answer, name="answer"),
]
