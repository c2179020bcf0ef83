from django.urls import path

from charter.elections import views

app_name = "elections"
urlpatterns = [
    path("bodies/<int:body_pk>/elections/", views.body_elections, name="body"),
    path("bodies/<int:body_pk>/elections/open/", views.open_nominations, name="open"),
    path("elections/<int:pk>/", views.election, name="election"),
    path("elections/<int:pk>/nominate/", views.nominate, name="nominate"),
    path("elections/<int:pk>/candidates/<int:candidacy_pk>/second/", views.second, name="second"),
    path("elections/<int:pk>/candidates/<int:candidacy_pk>/accept/", views.accept, name="accept"),
    path("elections/<int:pk>/candidates/<int:candidacy_pk>/withdraw/", views.withdraw, name="withdraw"),
    path("elections/<int:pk>/close/", views.close, name="close"),
    path("elections/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("elections/<int:pk>/ballot/", views.ballot, name="ballot"),
    path("elections/<int:pk>/seat/", views.seat, name="seat"),
    path("elections/<int:pk>/results/", views.results, name="results"),
]
