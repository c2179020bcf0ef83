from __future__ import annotations

import datetime as dt

from charter.conferences import actions, queries
from charter.conferences.models import CheckIn, Participant
from charter.testing.web import login_as


def build_small_conference(cast, conference, at):  # type: ignore[no-untyped-def]
    """By hand: 4 members and 2 observers; day 1: 4 present, day 2: 3 present; 2 women."""
    people = {
        "alice": ({"sector": "port", "gender": "woman"}, [1, 2]),
        "bilal": ({"sector": "steel", "gender": "man"}, [1, 2]),
        "farhan": ({"sector": "steel", "gender": "man"}, [1]),
        "saima": ({"sector": "railways", "gender": "woman"}, []),
    }
    codes = {}
    for key, (answers, _days) in people.items():
        codes[key] = actions.register_for_conference(
            conference, by=getattr(cast, key), attributes=answers
        ).code
    guest = actions.register_observer(
        conference, by=cast.sara, name="Visitor", attributes={"organization": "ITF"}
    )
    actions.register_observer(
        conference,
        by=cast.sara,
        name="Lawyer",
        category="guest",
        attributes={"organization": "Lawyers' Forum"},
    )
    youth = actions.add_commission(
        conference, by=cast.sara, name="Youth", chair=Participant.objects.get(member=cast.bilal)
    )
    first = actions.add_session(
        conference,
        by=cast.sara,
        day=dt.date(2026, 3, 7),
        title="International perspectives",
        starts_at=dt.time(10),
    )
    actions.add_item(
        first, by=cast.sara, title="Lead-off", lead_off_name="A union secretary", minutes=60
    )
    actions.add_session(
        conference,
        by=cast.sara,
        day=dt.date(2026, 3, 7),
        title="Youth commission",
        commission=youth,
    )
    actions.decide_in_commission(
        youth, by=cast.bilal, text="Study circles in colleges", votes_yes=3
    )
    for day in (1, 2):
        at(f"2026-03-0{6 + day}T08:00:00")
        for key, (_answers, days) in people.items():
            if day in days:
                actions.check_in(conference, by=cast.sara, code=codes[key])
        if day == 1:
            actions.check_in(conference, by=cast.sara, code=guest.code)
    return codes


def test_the_report_figures_match_a_hand_built_conference(cast, conference, at):
    build_small_conference(cast, conference, at)
    r = queries.report(conference)
    assert (r.registered, r.with_vote, r.women) == (6, 4, 2)
    assert r.present == [4, 2]
    assert r.both_days == 2
    sectors = {b.key: b for b in r.breakdowns}["sector"].rows
    assert (
        ("steel", 2, [2, 1]) in sectors
        and ("port", 1, [1, 1]) in sectors
        and ("railways", 1, [0, 0]) in sectors
    )
    regions = {
        label: (n, days) for label, n, days in {b.key: b for b in r.breakdowns}["region"].rows
    }
    assert regions["Sindh"] == (4, [3, 2])  # the observers give no region
    assert dict((label, n) for label, n, _d in r.categories) == {
        "member": 4,
        "observer": 1,
        "guest": 1,
    }
    assert [p.name for p in r.observers] == ["Lawyer", "Visitor"]
    assert [d.number for d in r.commissions[0].decisions.all()] == [1]
    assert r.floor == {"questions": {}, "resolutions": []}  # the floor's own counts: none were sent here
    from charter.record import reconcile

    assert list(reconcile.problems()) == []  # every row made by an act carries its entry, and back


def test_report_pages_html_and_pdf(cast, conference, at, client):
    build_small_conference(cast, conference, at)
    login_as(client, cast.alice)
    page = client.get(f"/conferences/{conference.pk}/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "International perspectives" in html
        and "A union secretary" in html
        and "Study circles in colleges" in html
    )
    assert "<svg" in html and "not kept by this installation" not in html
    assert "0.00 PKR" in html  # the money app's figures: no fund was opened for this conference
    pdf = client.get(f"/conferences/{conference.pk}/report.pdf")
    assert (
        pdf.status_code == 200
        and pdf["Content-Type"] == "application/pdf"
        and pdf.content.startswith(b"%PDF")
    )


def test_registering_on_the_page_and_the_badge(cast, conference, client):
    login_as(client, cast.alice)
    page = client.get(f"/conferences/{conference.pk}/")
    assert page.status_code == 200 and 'name="sector"' in page.content.decode()
    response = client.post(
        f"/conferences/{conference.pk}/register/", {"sector": "port", "gender": "woman"}
    )
    assert response.status_code == 302
    p = Participant.objects.get(member=cast.alice)
    page = client.get(f"/conferences/{conference.pk}/").content.decode()
    assert p.code in page and "<svg" in page


