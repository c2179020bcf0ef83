from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.progress"
    label = "progress"
    default_auto_field = "django.db.models.BigAutoField"
