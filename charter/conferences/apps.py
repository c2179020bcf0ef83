from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.conferences"
    label = "conferences"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from charter.conferences import tasks  # noqa: F401 - registers the report's operation
