from django.urls import path

from charter.floor import views

app_name = "floor"
urlpatterns = [
    path("conferences/<int:pk>/floor/hall/", views.hall, name="hall"),
    path("conferences/<int:pk>/floor/live/", views.live_stream, name="live"),
    path("conferences/<int:pk>/floor/chair/", views.chair, name="chair"),
    path("conferences/<int:pk>/floor/chair/<str:name>/", views.chair_act, name="chair_act"),
    path("conferences/<int:pk>/floor/phone/", views.my_phone, name="my_phone"),
    path("conferences/<int:pk>/floor/p/<str:code>/", views.phone, name="phone"),
    path("conferences/<int:pk>/floor/p/<str:code>/speak/", views.phone_speak, name="speak"),
    path(
        "conferences/<int:pk>/floor/p/<str:code>/withdraw/", views.phone_withdraw, name="withdraw"
    ),
    path(
        "conferences/<int:pk>/floor/p/<str:code>/question/", views.phone_question, name="question"
    ),
    path("conferences/<int:pk>/floor/p/<str:code>/vote/", views.phone_vote, name="vote"),
    path("conferences/<int:pk>/floor/p/<str:code>/support/", views.phone_support, name="support"),
    path(
        "conferences/<int:pk>/floor/p/<str:code>/resolution/",
        views.phone_resolution,
        name="resolution",
    ),
    path(
        "conferences/<int:pk>/floor/p/<str:code>/amendment/",
        views.phone_amendment,
        name="amendment",
    ),
]
