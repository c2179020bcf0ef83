from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.voting"
    label = "voting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from charter.voting import tasks  # noqa: F401 - registers the count's operation
