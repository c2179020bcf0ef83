from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.discipline"
    label = "discipline"
    default_auto_field = "django.db.models.BigAutoField"
