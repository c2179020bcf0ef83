from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.money"
    label = "money"
    default_auto_field = "django.db.models.BigAutoField"
