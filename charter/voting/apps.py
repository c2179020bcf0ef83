from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.voting"
    label = "voting"
    default_auto_field = "django.db.models.BigAutoField"
