"""The sign-in backend: Django's password check, and a signed-in request's person read at once.

Every signed-in request needs the user, the member behind them and whether they must have entered a
second factor (``twofactor.needs_two_factor``: a confirmed device, an office, a seat). Django's
``ModelBackend`` reads the user alone, and the rest came after in two more queries; here the user,
their member and those three facts come in one.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from charter.accounts.models import User

# The query without its user, built once a day (a mandate is current on a day): building its three
# subqueries cost more than running it; each request only adds the user and runs a copy.
_facts: tuple[Any, Any] = (None, None)


def _users_with_facts() -> Any:
    global _facts
    from charter.accounts import twofactor
    from charter.lib import clock

    day, users = _facts
    if day != clock.today():
        day = clock.today()
        users = twofactor.with_facts(User._default_manager.select_related("member"), on=day)
        _facts = (day, users)
    return users


class MemberBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = _users_with_facts().filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
