from django.urls import path

from charter.voting import views

app_name = "voting"
urlpatterns = [
    path("bodies/<int:body_pk>/polls/", views.body_polls, name="body_polls"),
    path("bodies/<int:body_pk>/polls/new/", views.new, name="new"),
    path("polls/<int:pk>/", views.poll_page, name="poll"),
    path("polls/<int:pk>/vote/", views.vote, name="vote"),
    path("polls/<int:pk>/console/", views.console, name="console"),
    path("polls/<int:pk>/turnout/", views.turnout, name="turnout"),
    path("polls/<int:pk>/live/", views.live_stream, name="live"),
    path("polls/<int:pk>/hall/", views.hall, name="hall"),
    path("polls/<int:pk>/paper/", views.paper, name="paper"),
    path("polls/<int:pk>/results/", views.results, name="results"),
    path("polls/<int:pk>/ballots/", views.ballots, name="ballots"),
    path("polls/<int:pk>/ballots.json", views.ballots_json, name="ballots_json"),
    path("polls/<int:pk>/ballots.blt", views.ballots_blt, name="ballots_blt"),
    path("polls/<int:pk>/<str:name>/", views.step, name="step"),
]
