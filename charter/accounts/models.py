from django.contrib.auth.models import AbstractUser


class User(AbstractUser):
    """A sign-in identity. The person behind it, if a member, is ``user.member``."""
