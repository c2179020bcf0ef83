from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.record"
    label = "record"
    default_auto_field = "django.db.models.BigAutoField"
