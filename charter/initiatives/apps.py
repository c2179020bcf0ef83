from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.initiatives"
    label = "initiatives"
    default_auto_field = "django.db.models.BigAutoField"
