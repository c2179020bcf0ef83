"""Django's database sessions, with the one read every signed-in request makes written as one
plain statement: the session's data by its key, if it has not expired (the ORM's query cost more to
build than to run)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = None
        if key:
            connection = connections[router.db_for_read(self.model)]
            quote = connection.ops.quote_name
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote('session_data')} FROM {quote(self.model._meta.db_table)} WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                    [key, connection.ops.adapt_datetimefield_value(timezone.now())],  # as Django writes it: real time
                )
                found = cursor.fetchone()
        if found is None:
            self._session_key = None
            return None
        return self.model(session_key=key, session_data=found[0])
