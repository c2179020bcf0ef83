from django.apps import AppConfig


class FloorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "charter.floor"
    verbose_name = "Conference floor"

    def ready(self) -> None:
        from charter.floor import electorate

        electorate.register()
