from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.notices"
    label = "notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from charter.notices import checks, tasks  # noqa: F401 - registers the system checks, the delivery's progress
