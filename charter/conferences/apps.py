from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.conferences"
    label = "conferences"
    default_auto_field = "django.db.models.BigAutoField"
