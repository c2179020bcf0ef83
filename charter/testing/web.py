"""Signing in as a member of the cast in page tests."""

from __future__ import annotations

from django.test import Client

from charter.accounts.models import User
from charter.members.models import Member


def login_as(client: Client, member: Member) -> Client:
    """Give ``member`` a sign-in (identity, not an act of the organization) and sign the client in,
    past the second factor: the session counts as verified with an enrolled authenticator, as after
    a real sign-in with a code (officers need one; see charter.accounts.twofactor)."""
    user = User.objects.create_user(f"user{member.pk}", password="a-long-test-password-1")
    Member.objects.filter(pk=member.pk).update(user=user)
    return login_user(client, user)


def login_user(client: Client, user: User) -> Client:
    """Sign ``user`` in (force_login) with a session that has passed the second factor."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from charter.accounts.twofactor import enrolled_for_tests

    client.force_login(user)
    device = enrolled_for_tests(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def said(language: str, message: str, plural: str | None = None, count: int | None = None, **values: object) -> str:
    """What a page in ``language`` shows for a message of the catalog: ``message`` is its msgid (a
    template's blocktranslate makes ``%(name)s`` of ``{{ name }}``), filled with ``values``."""
    from django.utils import translation

    with translation.override(language):
        text = translation.ngettext(message, plural, count) if plural is not None and count is not None else translation.gettext(message)
    return text % values if values else text
