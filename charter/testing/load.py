"""An organization for load: one branch of N members with sign-ins and signed-in sessions, an open
poll of the branch meeting and an initiative collecting signatures, all on PostgreSQL.

The founding, the members (``import_members`` on a CSV file), the poll and the initiative come
through the actions. Sign-ins and their sessions are identity, not acts of the organization: they
are copied in (``COPY``), as nobody types a password under load. Used by the crash-safety tests
and the load benches (bench/bench_mixed_load.py, bench/bench_duplicate_votes.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
import tempfile
from pathlib import Path
from typing import Any

CSRF = "loadcsrftokenloadcsrftoken012345"  # any 32 letters: the cookie and the header must match
USER_COLUMNS = (
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
)
FOUNDED = dt.datetime(2019, 1, 10, 9, 0, tzinfo=dt.UTC)


def headers(session: str) -> dict[str, str]:
    """What a signed-in browser sends with a JSON POST: its session, and the CSRF cookie and header."""
    return {
        "Cookie": f"sessionid={session}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
        "Content-Type": "application/json",
    }


def found() -> Any:
    """The Alliance with one region, one area and one branch (through the actions); the branch."""
    from django.db import transaction

    from charter.lib import clock
    from charter.org.actions import close_founding, create_unit, found_organization
    from charter.org.models import Unit
    from charter.rulebook.actions import install_founding_rulebook
    from charter.rulebook.spec import DATA_DIR

    clock.set_frozen(FOUNDED)
    with transaction.atomic():
        install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8"))
    with transaction.atomic():
        found_organization(name="Workers' Democratic Alliance", top_unit="WDA")
    region = create_unit(parent=Unit.objects.get(parent=None), level="region", name="Sindh")
    area = create_unit(parent=region, level="area", name="Karachi")
    branch = create_unit(parent=area, level="branch", name="Karachi Branch 001")
    with transaction.atomic():
        close_founding()
    clock.set_frozen(None)
    return branch


def build(members: int, *, initiative: bool = True) -> dict[str, Any]:
    """Migrate the configured (empty, PostgreSQL) database and build the organization: the ids of
    the branch, its meeting, the poll and the initiative, and one session key per member (the
    first is the chair, who created the poll)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction

    from charter.accounts.models import User
    from charter.initiatives.actions import start_initiative
    from charter.members.importing import import_members
    from charter.members.models import Member
    from charter.org.models import Body
    from charter.voting.actions import create_poll, open_poll

    if connection.vendor != "postgresql":
        raise RuntimeError("the load organization is built on PostgreSQL")
    call_command("migrate", "--verbosity", "0")
    branch = found()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "members.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["name", "branch", "language", "status", "joined_on", "dues_paid_until"])
            for i in range(members):
                w.writerow(
                    [f"Member {i + 1}", branch.pk, "en", "member", "2019-01-10", "2099-12-31"]
                )
        import_members(path)

    pks = list(Member.objects.filter(branch=branch).order_by("pk").values_list("pk", flat=True))
    password = "!load-unusable"  # no password sign-in: the sessions are made below
    auth_hash = User(password=password).get_session_auth_hash()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    store = SessionStore()
    expires = dt.datetime(2099, 1, 1, tzinfo=dt.UTC)
    users, sessions, keys = [], [], []
    for i, pk in enumerate(pks):
        uid = first_user + i
        users.append((uid, password, False, f"member{pk}", "", "", "", False, True, FOUNDED))
        key = f"load{pk:010d}{secrets.token_hex(8)}"
        sessions.append(
            (
                key,
                store.encode(
                    {
                        SESSION_KEY: str(uid),
                        BACKEND_SESSION_KEY: backend,
                        HASH_SESSION_KEY: auth_hash,
                    }
                ),
                expires,
            )
        )
        keys.append(key)
    with transaction.atomic(), connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY accounts_user ({', '.join(USER_COLUMNS)}) FROM STDIN"
        ) as copy:
            for row in users:
                copy.write_row(row)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), (SELECT max(id) FROM accounts_user))"
        )
        with cursor.cursor.copy(
            "COPY django_session (session_key, session_data, expire_date) FROM STDIN"
        ) as copy:
            for row in sessions:
                copy.write_row(row)
        # Linking a sign-in to a person is identity, not an act of the organization (as in the demo).
        cursor.execute(
            "UPDATE members_member m SET user_id = u.id FROM accounts_user u WHERE u.username = 'member' || m.id AND m.branch_id = %s",
            [branch.pk],
        )
    chair = Member.objects.get(pk=pks[0])
    body = Body.objects.get(unit=branch, kind="branch_meeting")
    poll = open_poll(
        create_poll(body, by=chair, title="Adopt the resolution", method="yes_no", mode="secret"),
        by=chair,
    )
    ini = (
        start_initiative(
            by=chair,
            kind="investigation",
            title="Investigate",
            text="How were the expulsions decided?",
        )
        if initiative
        else None
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "branch": branch.pk,
        "body": body.pk,
        "poll": poll.pk,
        "initiative": ini.pk if ini else None,
        "members": pks,
        "sessions": keys,
        "chair": keys[0],
    }
