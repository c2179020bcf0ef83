from django.urls import path

from charter.meetings import views

app_name = "meetings"
urlpatterns = [
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("bodies/<int:body_pk>/convene/", views.convene, name="convene"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/motion/", views.motion, name="motion"),
]
