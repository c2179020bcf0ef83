from django.urls import path

from charter.record import views

app_name = "record"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("log.jsonl", views.public_log, name="log"),
    path("head.json", views.tree_head, name="head"),
    path("checkpoint", views.checkpoint_note, name="checkpoint"),
    path("key", views.public_key, name="key"),
    path("proof/inclusion", views.inclusion_proof, name="inclusion"),
    path("proof/consistency", views.consistency_proof, name="consistency"),
    path("<int:index>/", views.entry_detail, name="entry"),
    path("<int:index>/receipt.json", views.entry_receipt, name="receipt"),
]
