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
from charter.lib import prepared

# The query without its user, compiled once a day (a mandate is current on a day): building its
# three subqueries cost more than running it; each request puts its user's id in (charter.lib.prepared).
_compiled = prepared.Cache()


def _users_with_facts() -> prepared.Compiled:
    from charter.accounts import twofactor
    from charter.lib import clock

    day = clock.today()
    return _compiled.get(("user", day), lambda mark: twofactor.with_facts(User._default_manager.select_related("member"), on=day).filter(pk=mark))


class MemberBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _users_with_facts().objects(pk)
        user = found[0] if found else None
        if user is None or not self.user_can_authenticate(user):
            return None
        return user
