"""The conference the hall and question benchmarks start from, on PostgreSQL.

The organization is founded and its members imported through the actions (as bench_vote_load does);
the chair gets a signed-in session. The conference, its programme and its participants are written
as rows: registering them is the conferences app's act, not what these benches measure (bench_checkin
builds its conference through the actions). Every member of the branch is registered with a vote and
a badge code; the chair (the first member) is named one of the conference's organizers, and signs
in past the second factor.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from typing import Any

from bench_vote_load import WORK


def build(participants: int) -> dict[str, Any]:
    import django

    django.setup()
    from _org import build_org
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_otp import DEVICE_ID_SESSION_KEY

    from charter.accounts.models import User
    from charter.accounts.twofactor import enrolled_for_tests
    from charter.conferences.models import Conference, Item, Participant, Session
    from charter.lib import clock
    from charter.members.importing import import_members
    from charter.members.models import Member
    from charter.org.models import Body, Unit

    call_command("migrate", "--verbosity", "0")
    branch = Unit.objects.get(pk=build_org(1)[0])
    clock.set_frozen(None)
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"delegates-{participants}.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name", "branch", "language", "status", "joined_on", "dues_paid_until"])
        for i in range(participants):
            w.writerow([f"Delegate {i + 1}", branch.pk, "en", "member", "2019-01-10", "2099-12-31"])
    import_members(path)
    members = list(Member.objects.filter(branch=branch).order_by("pk"))
    chair = members[0]

    # The chair's sign-in (identity, not an act of the organization; nobody types a password here).
    user = User(username="chair")
    user.set_unusable_password()
    user.save()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET user_id = %s WHERE id = %s", [user.pk, chair.pk])
    # Past the second factor, as after a real sign-in with a code (a chair's session needs one).
    device = enrolled_for_tests(user)
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            DEVICE_ID_SESSION_KEY: device.persistent_id,
        }
    )
    store.create()

    today = clock.today()
    body = Body.objects.get(unit=branch, kind="branch_meeting")
    now = clock.now()
    with transaction.atomic():
        conference = Conference.objects.create(
            body=body,
            kind=Conference.Kind.CONFERENCE,
            title="National Conference",
            starts_on=today,
            ends_on=today + dt.timedelta(days=1),
            state=Conference.State.OPEN,
            attributes=[{"key": "gender", "label": "Gender"}],
        )
        # The chair is named organizer, as the convening decision names them (conference.organizers).
        conference.organizers.add(chair)
        genders = ["man"] * 19 + ["woman"]  # 43 women of 894 (scenario 5), about one in twenty
        Participant.objects.bulk_create(
            [
                Participant(
                    conference=conference,
                    member=m,
                    name=m.name,
                    category=Participant.Category.DELEGATE,
                    has_vote=True,
                    attributes={"gender": genders[i % 20]},
                    code=f"B{i:05d}{secrets.token_hex(5)}",
                    registered_at=now,
                )
                for i, m in enumerate(members)
            ],
            batch_size=1000,
        )
        session = Session.objects.create(
            conference=conference, day=today, title="International perspectives", order=1
        )
        item = Item.objects.create(
            session=session, number=1, title="Lead-off and discussion", speaking_seconds=180
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    codes = list(
        Participant.objects.filter(conference=conference)
        .order_by("pk")
        .values_list("code", flat=True)
    )
    connection.close()
    return {
        "conference": conference.pk,
        "session": session.pk,
        "item": item.pk,
        "codes": codes,
        "chair": store.session_key,
    }


def server_cpu(pgid: int) -> float:
    """CPU seconds (user + system) used so far by every process of the server's process group."""
    import os
    from pathlib import Path

    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick
