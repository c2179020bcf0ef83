from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.elections"
    label = "elections"
    default_auto_field = "django.db.models.BigAutoField"