def test_badges_are_for_organizers(cast, conference, client):
    actions.register_for_conference(conference, by=cast.alice)
    login_as(client, cast.alice)
    assert client.get(f"/conferences/{conference.pk}/badges.pdf").status_code == 404
    login_as(client, cast.sara)
    pdf = client.get(f"/conferences/{conference.pk}/badges.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_check_in_through_the_api_is_idempotent_and_counted(cast, conference, at, client):
    p = actions.register_for_conference(conference, by=cast.alice)
    at("2026-03-07T08:00:00")
    login_as(client, cast.sara)
    url = f"/api/conferences/{conference.pk}/check-ins"
    first = client.post(url, {"code": p.code}, content_type="application/json")
    second = client.post(url, {"code": p.code.lower()}, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["created"] is True and second.json()["created"] is False
    assert CheckIn.objects.count() == 1
    unknown = client.post(url, {"code": "ZZZZ9999"}, content_type="application/json")
    assert unknown.status_code == 403 and unknown.json()["articles"] == ["6.1"]
    empty = client.post(url, {"code": ""}, content_type="application/json")
    assert empty.status_code == 422
    counts = client.get(f"/api/conferences/{conference.pk}/counts").json()
    assert counts["present"] == {"2026-03-07": 1, "2026-03-08": 0}
    assert counts["by_region"]["Sindh"]["2026-03-07"] == 1


def test_check_in_page_by_typed_code(cast, conference, at, client):
    p = actions.register_for_conference(conference, by=cast.alice)
    at("2026-03-07T08:00:00")
    login_as(client, cast.sara)
    page = client.post(f"/conferences/{conference.pk}/check-in/", {"code": p.code})
    assert page.status_code == 200 and "Checked in" in page.content.decode()
    counts = client.get(f"/conferences/{conference.pk}/counts/").content.decode()
    assert "<th>member</th><td>1</td><td>0</td>" in counts and "<th>Sindh</th><td>1</td>" in counts
    bad = client.post(f"/conferences/{conference.pk}/check-in/", {"code": "NOPE"})
    assert bad.status_code == 400 and "not registered" in bad.content.decode()
    login_as(client, cast.alice)
    assert client.get(f"/conferences/{conference.pk}/check-in/").status_code == 404


def test_registration_api_refuses_after_closing_with_the_article(cast, conference, at, client):
    at("2026-03-07T08:00:00")
    login_as(client, cast.alice)
    response = client.post(
        f"/api/conferences/{conference.pk}/registration",
        {"attributes": {}},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["articles"] == ["6.1"]


def test_organizers_set_the_programme_on_its_page(cast, conference, client):
    chair = actions.register_for_conference(conference, by=cast.bilal)
    login_as(client, cast.sara)
    url = f"/conferences/{conference.pk}/programme/"
    member = actions.register_for_conference(conference, by=cast.alice)
    form = {"form": "commission", "c-name": "Youth", "c-chair_code": chair.code}
    unknown = client.post(url, {**form, "c-member_codes": "NOPE1234"})
    assert unknown.status_code == 400 and not conference.commissions.exists()
    assert (
        client.post(url, {**form, "c-member_codes": f"{member.code.lower()},\n"}).status_code == 302
    )
    commission = conference.commissions.get()
    assert commission.chair == chair and set(commission.members.all()) == {chair, member}
    response = client.post(
        url,
        {
            "form": "session",
            "s-day": "2026-03-07",
            "s-starts_at": "19:00",
            "s-title": "Youth commission",
            "s-commission": commission.pk,
        },
    )
    assert response.status_code == 302
    session = conference.sessions.get()
    assert (
        client.post(
            url,
            {
                "form": "item",
                "i-session": session.pk,
                "i-title": "Work among students",
                "i-lead_off_name": "The youth organizer",
                "i-minutes": 30,
                "i-speaking_seconds": 180,
            },
        ).status_code
        == 302
    )
    assert session.items.get().lead_off_name == "The youth organizer"
    bad = client.post(url, {"form": "session", "s-day": "2026-04-01", "s-title": "Not a day of it"})
    assert bad.status_code == 400 and "not a day of this conference" in bad.content.decode()
    assert (
        client.post(
            url, {"form": "commission", "c-name": "X", "c-chair_code": "NOPE1234"}
        ).status_code
        == 400
    )
    login_as(client, cast.alice)
    assert client.get(url).status_code == 404
