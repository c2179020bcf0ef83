"""Signing in as a member of the cast in page tests."""

from __future__ import annotations

from django.test import Client

from charter.accounts.models import User
from charter.members.models import Member


def login_as(client: Client, member: Member) -> Client:
    """Give ``member`` a sign-in (identity, not an act of the organization) and sign the client in."""
    user = User.objects.create_user(f"user{member.pk}", password="a-long-test-password-1")
    Member.objects.filter(pk=member.pk).update(user=user)
    client.force_login(user)
    return client
