from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.money"
    label = "money"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from charter.money import operations  # noqa: F401 - registers the statement import's operation
