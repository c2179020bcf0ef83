from django.urls import path

from charter.progress import views

app_name = "progress"
urlpatterns = [
    path("operations/", views.operations, name="operations"),
    path("operations/<int:pk>/", views.operation, name="operation"),
    path("operations/<int:pk>/output/", views.output, name="output"),
]
