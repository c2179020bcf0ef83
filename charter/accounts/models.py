from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A sign-in identity. The person behind it, if a member, is ``user.member``."""


class SignInFailure(models.Model):
    """One failed sign-in: the username tried, where from (an address, or a device known by its
    cookie), when. Rows older than the cool-off count for nothing and are pruned on the next failure."""

    username = models.CharField(max_length=150)
    source = models.CharField(max_length=80)  # "ip:203.0.113.9" or "device:<id>"
    ip = models.CharField(max_length=45)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["username", "source", "at"]),
            models.Index(fields=["ip", "at"]),
        ]


class UsedStep(models.Model):
    """A time step of a TOTP device whose code was accepted: unique, so a code is accepted once
    even when many requests carrying it arrive together (the device row is locked as well)."""

    device_id = models.BigIntegerField()
    step = models.BigIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device_id", "step"], name="totp_step_used_once")
        ]
