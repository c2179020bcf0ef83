from django.urls import path

from charter.record import views

app_name = "record"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("log.jsonl", views.public_log, name="log"),
    path("head.json", views.tree_head, name="head"),
    path("<int:index>/", views.entry_detail, name="entry"),
]
