from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from charter import checks  # noqa: F401 - registers the system checks
