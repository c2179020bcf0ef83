from django.apps import AppConfig


class Config(AppConfig):
    name = "charter.members"
    label = "members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from charter.progress import kinds

        # `charter import members` (the command line): the administrators follow it.
        kinds.register("import_members", label=_("Importing the member register"), may_see=lambda user, op: bool(getattr(user, "is_staff", False)))
