"""The demo's conferences, built through the actions on the demo's clock (scenario 5).

``plan_conferences(demo)`` is called from the demo's ``plan()``. It schedules:

- a past National Conference of two days in September 2026 in a city hall, convened by the Central
  Committee at its meeting in July: 894 members register over three weeks (vote from the rules),
  from every region and from the steel mills, the port, the airline, the railways, telecoms, the
  post and banks, with students' and lawyers' organizations; 43 women; international observers
  and guests without vote registered by the organizers; the programme (international and national
  perspectives with their lead-offs on Saturday, two commissions in parallel on Saturday evening,
  tactics and organization on Sunday); check-in at the door on each day (some delegations could
  not travel); the youth commission's five numbered decisions, recommendations to the CC, and the
  trade union commission's one; written questions sent from the hall into the queues of the
  plenary sessions (most accepted by an organizer, a few merged or rejected); a fighting-fund appeal
  opened for the conference by the Sindh Regional Secretary, with 30,000 rupees receipted from the
  participants on the two days; and the resolution of greetings, counted on cards and adopted
  unanimously;
- an upcoming conference, convened a week before the demo's "now", with registration open, its
  programme set and a few dozen members registered, for a person to walk through (the demo's
  branch member has not registered yet; Sara and Zainab of the CC organize it); one registrant's
  credentials rejected by the CC at its meeting, for the credentials page, and that held meeting of
  the CC is the one a CC member can record a further decision at (convene another conference, or
  accept the credentials on review).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.apps import apps

from charter.conferences import actions
from charter.conferences.models import Conference, Participant, Session
from charter.rulebook import judge as J
from charter.rulebook.enforce import Decision

SECTORS = [
    ("Steel mills", 190),
    ("Port", 150),
    ("Airline", 70),
    ("Railways", 140),
    ("Telecoms", 90),
    ("Post", 80),
    ("Banks", 74),
]
ORGANIZATIONS = [("Students' Federation", 70), ("Lawyers' Forum", 30)]
REGISTERED = 894
WOMEN = 43
OBSERVERS = [
    ("Maria Santos", "observer", "International Transport Workers (observer)"),
    ("Jean Dupont", "observer", "European trade union delegation"),
    ("Amina Otieno", "observer", "East African labour federation"),
    ("Rahul Verma", "observer", "Indian railway workers' union"),
    ("Li Wei", "observer", "Asian labour network"),
    ("Farida Noor", "guest", "Lawyers' Forum"),
    ("Usman Ghani", "guest", "Students' Federation"),
]
YOUTH_DECISIONS = [
    "Form study circles in the colleges and universities of every region.",
    "Recruit to the Alliance through the study circles, with a member of the branch responsible for each.",
    "Hold a regional school every month, on a programme the youth bureau proposes.",
    "Publish the student manifesto, in Urdu, Sindhi and English, before the new academic year.",
    "Form a national youth bureau, elected by the youth commission of the next conference.",
]
# Written questions sent from the hall to each plenary session's queue.
QUESTIONS = {"International perspectives": 52, "National perspectives": 75, "Tactics": 59}
QUESTION_TOPICS = {
    "International perspectives": [
        "How do we build links with the dock workers in the Gulf ports?",
        "What does the crisis in China mean for our textile workers?",
        "Should we affiliate to an international federation, and which one?",
        "How do the IMF's conditions reach the wages in our factories?",
        "What can we learn from the strikes in Bangladesh's garment industry?",
        "How do we answer the war propaganda on both sides of the border?",
        "What support can we give the migrant workers sending money home?",
        "Is the global slowdown a chance or a danger for the unions here?",
    ],
    "National perspectives": [
        "What is our answer to the privatization of the steel mills?",
        "How do we defend the railway workers' pensions?",
        "Should the Alliance stand candidates in the local elections?",
        "How do we reach the contract workers who are not in any union?",
        "What is our position on the new labour code?",
        "How do we fight the rise in electricity prices together with the residents?",
        "What do we say to the small traders hit by the new taxes?",
        "How do we organize in the special economic zones?",
        "How do we answer the bans on student unions?",
    ],
    "Tactics": [
        "When do we call a national day of action, and with whom?",
        "How do we protect the shop stewards from dismissal?",
        "Should the fighting fund pay strike pay, and at what rate?",
        "How do we work inside the unions led by the old leaderships?",
        "What do we do when a strike is declared illegal?",
        "How do we use the telephone networks to call meetings quickly?",
        "How do we keep our members safe at demonstrations?",
    ],
}
GREETINGS = (
    "This National Conference sends its greetings to the workers of Pakistan and of every country "
    "who are fighting for their rights, and to the organizations whose observers joined us."
)
# The fighting fund: what participants gave on each day of the conference (30,000 rupees in all).
GIFTS_PER_DAY = [2000, 2000] + [1000] * 6 + [500] * 10

TRADE_UNION_DECISIONS = [
    "Work for a new labour federation: 500 unions have pledged to affiliate; the Central Committee to prepare its founding conference.",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


def plan_conferences(demo: Any, *, held_on: dt.date, now: dt.datetime) -> None:
    """Schedule the past conference (first day ``held_on``) and the upcoming one (around ``now``)."""
    state: dict[str, Any] = {}
    rng = random.Random(5)  # its own: the rest of the demo's story draws as before
    convened_on = held_on - dt.timedelta(days=60)
    meets = _at(convened_on, 11)

    titles = {
        "past": "Central Committee: convening the National Conference 2026",
        "next": "Central Committee: convening the women workers' conference",
    }

    def cc_meeting(key: str, when: dt.datetime) -> None:
        sara = demo.special["sara"]
        state[key] = demo.convene(
            demo.cc, sara, titles[key], when, ["Convene a National Conference"]
        )

    def convene(
        key: str, title: str, starts_on: dt.date, days: int, venue: str, closes: dt.date
    ) -> None:
        sara, zainab = demo.special["sara"], demo.special["zainab"]
        present = demo.seat_holders(demo.cc)
        held = demo.attend(state[key], sara, present)
        decision = Decision(
            by=sara.m, body=demo.cc, meeting=held, votes=J.Votes(len(present), 0, 0)
        )
        state[f"{key} meeting"] = held
        state[key] = actions.convene_conference(
            decision=decision,
            kind=Conference.Kind.CONFERENCE,
            title=title,
            venue=venue,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=days - 1),
            registration_closes_on=closes,
            organizers=[sara.m, zainab.m],
        )

    # --- the past conference -------------------------------------------------------------------
    demo.at(meets - dt.timedelta(days=15), cc_meeting, "past", meets)
    demo.at(
        meets,
        convene,
        "past",
        "National Conference 2026",
        held_on,
        2,
        "City Hall, Karachi",
        held_on - dt.timedelta(days=1),
    )

    def pick_registrants() -> None:
        pool = [
            p
            for p in demo.people.values()
            if demo.good_standing(p, held_on - dt.timedelta(days=20))
        ]
        pool.sort(key=lambda p: p.pk)
        chosen = rng.sample(pool, min(REGISTERED, len(pool)))
        sectors = [s for s, n in SECTORS for _i in range(n)] + [
            "" for _o, n in ORGANIZATIONS for _i in range(n)
        ]
        orgs = ["" for _s, n in SECTORS for _i in range(n)] + [
            o for o, n in ORGANIZATIONS for _i in range(n)
        ]
        women = set(rng.sample(range(len(chosen)), min(WOMEN, len(chosen))))
        state["answers"] = [
            (
                p,
                {
                    "sector": sectors[i % len(sectors)],
                    "organization": orgs[i % len(orgs)],
                    "gender": "woman" if i in women else "man",
                },
            )
            for i, p in enumerate(chosen)
        ]

    def register_batch(start: int, stop: int) -> None:
        conference = state["past"]
        for p, answers in state["answers"][start:stop]:
            if demo.good_standing(p):
                state.setdefault("codes", []).append(
                    actions.register_for_conference(conference, by=p.m, attributes=answers).code
                )

    def organize() -> None:
        conference = state["past"]
        sara = demo.special["sara"].m
        for name, category, org in OBSERVERS:
            actions.register_observer(
                conference, by=sara, name=name, category=category, attributes={"organization": org}
            )
        regs = list(
            Participant.objects.filter(
                conference=conference, category=Participant.Category.MEMBER
            ).order_by("pk")
        )
        students = [p for p in regs if p.attributes.get("organization") == "Students' Federation"]
        workers = [p for p in regs if p.attributes.get("sector")]
        tu = actions.add_commission(
            conference,
            by=sara,
            name="Trade union commission",
            chair=workers[0],
            members=workers[:160],
        )
        youth = actions.add_commission(
            conference,
            by=sara,
            name="Youth commission",
            chair=students[0] if students else regs[1],
            members=students + regs[-20:],
        )
        state["commissions"] = (tu, youth)
        sat, sun = held_on, held_on + dt.timedelta(days=1)
        programme = [
            (
                sat,
                dt.time(10),
                "International perspectives",
                None,
                [
                    (
                        "Lead-off: the world crisis and the workers' movement",
                        "A union secretary",
                        60,
                    ),
                    ("Contributions from the floor", "", 45),
                    ("Summing up", "A union secretary", 15),
                ],
            ),
            (
                sat,
                dt.time(14),
                "National perspectives",
                None,
                [
                    (
                        "Lead-off: the economy, the state and the unions",
                        "The General Secretary",
                        120,
                    ),
                    ("Contributions from the floor", "", 60),
                ],
            ),
            (
                sat,
                dt.time(19),
                "Trade union commission",
                tu,
                [("A new labour federation", "The trade union secretary", 30)],
            ),
            (
                sat,
                dt.time(19),
                "Youth commission",
                youth,
                [("Work among students", "The youth organizer", 30)],
            ),
            (
                sun,
                dt.time(10),
                "Tactics",
                None,
                [
                    (
                        "Lead-off: tactics for the coming year",
                        "A member of the Central Committee",
                        60,
                    ),
                    ("Contributions from the floor", "", 60),
                ],
            ),
            (
                sun,
                dt.time(14),
                "Organization",
                None,
                [
                    ("Lead-off: building the Alliance", "The organizing secretary", 45),
                    ("Fighting fund appeal", "", 15),
                ],
            ),
            (
                sun,
                dt.time(16),
                "Closing",
                None,
                [
                    ("Resolution of greetings", "", 10),
                    ("International report", "An international observer", 20),
                ],
            ),
        ]
        for day, starts, title, commission, items in programme:
            session = actions.add_session(
                conference, by=sara, day=day, title=title, starts_at=starts, commission=commission
            )
            for item_title, lead, minutes in items:
                actions.add_item(
                    session, by=sara, title=item_title, lead_off_name=lead, minutes=minutes
                )

    def check_in_day(day_number: int, share: float) -> None:
        conference = state["past"]
        door = demo.special["zainab"].m
        codes = list(
            Participant.objects.filter(conference=conference)
            .order_by("pk")
            .values_list("code", flat=True)
        )
        present = rng.sample(codes, round(len(codes) * share))
        for code in present:
            actions.check_in(conference, by=door, code=code)

    def commissions_decide() -> None:
        tu, youth = state["commissions"]
        for commission, texts in ((youth, YOUTH_DECISIONS), (tu, TRADE_UNION_DECISIONS)):
            chair = commission.chair.member
            size = commission.members.count()
            for text in texts:
                actions.decide_in_commission(
                    commission, by=chair, text=text, votes_yes=size - 3, votes_no=1, votes_abstain=2
                )

    opens = convened_on + dt.timedelta(days=1)
    demo.at(_at(opens, 8), pick_registrants)
    batches = 20
    per = -(-REGISTERED // batches)
    for i in range(batches):
        demo.at(
            _at(opens + dt.timedelta(days=2 + i * 2), 18), register_batch, i * per, (i + 1) * per
        )
    demo.at(_at(held_on - dt.timedelta(days=5), 12), organize)
    demo.at(_at(held_on, 8), check_in_day, 1, 0.97)
    demo.at(_at(held_on, 20, 30), commissions_decide)
    demo.at(_at(held_on + dt.timedelta(days=1), 8), check_in_day, 2, 0.95)
    floor_rng = random.Random(55)  # its own too: the draws above stay as they were
    if apps.is_installed("charter.floor"):
        _plan_floor(demo, state, floor_rng, held_on)
    if apps.is_installed("charter.money"):
        _plan_fund(demo, state, floor_rng, held_on)

    # --- the upcoming conference ---------------------------------------------------------------
    soon = now - dt.timedelta(days=7)
    demo.at(_at(soon.date() - dt.timedelta(days=15), 9), cc_meeting, "next", _at(soon.date(), 11))
    starts = (now + dt.timedelta(days=40)).date()
    demo.at(
        _at(soon.date(), 11),
        convene,
        "next",
        "Women workers' conference",
        starts,
        1,
        "Trade Union House, Lahore",
        starts - dt.timedelta(days=2),
    )

    def upcoming_programme() -> None:
        conference = state["next"]
        sara = demo.special["sara"].m
        session = actions.add_session(
            conference, by=sara, day=starts, title="Women in the workplace", starts_at=dt.time(10)
        )
        actions.add_item(
            session,
            by=sara,
            title="Lead-off: organizing women workers",
            lead_off_name="The women's secretary",
            minutes=45,
        )
        actions.add_item(session, by=sara, title="Contributions from the floor", minutes=60)
        session = actions.add_session(
            conference, by=sara, day=starts, title="Campaigns", starts_at=dt.time(14)
        )
        actions.add_item(
            session,
            by=sara,
            title="Equal pay and childcare",
            lead_off_name="A telecoms shop steward",
            minutes=30,
        )
        farhan = demo.special["farhan"].pk
        pool = [
            p
            for p in demo.people.values()
            if p.pk != farhan and not p.reserved and demo.good_standing(p)
        ]
        registered = [
            actions.register_for_conference(
                conference,
                by=p.m,
                attributes={
                    "sector": rng.choice(SECTORS)[0],
                    "gender": rng.choice(["woman", "woman", "man"]),
                },
            )
            for p in rng.sample(sorted(pool, key=lambda q: q.pk), min(36, len(pool)))
        ]
        state["next registered"] = registered

    def dispute_credentials() -> None:
        """A registrant of her branch disputes, in writing, another's credentials: she had left the
        branch. The CC, at its meeting, rejects them with its reasons. A second dispute is left
        open, for a person to read on the credentials page and decide at a meeting of the CC."""
        registered = state["next registered"]
        actions.dispute_credentials(
            registered[0],
            by=registered[1],
            grounds="She moved to Lahore in the spring and no longer takes part in the branch's work.",
        )
        actions.dispute_credentials(
            registered[2],
            by=registered[3],
            grounds="Registered as working in the port, but left the port two years ago.",
        )
        sara = demo.special["sara"]
        present = demo.seat_holders(demo.cc)
        decision = Decision(
            by=sara.m,
            body=demo.cc,
            meeting=state["next meeting"],
            votes=J.Votes(len(present) - 2, 1, 1),
            reasons="Her branch reports that she moved away and no longer takes part in its work.",
        )
        actions.decide_credentials(state["next registered"][0], decision=decision, accept=False)

    demo.at(_at(soon.date(), 15), upcoming_programme)
    demo.at(_at(soon.date(), 16), dispute_credentials)
    _plan_congress(demo, rng, now)


# --- the Congress: convened, delegates allocated, one branch's delegates elected -------------------


def _plan_congress(demo: Any, rng: random.Random, now: dt.datetime) -> None:
    """The CC convenes the Third Congress at its meeting, 75 days ahead (60 are needed): delegates
    are allocated to every branch by its members in good standing (3.1). Karachi Port's meeting
    elects its delegates by a secret ballot counted by the voting kernel, and they are seated; the
    other branches have still to elect theirs (a person can do it on the delegates page)."""
    from charter.voting.actions import cast_vote, close_poll, create_poll, open_poll, publish_poll

    state: dict[str, Any] = {}
    decided = _at((now - dt.timedelta(days=25)).date(), 11)
    elects = _at((now - dt.timedelta(days=10)).date(), 13)
    starts = decided.date() + dt.timedelta(days=75)

    def call_cc() -> None:
        sara = demo.special["sara"]
        state["cc"] = demo.convene(
            demo.cc,
            sara,
            "Central Committee: the Third Congress",
            decided,
            ["Convene the Third Congress", "Any other business"],
        )

    def convene_congress() -> None:
        sara, zainab = demo.special["sara"], demo.special["zainab"]
        present = demo.seat_holders(demo.cc)
        held = demo.attend(state["cc"], sara, present)
        decision = Decision(
            by=sara.m, body=demo.cc, meeting=held, votes=J.Votes(len(present), 0, 0)
        )
        state["congress"] = actions.convene_conference(
            decision=decision,
            kind=Conference.Kind.CONGRESS,
            title="Third Congress",
            venue="Arts Council, Karachi",
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=1),
            organizers=[sara.m, zainab.m],
        )

    def call_branch() -> None:
        bilal = demo.special["bilal"]
        b = demo.branches[bilal.branch]
        state["branch"] = demo.convene(
            b.body,
            bilal,
            f"{b.unit.name}: election of delegates to the Third Congress",
            elects,
            ["Minutes of the previous meeting", "Election of delegates to the Third Congress"],
        )

    def elect_delegates() -> None:
        bilal = demo.special["bilal"]
        b = demo.branches[bilal.branch]
        congress = state["congress"]
        seats = congress.allocations.get(unit=b.unit).delegates
        standing = [
            demo.people[pk] for pk in sorted(b.members) if demo.good_standing(demo.people[pk])
        ]
        present = [
            bilal,
            *rng.sample([p for p in standing if p is not bilal], (len(standing) * 2) // 3),
        ]
        held = demo.attend(state["branch"], bilal, present)
        # Not the demo's plain member (Farhan, of this branch): a delegate sits on a deciding body
        # and so signs in with a second factor; the README's `member` signs in without one.
        farhan = demo.special["farhan"].pk
        pool = [p for p in standing if p.activist and p is not bilal and p.pk != farhan and not p.reserved]
        runners = rng.sample(pool, min(seats + 2, len(pool)))
        poll = create_poll(
            b.body,
            by=bilal.m,
            title="Delegates to the Third Congress",
            method="irv" if seats == 1 else "scottish-stv",
            mode="secret",
            options=[p.m.name for p in runners],
            seats=seats,
            meeting=held,
            seat_body=congress.body,
            candidates=[p.m for p in runners],
        )
        open_poll(poll, by=bilal.m)
        weights = [
            len(runners) - i for i in range(len(runners))
        ]  # the first runners are better known
        for voter in present:
            order = sorted(range(1, len(runners) + 1), key=lambda i: -rng.random() * weights[i - 1])
            cast_vote(
                poll,
                voter=voter.m,
                vote=order[: rng.randint(1, len(order))],
                idempotency_key=f"demo-congress-{voter.pk}",
            )
        publish_poll(close_poll(poll, by=bilal.m), by=bilal.m)
        poll.refresh_from_db()
        actions.elect_delegates_by_poll(congress, poll=poll, by=bilal.m)

    demo.at(decided - dt.timedelta(days=15), call_cc)
    demo.at(decided, convene_congress)
    demo.at(now - dt.timedelta(days=18), call_branch)
    demo.at(elects, elect_delegates)


# --- the floor and the fighting fund of the past conference ---------------------------------------


def _present(conference: Conference, day: dt.date, *, with_vote: bool = False) -> list[Participant]:
    """Members checked in on ``day``, in a stable order."""
    rows = Participant.objects.filter(
        conference=conference, member__isnull=False, check_ins__day=day
    ).order_by("pk")
    if with_vote:
        rows = rows.filter(has_vote=True)
    return list(rows)


def _plan_floor(demo: Any, state: dict[str, Any], rng: random.Random, held_on: dt.date) -> None:
    """Questions sent from the hall during each plenary session, moderated as they come; the
    resolution of greetings submitted on Sunday morning and voted on cards in the closing session."""
    from charter.floor import actions as floor
    from charter.voting import actions as voting
    from charter.voting.models import Poll

    def ask(title: str, day: dt.date, start: int, stop: int) -> None:
        conference = state["past"]
        session = Session.objects.get(conference=conference, title=title)
        hall = _present(conference, day)
        topics = QUESTION_TOPICS[title]
        for i in range(start, stop):
            who = hall[rng.randrange(len(hall))]
            floor.submit_question(
                session, participant=who, text=topics[i % len(topics)], key=f"q-{session.pk}-{i}"
            )

    def moderate(title: str) -> None:
        from charter.floor.models import Question

        conference = state["past"]
        organizer = demo.special["zainab"].m
        session = Session.objects.get(conference=conference, title=title)
        kept = None
        waiting = Question.objects.filter(session=session, state=Question.State.SUBMITTED)
        for i, question in enumerate(waiting.order_by("pk")):
            if kept is not None and i % 11 == 5:  # the same question again: merged
                floor.moderate_question(question, by=organizer, decision="merge", into=kept)
            elif i % 13 == 7:  # off the subject
                floor.moderate_question(question, by=organizer, decision="reject")
            else:
                kept = floor.moderate_question(question, by=organizer, decision="accept")

    sat, sun = held_on, held_on + dt.timedelta(days=1)
    for title, day, hour in (
        ("International perspectives", sat, 10),
        ("National perspectives", sat, 14),
        ("Tactics", sun, 10),
    ):
        n = QUESTIONS[title]
        half = n // 2
        demo.at(_at(day, hour, 40), ask, title, day, 0, half)
        demo.at(_at(day, hour + 1, 10), ask, title, day, half, n)
        demo.at(_at(day, hour + 1, 20), moderate, title)

    def submit_greetings() -> None:
        conference = state["past"]
        voters = _present(conference, sun, with_vote=True)
        state["greetings"] = floor.submit_resolution(
            conference, participant=voters[0], title="Resolution of greetings", text=GREETINGS
        )
        for p in voters[1:12]:
            floor.support_resolution(state["greetings"], participant=p)

    def vote_greetings() -> None:
        conference = state["past"]
        chair = demo.special["sara"].m
        resolution = state["greetings"]
        poll = floor.put_to_vote(resolution, by=chair, mode=Poll.Mode.PAPER)
        cards = len(_present(conference, sun, with_vote=True))
        voting.enter_paper_batch(poll, by=chair, lines=[(cards, "yes")])
        voting.close_poll(poll, by=chair)
        voting.publish_poll(poll, by=chair)
        floor.declare_result(resolution, by=chair)

    demo.at(_at(sun, 11, 30), submit_greetings)
    demo.at(_at(sun, 16, 10), vote_greetings)


def _plan_fund(demo: Any, state: dict[str, Any], rng: random.Random, held_on: dt.date) -> None:
    """The Sindh Regional Secretary opens a fighting-fund appeal for the conference on its first
    morning; participants give on both days, receipted by their own Branch Secretaries."""
    from charter.members.models import Member, Status
    from charter.money.actions import open_fund, receive_contribution
    from charter.money.demo import _secretary
    from charter.rulebook.enforce import Refused

    def open_appeal() -> None:
        sindh = demo.regions["Sindh"]
        secretary = _secretary(sindh, "regional_secretary", "regional_committee")
        if secretary is not None:
            state["fund"] = open_fund(
                kind="appeal",
                unit=sindh,
                title="Conference fighting fund",
                target="50000",
                closes_on=held_on + dt.timedelta(days=1),
                by=secretary,
                conference=state["past"],
            )

    def collect(day: dt.date) -> None:
        fund = state.get("fund")
        if fund is None:
            return
        hall = _present(state["past"], day)
        rng.shuffle(hall)
        secretaries: dict[int, Member | None] = {}
        gifts = list(GIFTS_PER_DAY)
        for participant in hall:
            if not gifts:
                break
            member = Member.objects.select_related("branch").get(pk=participant.member_id)
            if member.status != Status.MEMBER:
                continue
            if member.branch_id not in secretaries:
                secretaries[member.branch_id] = _secretary(
                    member.branch, "branch_secretary", "branch_meeting"
                )
            secretary = secretaries[member.branch_id]
            if secretary is None or secretary.pk == member.pk:
                continue
            try:
                receive_contribution(
                    fund,
                    by=secretary,
                    amount=str(gifts[0]),
                    method="cash",
                    member=member,
                )
            except Refused:
                continue  # on the record; the next participant gives instead
            gifts.pop(0)

    demo.at(_at(held_on, 9, 30), open_appeal)
    demo.at(_at(held_on, 18), collect, held_on)
    demo.at(_at(held_on + dt.timedelta(days=1), 15), collect, held_on + dt.timedelta(days=1))
