"""The demo organization: the Workers' Democratic Alliance, nearly eight years of it, built only
through actions.

``load()`` walks forward through time with a frozen clock, from the founding on 2019-01-10 to the
demo's "now", 2026-11-20 (moved forward by whole weeks when it is loaded later, so that "now" is
the week of loading), and does every act at its real date: the founding (rulebook, units,
founders and their seats), then applications and their admission or refusal by the Regional
Committees, dues, reminders and lapses, transfers and resignations, the yearly Regional Aggregates
that elect the Regional Committees (which then elect their Regional Secretaries), branch meetings
that elect their Branch Secretaries, meetings of the Central Committee, the Secretariat and the
Control Commission, and a few vacancies filled by co-option. Nothing is written to the database
except through the actions, so the record holds every step and verifies.

The story the demo tells:

- Seven regions. The founding Regional Committees' terms ran out in January 2020; the first
  aggregates, called for the spring, were postponed by the COVID-19 lockdown and held in the autumn
  of 2020. Since then each region's aggregate meets once a year, the day after the committee's
  one-year term has run out, and the new committee elects its Regional Secretary at its first
  meeting (in 2025 the Sindh committee took until December). Before the demo's last year the
  committees meet every six weeks (each application is still decided within the 60 days of 1.1)
  and branches hold only their annual meeting; from November 2025 branches and committees meet
  monthly, with minutes approved at the next meeting.
- Punjab is growing: more applications every year, its aggregate enlarged its committee from 7 to
  9 seats in 2024, and the Punjab Regional Committee created a new branch (Lahore Township) in
  March 2025.
- Balochistan has gone quiet (scenario 6; its story is in charter/org/demo_story.py): its branches
  met less and less, mostly without a quorum from December 2025, so Branch Secretaries' terms ran
  out with no one elected, and they stopped meeting after the spring of 2026; recruitment has
  stalled there, and members are falling into arrears and lapsing. Its Regional Committee still
  meets, but filled a vacancy by co-option rather than election, left applications undecided
  beyond the 60 days of 1.1, and let the deadline of an initiative addressed to it pass.
- Scenario 1 (docs: SCENARIOS.md): Farhan Shaikh, Saima Jatoi and Tariq Mirani, members in Sindh
  since 2019 and 2020. Saima was elected to the Sindh Regional Committee by the aggregate on
  2026-11-15. Tariq, a founder of the register, sat on the Central Committee before the Alliance's
  records moved into Charter in 2019 (that term is part of the story, not of the record: the rules
  end Central Committee terms only at a Congress) and runs the region's Sindhi-language website.
  On 2026-11-20 the Sindh Regional Secretary, Rashid Soomro, tries to expel the three "by the CC
  sub-committee" for "inactivity": each attempt is refused, with its articles, and the refusals are
  on the record. So is his attempt to remove Saima from her new seat.
"""

from __future__ import annotations

import datetime as dt
import gc
import heapq
import itertools
import math
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from charter.conferences.demo import plan_conferences
from charter.discipline.actions import (
    decide_appeal,
    decide_measure,
    deliver_charge,
    file_appeal,
    frame_charge,
    reply_to_charge,
    schedule_appeal_hearing,
    schedule_hearing,
)
from charter.discipline.models import Appeal, Case
from charter.elections.actions import (
    co_opt_to_seat,
    elect_officer,
    elect_to_seat,
    expire_terms,
    fix_seats,
    remove_from_seat,
    seat_founder,
)
from charter.elections.demo import plan_by_election
from charter.initiatives.actions import sign_initiative, start_initiative
from charter.lib import clock
from charter.meetings.actions import (
    approve_minutes,
    convene_meeting,
    decide_motion,
    record_attendance,
)
from charter.meetings.models import Meeting
from charter.members.actions import (
    admit_member,
    apply_for_membership,
    enrol_founder,
    lapse_member,
    record_dues_payment,
    refuse_admission,
    resign_membership,
    send_dues_reminder,
    transfer_member,
)
from charter.members.models import Member, subtract_months
from charter.money import demo as money_demo
from charter.org import demo_story
from charter.org.actions import close_founding, create_unit, found_organization
from charter.org.models import Body, Mandate, Unit
from charter.record.checkpoints import sign_if_due
from charter.rulebook import judge as J
from charter.rulebook.actions import install_founding_rulebook
from charter.rulebook.compute import months_between
from charter.rulebook.enforce import Decision, Refused
from charter.rulebook.rosters import max_arrears
from charter.rulebook.spec import DATA_DIR
from charter.rulebook.store import rulebook_on

UTC = dt.UTC
# The story is written for a "now" of 2026-11-20. Loaded later, the whole timeline moves forward by
# whole weeks (weekdays stay weekdays), so the demo's "now" is always the week it was loaded in and
# terms, dues and deadlines are as fresh when it is served as the story says.
STORY_NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _loaded_at() -> dt.datetime:
    """Now, or the moment CHARTER_DEMO_LOADED_AT names (to try the demo as it would load later)."""
    named = os.environ.get("CHARTER_DEMO_LOADED_AT", "")
    return dt.datetime.fromisoformat(named).replace(tzinfo=UTC) if named else dt.datetime.now(UTC)


SHIFT = dt.timedelta(weeks=(_loaded_at() - STORY_NOW) // dt.timedelta(weeks=1))


def story_date(year: int, month: int, day: int) -> dt.date:
    """A date of the story, moved to the week the demo is loaded in."""
    return dt.date(year, month, day) + SHIFT


def story_year(day: dt.date) -> int:
    """The year of the story a (moved) date belongs to: what the story's yearly figures key on."""
    return (day - SHIFT).year


FOUNDED = dt.datetime(2019, 1, 10, 4, 0, tzinfo=UTC) + SHIFT  # 09:00 in Pakistan
NOW = STORY_NOW + SHIFT  # the demo's "now"
LAST_YEAR = story_date(2025, 11, 1)  # from here on branches meet monthly
QUIET_FROM = story_date(2026, 5, 20)  # Balochistan's branches do not meet after this
PASSWORD = "charter-demo"

# --- the map: regions, areas, branches (weight = relative size) ----------------------------------
# (region, Regional Committee seats, date of the first aggregate (2020), areas)
STRUCTURE: list[tuple[str, int, dt.date, list[tuple[str, list[tuple[str, float]]]]]] = [
    ("Sindh", 7, story_date(2020, 11, 9), [
        ("Karachi", [("Karachi Port", 3.0), ("Karachi Steel Mills", 3.0), ("Korangi Industrial Area", 2.0),
                     ("Lyari", 1.5), ("Orangi Town", 1.5)]),
        ("Hyderabad", [("Hyderabad City", 1.5), ("Latifabad", 1.0), ("Kotri Industrial Estate", 1.0)]),
        ("Upper Sindh", [("Sukkur", 1.0), ("Larkana", 1.0)]),
    ]),
    ("Punjab", 7, story_date(2020, 10, 24), [
        ("Lahore", [("Lahore Railway Workshops", 3.0), ("Kot Lakhpat", 2.0), ("Shahdara", 1.2), ("Lahore University Campus", 1.5)]),
        ("Faisalabad", [("Faisalabad Textile Mills", 2.5), ("Jhang Bazaar", 1.0)]),
        ("Multan", [("Multan City", 1.2)]),
        ("Rawalpindi", [("Rawalpindi Saddar", 1.2), ("Taxila Heavy Industries", 1.2)]),
    ]),
    ("Khyber Pakhtunkhwa", 7, story_date(2020, 10, 17), [
        ("Peshawar", [("Peshawar University", 1.5), ("Hayatabad Industrial Estate", 1.5)]),
        ("Mardan and Swat", [("Mardan", 1.0), ("Mingora", 0.8)]),
        ("Southern Districts", [("Kohat", 0.7), ("Dera Ismail Khan", 0.7)]),
    ]),
    ("Balochistan", 5, story_date(2020, 10, 10), [
        ("Quetta", [("Quetta City", 1.2), ("Sariab Road", 0.8), ("Sor Range Coal Miners", 1.0)]),
        ("Makran", [("Gwadar Port", 0.9), ("Turbat", 0.6)]),
        ("Lasbela", [("Hub Industrial Estate", 1.0)]),
    ]),
    ("Islamabad", 5, story_date(2020, 10, 3), [
        ("Islamabad Urban", [("I-9 Industrial Area", 1.0), ("Quaid-i-Azam University", 1.2)]),
        ("Islamabad Rural", [("Bhara Kahu", 0.6), ("Tarnol", 0.6)]),
    ]),
    ("Gilgit-Baltistan", 5, story_date(2020, 9, 26), [
        ("Gilgit", [("Gilgit City", 1.0), ("Hunza", 0.7)]),
        ("Baltistan", [("Skardu", 0.9), ("Khaplu", 0.5)]),
    ]),
    ("Azad Kashmir", 5, story_date(2020, 9, 19), [
        ("Muzaffarabad", [("Muzaffarabad City", 1.0), ("University of Azad Jammu and Kashmir", 0.8)]),
        ("Mirpur", [("Mirpur City", 1.0), ("Kotli", 0.6)]),
        ("Poonch", [("Rawalakot", 0.8)]),
    ]),
]
NEW_BRANCH = ("Punjab", "Lahore", "Lahore Township", story_date(2025, 3, 1))
ENLARGED = ("Punjab", 2024, 9)  # the Punjab aggregate of 2024 fixes its growing committee at 9 seats

# --- names ---------------------------------------------------------------------------------------
_MEN = {
    "urdu": "Ahmed Ali Hassan Hussain Usman Bilal Imran Kashif Asif Adnan Faisal Zubair Naveed Shahid Khalid Salman Saleem Waqas Zeeshan "
            "Junaid Kamran Nadeem Tahir Sajid Arif Irfan Omar Hamza Danish Yasir Shoaib Aamir Fahad Rizwan Asad Atif Naeem Javed Anwar".split(),
    "sindhi": ["Ali Nawaz", "Ghulam Mustafa", "Sikandar", "Allah Bux", "Imdad", "Mumtaz", "Niaz", "Wali Muhammad", "Khadim", "Altaf",
               "Sono", "Manzoor", "Ayaz", "Zulfiqar", "Sarfaraz", "Shahnawaz", "Hyder", "Murad", "Nisar", "Rasool Bux", "Amjad",
               "Abdul Hameed", "Ghulam Qadir", "Mehboob", "Anwar", "Aijaz", "Sajjad", "Qurban", "Mukhtiar", "Shafi Muhammad"],
    "punjabi": ["Ijaz", "Mushtaq", "Ashfaq", "Shafqat", "Nasir", "Azhar", "Shafiq", "Liaqat", "Riaz", "Sarwar", "Mehmood", "Tanveer",
                "Zahid", "Abid", "Khurram", "Waseem", "Naveed", "Rashid", "Shahbaz", "Arshad", "Akram", "Ghulam Rasool", "Muhammad Iqbal",
                "Muhammad Aslam", "Muhammad Ashraf", "Amir", "Babar", "Imtiaz", "Sohail", "Umar Farooq", "Qaiser", "Tariq"],
    "pashto": ["Gul Khan", "Sher Ali", "Zaman", "Wali Khan", "Bakht Zada", "Jamshed", "Aimal", "Mir Alam", "Shah Faisal", "Fazal",
               "Naseer", "Ihsan", "Inamullah", "Ajmal", "Taimur", "Haroon", "Sardar", "Noor Muhammad", "Hidayatullah", "Samiullah",
               "Rahmatullah", "Hayatullah", "Zahid", "Shahab", "Daud", "Asfandyar", "Mian Gul", "Shaukat", "Iftikhar", "Ziaullah"],
    "baloch": ["Jan Muhammad", "Dad Karim", "Nazar", "Hammal", "Chakar", "Doda", "Jiand", "Bashir", "Rahim Bakhsh", "Dost Muhammad",
               "Shahdad", "Wahid", "Sanaullah", "Ghafoor", "Akbar", "Karim Bakhsh", "Abdul Malik", "Asghar", "Hasil", "Murad",
               "Nawaz", "Dilmurad", "Sabir", "Kahda", "Mir Hazar", "Gulzar", "Lal Bakhsh", "Yousaf"],
    "gb": ["Karim", "Amin", "Sher Baz", "Ashraf", "Ghulam Abbas", "Ali Madad", "Shujaat", "Sultan", "Nazir", "Mir Aziz", "Zahoor",
           "Fida Hussain", "Qurban Ali", "Ehsan", "Ali Raza", "Baqir", "Musa", "Wazir", "Ibrahim", "Shams"],
    "kashmiri": ["Raja Khalid", "Sardar Tanveer", "Ishtiaq", "Khurshid", "Mushtaq", "Basharat", "Shaukat", "Rafique", "Sajid", "Arshad",
                 "Zulfiqar", "Tahir", "Naveed", "Raja Faisal", "Ghulam Nabi", "Manzoor", "Shabbir", "Latif", "Javed", "Aftab"],
}
_WOMEN = {
    "urdu": "Ayesha Fatima Sana Hina Rabia Nadia Shazia Sadia Amna Zainab Maryam Rukhsana Nasreen Farzana Samina Uzma Bushra Kiran "
            "Mehwish Sidra Iqra Asma Nazia Shabana Huma Tahira Saba Rubina Fozia Arifa".split(),
    "sindhi": ["Marvi", "Sassui", "Sohni", "Rani", "Noor", "Zubeda", "Hameeda", "Sughra", "Parveen", "Naseem", "Shama", "Jamila",
               "Sabira", "Reshma", "Saira", "Amar", "Nasim", "Shireen", "Zeenat", "Khairunnisa"],
    "punjabi": ["Nusrat", "Shamim", "Kausar", "Perveen", "Ghazala", "Robina", "Tahira", "Shagufta", "Anila", "Nabila", "Samreen",
                "Rizwana", "Sobia", "Asma", "Naila", "Sumaira", "Farah", "Saadia", "Ambreen", "Sajida"],
    "pashto": ["Malalai", "Zarghuna", "Palwasha", "Gul Bibi", "Shabnam", "Nazo", "Rahima", "Wagma", "Nilofar", "Lailuma", "Zarmina",
               "Bakht Bibi", "Sumbal", "Gulalai", "Hasina", "Shaista"],
    "baloch": ["Mahnaz", "Banuk", "Hani", "Sammi", "Gul Bano", "Mahrang", "Sabiha", "Zareena", "Naz Bibi", "Shari", "Bibi Gul",
               "Mahganj", "Sadia", "Zubaida"],
    "gb": ["Shahida", "Gulshan", "Sakina", "Rehana", "Kulsoom", "Nargis", "Zahida", "Bibi Fatima", "Shireen", "Gul Jan"],
    "kashmiri": ["Shamim", "Nighat", "Rukhsar", "Samina", "Sakeena", "Nasreen", "Tasleem", "Farhat", "Zarina", "Shaheen"],
}
_SURNAMES = {
    "urdu": "Siddiqui Ansari Qureshi Hashmi Zaidi Rizvi Naqvi Jafri Farooqui Usmani Khan Alvi Hussaini Kazmi Sheikh Baig Mirza Akhtar Rehman".split(),
    "sindhi": "Soomro Jatoi Mirani Chandio Bhutto Shaikh Memon Abro Junejo Laghari Talpur Mahar Unar Brohi Kalhoro Sial Panhwar Jamali "
              "Khoso Solangi Channa Magsi Dahri Rind Samejo Jakhrani Lashari Kalwar Halepoto Bughio".split(),
    "punjabi": "Butt Chaudhry Gondal Warraich Cheema Bajwa Gill Sandhu Virk Dar Awan Malik Rana Gujjar Arain Mughal Bhatti Sheikh Ahmad "
               "Javed Kahloon Tarar Randhawa Sahi Anjum Saleem Nawaz Aslam".split(),
    "pashto": "Khan Afridi Yousafzai Khattak Mohmand Shinwari Durrani Marwat Wazir Bangash Orakzai Kakar Achakzai Tareen Swati "
              "Gandapur Mahsud Khalil Momand Turi Jadoon".split(),
    "baloch": "Baloch Marri Bugti Mengal Bizenjo Rind Raisani Zehri Lehri Jamaldini Langove Shahwani Kurd Gichki Dashti Hoth "
              "Nausherwani Bangulzai Jamali".split(),
    "gb": "Baig Hunzai Nagri Shigri Balti Hussain Ali Raza Jafri Shah Tajik Karim".split(),
    "kashmiri": "Sudhan Abbasi Raja Chaudhry Awan Mughal Qureshi Gilani Rathore Khan Mir Lone Dar Kiani".split(),
}
# Which name traditions each region draws on, with weights.
_POOLS = {
    "Sindh": [("sindhi", 0.55), ("urdu", 0.45)],
    "Punjab": [("punjabi", 0.85), ("urdu", 0.15)],
    "Khyber Pakhtunkhwa": [("pashto", 0.9), ("urdu", 0.1)],
    "Balochistan": [("baloch", 0.6), ("pashto", 0.4)],
    "Islamabad": [("punjabi", 0.35), ("pashto", 0.25), ("urdu", 0.3), ("kashmiri", 0.1)],
    "Gilgit-Baltistan": [("gb", 1.0)],
    "Azad Kashmir": [("kashmiri", 0.9), ("punjabi", 0.1)],
}

# The documented people of the demo: key -> (name, region, branch, language).
_SPECIAL: dict[str, tuple[str, str, str, str]] = {
    "tariq": ("Tariq Mirani", "Sindh", "Hyderabad City", "sd"),
    "rashid": ("Rashid Soomro", "Sindh", "Hyderabad City", "sd"),
    "bilal": ("Bilal Memon", "Sindh", "Karachi Port", "ur"),
    "imran": ("Imran Chandio", "Sindh", "Larkana", "sd"),
    "sara": ("Sara Qureshi", "Punjab", "Lahore Railway Workshops", "en"),
    "zainab": ("Zainab Abbasi", "Islamabad", "Quaid-i-Azam University", "en"),
    "farhan": ("Farhan Shaikh", "Sindh", "Karachi Port", "sd"),
    "saima": ("Saima Jatoi", "Sindh", "Karachi Port", "sd"),
}
_FOUNDING_SPECIALS = ("tariq", "rashid", "bilal", "imran", "sara", "zainab")

_LETTERS = [
    "I am leaving Pakistan for work in the Gulf and resign my membership. Thank you, comrades.",
    "For family reasons I can no longer take part, and I resign my membership of the Alliance.",
    "I resign my membership with effect from today. I remain a friend of the Alliance.",
    "My new job leaves me no time for the branch. Please accept my resignation.",
    "I disagree with the direction of the Alliance and resign my membership.",
    "I am moving abroad to study and resign my membership for now.",
]
_REFUSAL_REASONS = [
    "The applicant is an office holder of a party whose aims are opposed to the Alliance's, and does not accept its aims (1.1).",
    "The applicant could not be reached at the address or number given to confirm the application (1.1).",
    "The applicant stated in the interview that they do not accept the aims of the Alliance (1.1).",
]
_BRANCH_MOTIONS = [
    "Hold a study circle on the history of the labour movement",
    "Join the May Day march with the branch banner",
    "Collect for the strike fund of the port workers",
    "Distribute the bulletin at the factory gates every fortnight",
    "Hold an open meeting on the price of flour and electricity",
    "Support the lady health workers' protest for regular contracts",
    "Send two members to the regional school on trade union organizing",
    "Visit the families of the workers injured in the factory fire",
]
_RC_MOTIONS = [
    "Hold a regional school on the Basic Document for new members",
    "Ask every area to report on its branches' meetings and dues",
    "Support the regional strike of the textile workers",
    "Translate the bulletin into the regional languages",
    "Organize a regional women's meeting before the National Conference",
    "Set up a fund for members who lose their jobs",
]
_CC_MOTIONS = [
    "Adopt the perspectives document for the coming year",
    "Call a national day of action for the minimum wage",
    "Oppose the privatization of the steel mills and the railways",
    "Launch the fighting-fund appeal",
    "Publish the members' bulletin every quarter in English, Urdu and Sindhi",
    "Convene the National Conference in Lahore",
    "Approve the budget for the coming year",
    "Support the affiliation of unions to the new labour federation",
]
# The demo's sign-ins: username, who they are, and the story's person behind them.
CAST = [
    ("member", "a branch member", "farhan"),
    ("secretary", "a branch secretary", "bilal"),
    ("regional", "the Sindh Regional Secretary", "rashid"),
    ("secretariat", "a Secretariat member", "sara"),
    ("cc", "a Central Committee member", "zainab"),
    ("control", "a Control Commission member", "imran"),
    ("charged", "a member with an open disciplinary case", "charged"),
]
_INITIATIVES = {
    "agenda_item": (
        "Put the Sindh expulsions on the Central Committee's agenda",
        "We, members of the Alliance, require the Central Committee to place on its agenda the text messages by which "
        "three members of the Sindh region were told they were expelled, and to decide by a recorded vote, with its "
        "reasons, whether any of them ever ceased to be a member (Articles 7.3, 7.4 and 9.1).",
    ),
    "investigation": (
        "Investigate the regional dues accounts",
        "We require the Control Commission to investigate whether the regional committees have sent the national "
        "centre its share of the dues since 2024, as Article 10.2 requires, and to report its findings to the members.",
    ),
}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _plus_months(day: dt.date, months: int) -> dt.date:
    return subtract_months(day, -months)


@dataclass(eq=False)
class _Person:
    m: Member
    region: str
    branch: int
    activist: bool = False  # reliable: pays on time, may be chosen for seats and offices
    reserved: bool = False  # a documented person: only the story moves them
    cycle: int = 12  # months of dues paid at a time
    band: int = 200  # monthly dues in rupees, by income band (10.1)
    defaulting: bool = False
    national: bool = False  # sits on a national body

    @property
    def pk(self) -> int:
        return int(self.m.pk)

    @property
    def status(self) -> str:
        return str(self.m.status)


@dataclass(eq=False)
class _Branch:
    unit: Unit
    region: str
    area: str
    weight: float
    body: Body
    members: set[int] = field(default_factory=set)  # current members (status member)


class _Demo:
    def __init__(self, seed: int, target: int, progress: Callable[[str], None] | None) -> None:
        self.rng = random.Random(seed)
        self.target = target
        self.say = progress or (lambda msg: None)
        self.queue: list[tuple[dt.datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = itertools.count()
        self.now = FOUNDED
        self.people: dict[int, _Person] = {}
        self.special: dict[str, _Person] = {}
        self.branches: dict[int, _Branch] = {}
        self.branch_by_name: dict[str, _Branch] = {}
        self.regions: dict[str, Unit] = {}
        self.areas: dict[tuple[str, str], Unit] = {}
        self.bodies: dict[tuple[str, int], Body] = {}
        self.pending: dict[str, list[int]] = defaultdict(list)
        # Mirror of the seats and offices (read back from what the actions return).
        self.seats: dict[int, dict[int, dt.date | None]] = defaultdict(dict)  # body -> member -> expires
        self.offices: dict[tuple[int, str], tuple[int, dt.date | None]] = {}
        self.last_held: dict[int, Meeting] = {}
        self.sweeps: set[dt.date] = set()
        self.used_names: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        self.flags: dict[str, Any] = {}
        self.year = FOUNDED.year
        self.max_arrears = 3

    # --- time ------------------------------------------------------------------------------------

    def at(self, when: dt.datetime, fn: Callable[..., None], *args: Any) -> None:
        if when < self.now:
            raise AssertionError(f"{fn.__name__} scheduled at {when} before {self.now}")
        heapq.heappush(self.queue, (when, next(self.seq), fn, args))

    def tick(self, when: dt.datetime) -> None:
        if when < self.now:
            raise AssertionError("the demo clock only moves forward")
        self.now = when
        clock.set_frozen(when)

    def run(self) -> None:
        while self.queue and self.queue[0][0] <= NOW:
            when, _seq, fn, args = heapq.heappop(self.queue)
            if when.year != self.year:
                self.report()
                self.year = when.year
            self.tick(when)
            fn(*args)
        self.tick(NOW)

    def report(self) -> None:
        current = sum(len(b.members) for b in self.branches.values())
        self.say(f"{self.year}: {current} members in {len(self.branches)} branches")

    @property
    def today(self) -> dt.date:
        return self.now.date()

    # --- mirror helpers --------------------------------------------------------------------------

    def body(self, kind: str, unit: Unit) -> Body:
        return self.bodies[(kind, unit.pk)]

    def keep(self, person: _Person, member: Member) -> None:
        """Hold on to the member row an action returned (its status, branch and dues are current)."""
        member.branch = self.branches[member.branch_id].unit  # the cached Unit: no write, no query
        old_branch, old_status = person.branch, person.status
        person.m = member
        person.branch = int(member.branch_id)
        if old_status == "member":
            self.branches[old_branch].members.discard(person.pk)
        if member.status == "member":
            self.branches[person.branch].members.add(person.pk)

    def good_standing(self, person: _Person, day: dt.date | None = None) -> bool:
        day = day or self.today
        paid = person.m.dues_paid_until
        return person.status == "member" and paid is not None and paid > subtract_months(day, self.max_arrears + 1)

    def seat_holders(self, body: Body) -> list[_Person]:
        return [self.people[pk] for pk in sorted(self.seats[body.pk])]

    def office_holder(self, body: Body, office: str) -> _Person | None:
        held = self.offices.get((body.pk, office))
        return self.people[held[0]] if held else None

    def holds_anything(self, person: _Person) -> bool:
        return any(person.pk in s for s in self.seats.values()) or any(pk == person.pk for pk, _e in self.offices.values())

    def drop_mandates(self, person: _Person) -> None:
        for seated in self.seats.values():
            seated.pop(person.pk, None)
        for key in [k for k, (pk, _e) in self.offices.items() if pk == person.pk]:
            del self.offices[key]

    def note_mandate(self, mandate: Mandate) -> None:
        if mandate.office:
            self.offices[(mandate.body_id, mandate.office)] = (mandate.member_id, mandate.expires_on)
        else:
            self.seats[mandate.body_id][mandate.member_id] = mandate.expires_on
        if mandate.expires_on is not None and mandate.expires_on not in self.sweeps:
            self.sweeps.add(mandate.expires_on)
            self.at(_at(mandate.expires_on + dt.timedelta(days=1), 0, 1), self.sweep)

    def sweep(self) -> None:
        """Charter's daily run: terms that have run out end (on the record)."""
        expire_terms()
        today = self.today
        for seated in self.seats.values():
            for pk in [pk for pk, exp in seated.items() if exp is not None and exp < today]:
                del seated[pk]
        for key in [k for k, (_pk, exp) in self.offices.items() if exp is not None and exp < today]:
            del self.offices[key]

    def region_members(self, region: str) -> list[_Person]:
        out: list[_Person] = []
        for b in self.branches.values():
            if b.region == region:
                out.extend(self.people[pk] for pk in sorted(b.members))
        return out

    def safe_to_leave(self, person: _Person) -> bool:
        """A branch keeps at least 4 members who are not on their way out."""
        b = self.branches[person.branch]
        staying = sum(1 for pk in b.members if not self.people[pk].defaulting)
        return staying >= 5

    # --- identities ------------------------------------------------------------------------------

    def identity(self, region: str, fixed_name: str | None = None, language: str | None = None) -> dict[str, str]:
        rng = self.rng
        name = fixed_name
        tradition = "urdu"
        if name is None:
            for _attempt in range(8):
                tradition = rng.choices([t for t, _w in _POOLS[region]], [w for _t, w in _POOLS[region]])[0]
                woman = rng.random() < 0.27
                first = rng.choice((_WOMEN if woman else _MEN)[tradition])
                if not woman and tradition in ("urdu", "punjabi") and rng.random() < 0.12 and not first.startswith("Muhammad"):
                    first = f"Muhammad {first}"
                name = f"{first} {rng.choice(_SURNAMES[tradition])}"
                if name not in self.used_names:
                    break
        assert name is not None
        self.used_names.add(name)
        if language is None:
            if region == "Sindh" and tradition == "sindhi":
                language = rng.choices(["sd", "ur", "en"], [0.6, 0.2, 0.2])[0]
            else:
                language = rng.choices(["ur", "en", "sd"], [0.6, 0.38, 0.02 if region != "Sindh" else 0.1])[0]
        parts = name.lower().replace("-", " ").split()
        local = f"{parts[0]}.{parts[-1]}"
        email = f"{local}@example.org"
        n = 1
        while email in self.used_emails:
            n += 1
            email = f"{local}{n}@{rng.choice(['example.org', 'example.com', 'example.net'])}"
        self.used_emails.add(email)
        phone = ""
        while not phone or phone in self.used_phones:
            phone = f"+92 3{rng.randint(0, 4)}{rng.randint(0, 9)} {rng.randint(0, 9999999):07d}"
        self.used_phones.add(phone)
        return {"name": name, "email": email, "phone": phone, "language": language}

    # --- founding --------------------------------------------------------------------------------

    def found(self) -> None:
        self.tick(FOUNDED)
        install_founding_rulebook((DATA_DIR / "wda-2011.yaml").read_text(encoding="utf-8"))
        found_organization(name="Workers' Democratic Alliance", top_unit="WDA")
        self.max_arrears = max_arrears(rulebook_on(self.today))  # good standing (1.3), as the actions read it
        section = Unit.objects.get(parent=None)
        self.section = section
        for region, _seats, _first, areas in STRUCTURE:
            r = create_unit(parent=section, level="region", name=region)
            self.regions[region] = r
            for area, branches in areas:
                a = create_unit(parent=r, level="area", name=area)
                self.areas[(region, area)] = a
                for name, weight in branches:
                    self.add_branch(create_unit(parent=a, level="branch", name=name), region, area, weight)
        self.bodies.update({(b.kind, b.unit_id): b for b in Body.objects.all()})
        self.cc = self.body("central_committee", section)
        self.secretariat = self.body("secretariat", section)
        self.commission = self.body("control_commission", section)

        # Founders: every branch starts with a handful; the documented people first.
        per_branch = max(4, round(self.target * 0.4 / len(self.branches)))
        founders: dict[int, list[_Person]] = defaultdict(list)
        for key in _FOUNDING_SPECIALS:
            name, region, branch, lang = _SPECIAL[key]
            p = self.enrol(self.branch_by_name[branch], self.identity(region, name, lang))
            p.reserved = p.activist = True
            self.special[key] = p
            founders[p.branch].append(p)
        for b in list(self.branches.values()):
            n = max(4, per_branch + round((b.weight - 1.2) * per_branch * 0.4) + self.rng.randint(-1, 1))
            while len(founders[b.unit.pk]) < n:
                p = self.enrol(b, self.identity(b.region))
                p.activist = self.rng.random() < 0.25
                founders[b.unit.pk].append(p)

        everyone = [p for ps in founders.values() for p in ps]
        free = [p for p in everyone if not p.reserved]
        # The Central Committee (15) with its Secretariat (5), and the Control Commission (3).
        quota = {"Sindh": 3, "Punjab": 4, "Khyber Pakhtunkhwa": 2, "Balochistan": 2, "Islamabad": 2, "Gilgit-Baltistan": 1, "Azad Kashmir": 1}
        cc = [self.special["sara"], self.special["zainab"]]
        for region, n in quota.items():
            pool = [p for p in free if p.region == region and p not in cc]
            cc.extend(self.rng.sample(pool, n - sum(1 for c in cc if c.region == region)))
        commission = [self.special["imran"]] + self.rng.sample([p for p in free if p.region in ("Khyber Pakhtunkhwa", "Punjab") and p not in cc], 2)
        secretariat = [self.special["sara"], *self.rng.sample(cc[2:], 4)]
        for p in cc + commission:
            p.national = p.activist = True
        for p in cc:
            self.note_mandate(seat_founder(p.m, body=self.cc))
        for p in secretariat:
            self.note_mandate(seat_founder(p.m, body=self.secretariat))
        for p in commission:
            self.note_mandate(seat_founder(p.m, body=self.commission))
        # Each region's Regional Committee and Regional Secretary; each branch's Secretary.
        for region, seats, _first, _areas in STRUCTURE:
            rc = fix_seats(self.body("regional_committee", self.regions[region]), seats=seats)
            pool = [p for p in everyone if p.region == region and not p.national and not p.reserved]
            chosen = [self.special["rashid"]] if region == "Sindh" else []
            chosen += self.rng.sample(pool, seats - len(chosen))
            for p in chosen:
                p.activist = True
                self.note_mandate(seat_founder(p.m, body=rc))
            self.note_mandate(seat_founder(chosen[1].m, body=rc, office="regional_secretary"))
            self.flags[f"rc:{region}"] = chosen
            self.flags[f"rs:{region}"] = chosen[1]
        for b in self.branches.values():
            if b.unit.name == "Karachi Port":
                secretary = self.special["bilal"]
            else:
                pool = [p for p in founders[b.unit.pk] if not p.national and not p.reserved]
                secretary = self.rng.choice(pool or founders[b.unit.pk])
            secretary.activist = True
            self.note_mandate(seat_founder(secretary.m, body=b.body, office="branch_secretary"))
        money_demo.plan(self)  # the bands and each founder's band, then the money's later events
        close_founding()
        for p in everyone:
            self.at(self.now + dt.timedelta(days=self.rng.randint(1, 45), hours=self.rng.randint(1, 10)), self.pay_due, p.pk)

    def add_branch(self, unit: Unit, region: str, area: str, weight: float) -> _Branch:
        body = Body.objects.get(kind="branch_meeting", unit=unit)
        b = _Branch(unit=unit, region=region, area=area, weight=weight, body=body)
        self.branches[unit.pk] = b
        self.branch_by_name[unit.name] = b
        return b

    def enrol(self, b: _Branch, who: dict[str, str]) -> _Person:
        m = enrol_founder(branch=b.unit, **who)
        p = _Person(m=m, region=b.region, branch=b.unit.pk, cycle=self._cycle(), band=self._band())
        self.people[p.pk] = p
        self.keep(p, m)
        return p

    def _band(self) -> int:
        return self.rng.choices([50, 100, 200, 500, 1000], [0.2, 0.35, 0.25, 0.15, 0.05])[0]

    def _cycle(self) -> int:
        # Most pay a year at a time, some two years ahead, a few every six months.
        return self.rng.choices([12, 24, 6], [0.65, 0.25, 0.1])[0]

    # --- the calendar ----------------------------------------------------------------------------

    def plan(self) -> None:
        """Lay out the years: committee terms and meetings, aggregates, branch meetings, national
        bodies, applications, and the story's dated events."""
        rng = self.rng
        self.rc_meetings: dict[str, list[dt.datetime]] = {}
        for i, (region, _seats, first, _areas) in enumerate(STRUCTURE):
            meetings: list[dt.datetime] = []
            # The founding committee's year, from February 2019 until its term ends in January 2020.
            term0 = self.committee_dates(story_date(2019, 2, 4 + i), story_date(2020, 1, 7))
            meetings += term0
            self.at(_at(story_date(2019, 1, 24 + i), 6), self.convene_rc, region, term0, 0)
            day = first
            while _at(day, 5) <= NOW:
                term = self.committee_dates(day + dt.timedelta(days=8), _plus_months(day, 12) - dt.timedelta(days=3))
                meetings += term
                self.at(_at(day - dt.timedelta(days=9), 5), self.convene_aggregate, region, day, term)
                day = _plus_months(day, 12) + dt.timedelta(days=1)
            self.rc_meetings[region] = meetings
        self.plan_applications()
        # Branch annual meetings from 2020 (the founding secretaries' terms end on 2020-01-10).
        for b in self.branches.values():
            self.plan_branch_agm(b, story_date(2020, 1, 11) + dt.timedelta(days=rng.randint(0, 20)))
        # National bodies.
        day = story_date(2019, 4, 13)
        while day < LAST_YEAR:
            self.at(_at(day - dt.timedelta(days=16), 6), self.convene_national, "cc", day)
            day += dt.timedelta(days=91)
        day = story_date(2025, 11, 8)
        while day <= NOW.date():
            self.at(_at(day - dt.timedelta(days=16), 6), self.convene_national, "cc", day)
            day += dt.timedelta(days=61)
        day = story_date(2025, 11, 3)
        while day <= NOW.date():
            self.at(_at(day - dt.timedelta(days=15), 6), self.convene_national, "secretariat", day)
            day += dt.timedelta(days=30)
        for year in range(2020, 2027):
            self.at(_at(story_date(year, 2, 26), 6), self.convene_national, "commission", story_date(year, 3, 14))
        # Membership churn, month by month; the story's events.
        month = story_date(2019, 3, 1)
        while month <= NOW.date():
            self.at(_at(month, 2), self.churn)
            month = _plus_months(month, 1)
        self.at(_at(story_date(2019, 5, 20), 9), self.apply_special, "farhan")
        self.at(_at(story_date(2020, 11, 2), 9), self.apply_special, "saima")
        self.at(_at(story_date(2022, 5, 15), 9), self.resign_seated, "cc", None)
        self.at(_at(story_date(2023, 4, 20), 9), self.resign_seated, "rc", "Khyber Pakhtunkhwa")
        self.at(_at(story_date(2026, 1, 20), 9), self.resign_seated, "rc", "Balochistan")
        self.at(_at(story_date(2026, 10, 25), 9), self.resign_seated, "rc", "Khyber Pakhtunkhwa")
        plan_by_election(self, region="Khyber Pakhtunkhwa", opens=story_date(2026, 10, 25))
        plan_conferences(self, held_on=story_date(2026, 9, 12), now=NOW)
        self.at(_at(NOW.date(), 5), self.scenario_one)
        self.plan_due_process()
        demo_story.plan(self)

    @staticmethod
    def committee_dates(first: dt.date, last: dt.date) -> list[dt.datetime]:
        """A Regional Committee's meetings in one term: monthly in the demo's last year; before it,
        every six weeks (often enough to decide every application within the 60 days of 1.1, and
        fewer meetings to load)."""
        out: list[dt.datetime] = []
        day = first
        while day <= last:
            out.append(_at(day, 13))
            day += dt.timedelta(days=30 if day >= LAST_YEAR - dt.timedelta(days=30) else 42)
        return out

    def plan_applications(self) -> None:
        """Applications arrive between a region's committee meetings, so each is decided within the
        60 days of 1.1; none while there is no committee to decide them (2020)."""
        founders = len(self.people)
        joiners = max(self.target - founders, 0)
        windows: list[tuple[str, dt.datetime, dt.datetime, float]] = []
        for region, meetings in self.rc_meetings.items():
            weight = sum(w for _a, bs in next(s for s in STRUCTURE if s[0] == region)[3] for _n, w in bs)
            start = FOUNDED + dt.timedelta(days=2)
            for meeting in [*meetings, None]:
                end = min(meeting or NOW, NOW) - dt.timedelta(days=1)
                if meeting is not None and (meeting - start).days > 55:
                    start = meeting - dt.timedelta(days=50)
                if end > start:
                    mid = start + (end - start) / 2
                    windows.append((region, start, end, weight * self.rate(region, mid.date()) * (end - start).days))
                if meeting is not None:
                    start = meeting + dt.timedelta(hours=6)
        total = sum(w for *_x, w in windows) or 1.0
        for region, start, end, w in windows:
            expected = joiners * w / total
            n = math.floor(expected) + (1 if self.rng.random() < expected - math.floor(expected) else 0)
            seconds = int((end - start).total_seconds())
            for when in sorted(start + dt.timedelta(seconds=self.rng.randint(0, seconds)) for _ in range(n)):
                self.at(when, self.apply, region)

    @staticmethod
    def rate(region: str, day: dt.date) -> float:
        base = {2019: 1.0, 2020: 0.7, 2021: 0.9, 2022: 1.0, 2023: 1.05, 2024: 1.1, 2025: 1.15, 2026: 1.2}[story_year(day)]
        if region == "Punjab":
            base *= {2024: 1.3, 2025: 1.7, 2026: 2.2}.get(story_year(day), 1.0)
        if region == "Balochistan":
            if day >= story_date(2026, 2, 1):
                return 0.0
            if day >= story_date(2025, 6, 1):
                base *= 0.3
        return base

    # --- membership ------------------------------------------------------------------------------

    def choose_branch(self, region: str) -> _Branch:
        options = [b for b in self.branches.values() if b.region == region]
        weights = [b.weight * (2.5 if b.unit.name == NEW_BRANCH[2] else 1.0) for b in options]
        return self.rng.choices(options, weights)[0]

    def apply(self, region: str, branch: _Branch | None = None, who: dict[str, str] | None = None) -> _Person:
        b = branch or self.choose_branch(region)
        m = apply_for_membership(branch=b.unit, **(who or self.identity(region)))
        m.branch = b.unit
        p = _Person(m=m, region=region, branch=b.unit.pk, cycle=self._cycle(), band=self._band(), activist=self.rng.random() < 0.12)
        self.people[p.pk] = p
        self.pending[region].append(p.pk)
        return p

    def apply_special(self, key: str) -> None:
        name, region, branch, lang = _SPECIAL[key]
        p = self.apply(region, self.branch_by_name[branch], self.identity(region, name, lang))
        p.reserved = p.activist = True
        self.special[key] = p

    def pay_due(self, pk: int) -> None:
        """A member's dues fall due: most pay; some stop, get their reminders and lapse."""
        p = self.people[pk]
        if p.status != "member" or p.defaulting:
            return
        paid = p.m.dues_paid_until or self.today
        if not (p.activist or p.reserved or self.holds_anything(p)) and self.safe_to_leave(p):
            chance = {6: 0.025, 12: 0.05, 24: 0.09}[p.cycle]
            if p.region == "Balochistan" and self.today >= story_date(2025, 4, 1):
                chance = 0.3
            if self.rng.random() < chance:
                p.defaulting = True
                first = max(paid + dt.timedelta(days=self.rng.randint(100, 115)), self.today + dt.timedelta(days=1))
                self.at(_at(first, 4), self.remind, pk, 1)
                return
        self.pay(p, p.cycle)

    def pay(self, p: _Person, months: int) -> None:
        m = record_dues_payment(p.m, months=months, amount=str(p.band * months), reference=f"R-{p.pk}-{self.today:%Y%m%d}")
        self.keep(p, m)
        lateness = (-25, 8) if (p.activist or p.reserved) else (-25, 40)
        due = m.dues_paid_until + dt.timedelta(days=self.rng.randint(*lateness))
        due = max(due, self.today + dt.timedelta(days=20))
        self.at(_at(due, self.rng.randint(3, 15)), self.pay_due, p.pk)

    def remind(self, pk: int, n: int) -> None:
        p = self.people[pk]
        if p.status != "member":
            return
        send_dues_reminder(p.m)
        if n == 1 and self.rng.random() < 0.3:
            # Paid up after the first reminder, arrears and all.
            self.at(self.now + dt.timedelta(days=self.rng.randint(5, 25)), self.pay_arrears, pk)
        elif n == 1:
            self.at(self.now + dt.timedelta(days=self.rng.randint(31, 40)), self.remind, pk, 2)
        else:
            lapse_on = max(_plus_months(p.m.dues_paid_until, 6) + dt.timedelta(days=self.rng.randint(1, 8)), self.today + dt.timedelta(days=1))
            self.at(_at(lapse_on, 1), self.lapse, pk)

    def lapse(self, pk: int) -> None:
        p = self.people[pk]
        if p.status != "member":
            return
        self.keep(p, lapse_member(p.m))
        if self.rng.random() < 0.15:
            self.at(self.now + dt.timedelta(days=self.rng.randint(20, 250)), self.pay_arrears, pk)

    def pay_arrears(self, pk: int) -> None:
        p = self.people[pk]
        if p.status not in ("member", "lapsed"):
            return
        p.defaulting = False
        owed = months_between(p.m.dues_paid_until, self.today) + 1
        self.pay(p, owed + p.cycle)

    def churn(self) -> None:
        """This month's transfers and resignations, at random moments of the month."""
        sign_if_due()  # the record's monthly checkpoint (a server signs one within the minute)
        current = [p for b in self.branches.values() for p in (self.people[pk] for pk in sorted(b.members))]
        movable = [p for p in current if not (p.reserved or p.activist or p.defaulting)]
        if not movable:
            return
        month_end = _plus_months(self.today, 1)
        seconds = int((_at(month_end, 0) - self.now).total_seconds()) - 3600
        for fn, rate in ((self.transfer, 0.0015), (self.resign, 0.0011)):
            expected = len(current) * rate
            n = math.floor(expected) + (1 if self.rng.random() < expected - math.floor(expected) else 0)
            for p in self.rng.sample(movable, min(n, len(movable))):
                self.at(self.now + dt.timedelta(seconds=self.rng.randint(3600, seconds)), fn, p.pk)

    def transfer(self, pk: int, to: _Branch | None = None) -> None:
        p = self.people[pk]
        if p.status != "member" or p.defaulting or p.reserved or self.holds_anything(p) or not self.safe_to_leave(p):
            return
        if to is None:
            same = self.rng.random() < 0.75
            options = [b for b in self.branches.values() if (b.region == p.region) == same and b.unit.pk != p.branch]
            if p.region == "Balochistan" and not same:
                options = [b for b in options if b.region == "Sindh"]  # moving to Karachi for work
            to = self.rng.choices(options, [b.weight for b in options])[0]
        self.keep(p, transfer_member(p.m, to_branch=to.unit, by=p.m))
        p.region = to.region

    def resign(self, pk: int, letter: str | None = None) -> None:
        p = self.people[pk]
        if p.status != "member" or (letter is None and (p.reserved or self.holds_anything(p) or not self.safe_to_leave(p))):
            return
        self.keep(p, resign_membership(p.m, by=p.m, letter=letter or self.rng.choice(_LETTERS)))
        self.drop_mandates(p)  # resigning ends every seat and office

    def resign_seated(self, which: str, region: str | None) -> None:
        """A committee member resigns from the Alliance; the body fills the vacancy by co-option."""
        body = self.cc if which == "cc" else self.body("regional_committee", self.regions[str(region)])
        secretaries = {pk for pk, _e in self.offices.values()}
        secretariat = set(self.seats[self.secretariat.pk])
        candidates = [p for p in self.seat_holders(body) if not p.reserved and p.pk not in secretaries and p.pk not in secretariat and self.safe_to_leave(p)]
        if not candidates:
            return
        p = self.rng.choice(candidates)
        self.resign(p.pk, "I have taken a job abroad and must resign my membership, and with it my seat. I thank the members who elected me.")
        self.flags[f"co_opt:{body.pk}"] = True

    # --- meetings --------------------------------------------------------------------------------

    def votes(self, present: int, contested: bool = False) -> J.Votes:
        no = self.rng.randint(0, max(present // 4, 0)) if contested else 0
        abstain = self.rng.randint(0, 2) if present > 4 else 0
        yes = max(present - no - abstain, no + 1)
        return J.Votes(yes=yes, no=no, abstain=min(abstain, max(present - yes - no, 0)))

    def convene(self, body: Body, by: _Person, title: str, starts_at: dt.datetime, agenda: list[str]) -> Meeting:
        text = "\n".join(f"{i}. {item}" for i, item in enumerate(agenda, 1))
        meeting = convene_meeting(body, by=by.m, title=title, starts_at=starts_at, agenda=text)
        meeting.body = body
        return meeting

    def attend(self, meeting: Meeting, chair: _Person, present: list[_Person]) -> Meeting:
        if chair not in present:
            present = [chair, *present]
        held = record_attendance(meeting, by=chair.m, present=[p.m for p in present])
        held.body = meeting.body
        return held

    def minutes(self, meeting: Meeting, chair: _Person) -> None:
        """Approve the minutes of the body's previous meeting; remember this one for the next."""
        previous = self.last_held.get(meeting.body_id)
        # Before the demo's last year only the few yearly and national meetings show their minutes
        # approved: the committees' and branches' monthly business is kept light to load quickly.
        busy_kinds = ("branch_meeting", "regional_committee")
        recent = self.today >= LAST_YEAR or meeting.body.kind not in busy_kinds
        if previous is not None and recent and meeting.present_count >= meeting.quorum_needed:
            text = f"{previous.title}. Present: {previous.present_count} of {previous.roster_size} (quorum {previous.quorum_needed})."
            approve_minutes(previous, at=meeting, by=chair.m, minutes=text, votes=self.votes(meeting.present_count))
        self.last_held[meeting.body_id] = meeting

    def motion(self, meeting: Meeting, chair: _Person, text: str) -> None:
        decide_motion(meeting, by=chair.m, text=text, votes=self.votes(meeting.present_count, contested=True))

    # Regional Committees

    def convene_rc(self, region: str, term: list[dt.datetime], k: int) -> None:
        rc = self.body("regional_committee", self.regions[region])
        seated = self.seat_holders(rc)
        if not seated or k >= len(term):
            return
        rs = self.office_holder(rc, "regional_secretary")
        by = rs if rs is not None and rs.pk in self.seats[rc.pk] else seated[0]
        month = term[k].strftime("%B %Y")
        meeting = self.convene(rc, by, f"{rc.name}: meeting of {month}", term[k], [
            "Minutes of the previous meeting", "Applications for membership", "Reports from the areas", "Any other business",
        ])
        self.at(term[k], self.hold_rc, region, meeting, term, k)

    def hold_rc(self, region: str, meeting: Meeting, term: list[dt.datetime], k: int) -> None:
        rc = meeting.body
        seated = self.seat_holders(rc)
        if not seated:
            return
        needed = len(seated) // 2 + 1
        present = self.rng.sample(seated, self.rng.randint(needed, len(seated)))
        rs = self.office_holder(rc, "regional_secretary")
        chair = rs if rs is not None and rs in present else present[0]
        meeting = self.attend(meeting, chair, present)
        # A new committee elects its Secretary at its first meeting. In 2025 the Sindh committee
        # took until its December meeting, so Rashid's office runs to December 2026.
        if rs is None and not (region == "Sindh" and k == 0 and story_year(term[0]) == 2025):
            self.elect_regional_secretary(region, meeting, chair, seated)
        self.minutes(meeting, chair)
        if self.flags.pop(f"co_opt:{rc.pk}", False):
            self.co_opt(rc, meeting, chair, region)
        if region == NEW_BRANCH[0] and not self.flags.get("new_branch") and meeting.starts_at.date() >= NEW_BRANCH[3]:
            self.create_branch(meeting, chair)
        decision = Decision(by=chair.m, body=rc, meeting=meeting, votes=J.Votes(yes=meeting.present_count, no=0))
        waiting, self.pending[region] = demo_story.applications_to_decide(self, region, self.pending[region])
        for pk in waiting:
            p = self.people[pk]
            if p.reserved or self.rng.random() > 0.03:
                self.keep(p, admit_member(p.m, decision=decision))
                self.at(self.now + dt.timedelta(days=self.rng.randint(0, 10), hours=2), self.pay_due, pk)
            else:
                reasons = self.rng.choice(_REFUSAL_REASONS)
                refused = refuse_admission(p.m, decision=Decision(by=chair.m, body=rc, meeting=meeting, votes=self.votes(meeting.present_count), reasons=reasons))
                p.m = refused
        if self.rng.random() < (0.3 if self.today >= LAST_YEAR else 0.08):
            text = self.rng.choice(_RC_MOTIONS)
            if region == "Balochistan" and self.today >= story_date(2026, 6, 1):
                text = "Send members of the committee to every branch that has stopped meeting, and report back"
            self.motion(meeting, chair, text)
        if k + 1 < len(term):
            self.convene_rc(region, term, k + 1)

    def elect_regional_secretary(self, region: str, meeting: Meeting, chair: _Person, seated: list[_Person]) -> None:
        rc = meeting.body
        rashid = self.special["rashid"]
        previous = self.flags.get(f"rs:{region}")
        if region == "Sindh" and self.today >= story_date(2022, 1, 1) and rashid in seated:
            choice = rashid
        elif previous in seated and self.rng.random() < 0.7:
            choice = previous
        else:
            choice = self.rng.choice([p for p in seated if self.good_standing(p)])
        self.note_mandate(elect_officer(choice.m, body=rc, office="regional_secretary", decision=Decision(by=chair.m, body=rc, meeting=meeting), count_method="irv"))
        self.flags[f"rs:{region}"] = choice

    def co_opt(self, body: Body, meeting: Meeting, chair: _Person, region: str | None) -> None:
        people = self.region_members(region) if region else [p for r in ("Punjab", "Sindh", "Khyber Pakhtunkhwa") for p in self.region_members(r)]
        pool = [p for p in people if not (p.reserved or p.national or p.defaulting or self.holds_anything(p)) and self.good_standing(p)]
        pool = [p for p in pool if p.activist] or pool
        if not pool:
            return
        p = self.rng.choice(pool)
        p.activist = True
        if body.kind == "central_committee":
            p.national = True
        decision = Decision(by=chair.m, body=body, meeting=meeting, votes=self.votes(meeting.present_count))
        self.note_mandate(co_opt_to_seat(p.m, body=body, decision=decision))

    def create_branch(self, meeting: Meeting, chair: _Person) -> None:
        region, area, name, _when = NEW_BRANCH
        self.flags["new_branch"] = True
        unit = create_unit(parent=self.areas[(region, area)], level="branch", name=name, decision=Decision(by=chair.m, body=meeting.body, meeting=meeting, votes=self.votes(meeting.present_count)))
        b = self.add_branch(unit, region, area, 1.2)
        self.bodies[("branch_meeting", unit.pk)] = b.body
        # Members living in the township move their membership to the new branch, each leaving
        # their old branch at least four members strong.
        movers: list[_Person] = []
        lahore = [x for x in self.branches.values() if x.area == area and x is not b]
        for x in sorted(lahore, key=lambda x: -len(x.members)):
            staying = [p for p in (self.people[pk] for pk in sorted(x.members)) if not p.defaulting]
            free = [p for p in staying if not (p.reserved or self.holds_anything(p))]
            take = max(0, min(len(staying) - 4, len(free), 4 - len(movers)))
            movers += self.rng.sample(free, take)
        for i, p in enumerate(movers):
            self.at(self.now + dt.timedelta(days=2 + 2 * i, hours=1), self.transfer, p.pk, b)
        first = (self.now + dt.timedelta(days=33)).date()
        self.at(_at(first - dt.timedelta(days=9), 6), self.convene_branch, b.unit.pk, first, "first")

    # Regional Aggregates

    def convene_aggregate(self, region: str, day: dt.date, term: list[dt.datetime]) -> None:
        aggregate = self.body("regional_aggregate", self.regions[region])
        rc = self.body("regional_committee", self.regions[region])
        by = self.office_holder(rc, "regional_secretary") or self.rng.choice([p for p in self.region_members(region) if p.activist])
        if by.status != "member" or by.region != region:
            by = self.rng.choice([p for p in self.region_members(region) if p.activist])
        seats = ENLARGED[2] if (region, story_year(day)) == ENLARGED[:2] else rc.seats
        meeting = self.convene(aggregate, by, f"{aggregate.name} {day.year}", _at(day, 5), [
            "Minutes of the last aggregate", "Report of the outgoing Regional Committee",
            f"Election of the Regional Committee ({seats} seats, single transferable vote)", "Resolutions",
        ])
        self.at(_at(day, 5), self.hold_aggregate, region, meeting, by, term)

    def hold_aggregate(self, region: str, meeting: Meeting, chair: _Person, term: list[dt.datetime]) -> None:
        rc = self.body("regional_committee", self.regions[region])
        standing = [p for p in self.region_members(region) if self.good_standing(p)]
        needed = max(math.ceil(len(standing) / 3), 3)
        others = [p for p in standing if p is not chair]
        present = self.rng.sample(others, min(len(others), needed + self.rng.randint(1, max(2, len(standing) // 8))))
        meeting = self.attend(meeting, chair, present)
        self.minutes(meeting, chair)
        self.motion(meeting, chair, f"Adopt the report of the outgoing {rc.name}")
        if (region, story_year(self.today)) == ENLARGED[:2]:
            fix_seats(rc, seats=ENLARGED[2], decision=Decision(by=chair.m, body=meeting.body, meeting=meeting, votes=self.votes(meeting.present_count, contested=True)))
        seats = int(rc.seats or 0)
        # Candidates: most of the outgoing committee stand again; others are nominated.
        outgoing = [p for p in self.flags.get(f"rc:{region}", []) if p.status == "member" and p.region == region and self.good_standing(p)]
        keep = [p for p in outgoing if (p.reserved or self.rng.random() < 0.75)]
        winners: list[_Person] = []
        if region == "Sindh":
            winners.append(self.special["rashid"])
            if story_year(self.today) == 2026:
                winners.append(self.special["saima"])
        for p in keep:
            if p not in winners and len(winners) < seats:
                winners.append(p)
        fresh = [p for p in standing if not (p.reserved or p.national or p.defaulting) and p not in winners and p.activist]
        fresh += [p for p in standing if not (p.reserved or p.national or p.defaulting or p.activist) and p not in winners]
        need = seats - len(winners)
        activists = [p for p in fresh if p.activist]
        picks = self.rng.sample(activists, min(need, len(activists)))
        picks += [p for p in fresh if not p.activist][: need - len(picks)]
        winners += picks
        decision = Decision(by=chair.m, body=meeting.body, meeting=meeting)
        for p in winners:
            p.activist = True
            self.note_mandate(elect_to_seat(p.m, body=rc, decision=decision, nominators=2, accepted=True, count_method="scottish-stv", seats_in_election=len(winners)))
        self.flags[f"rc:{region}"] = winners
        self.last_held[meeting.body_id] = meeting
        self.at(self.now + dt.timedelta(hours=6), self.convene_rc, region, term, 0)

    # Branch meetings

    def plan_branch_agm(self, b: _Branch, day: dt.date) -> None:
        if day < LAST_YEAR:
            self.at(_at(day - dt.timedelta(days=9), 6), self.convene_branch, b.unit.pk, day, "agm")
            return
        # From the last year on, the branch meets monthly; the meeting on ``day`` is its AGM.
        if self.flags.get(f"series:{b.unit.pk}"):
            return
        self.flags[f"series:{b.unit.pk}"] = True
        dates = [day + dt.timedelta(days=30 * k) for k in range(-14, 14)]
        dates = [d for d in dates if LAST_YEAR <= d <= NOW.date() - dt.timedelta(days=3) and d - dt.timedelta(days=9) >= self.today]
        if b.region == "Balochistan":
            dates = [d for d in dates if d <= QUIET_FROM]
        elif self.rng.random() < 0.3:
            skippable = [d for d in dates if d != day and d < NOW.date() - dt.timedelta(days=75)]
            for d in self.rng.sample(skippable, min(len(skippable), self.rng.randint(1, 3))):
                dates.remove(d)
        for d in dates:
            self.at(_at(d - dt.timedelta(days=9), 6), self.convene_branch, b.unit.pk, d, "agm" if d == day else "monthly")

    def convene_branch(self, branch_id: int, day: dt.date, kind: str) -> None:
        b = self.branches[branch_id]
        members = [self.people[pk] for pk in sorted(b.members)]
        if not members:
            return
        by = self.office_holder(b.body, "branch_secretary") or next((p for p in members if p.activist), members[0])
        title = {"agm": f"Annual general meeting {day.year}", "first": "First meeting of the branch"}.get(kind, f"Branch meeting, {day:%B %Y}")
        agenda = ["Minutes of the previous meeting", "Applications and new members", "Reports and campaigns", "Any other business"]
        if kind in ("agm", "first"):
            agenda.insert(1, "Election of the Branch Secretary")
        meeting = self.convene(b.body, by, f"{b.unit.name}: {title}", _at(day, 13), agenda)
        self.at(_at(day, 13), self.hold_branch, branch_id, meeting, by.pk, kind)

    def hold_branch(self, branch_id: int, meeting: Meeting, convener: int, kind: str) -> None:
        b = self.branches[branch_id]
        members = [self.people[pk] for pk in sorted(b.members)]
        if not members:
            return
        standing = [p for p in members if self.good_standing(p)]
        needed = max(math.ceil(len(standing) / 3), 3)
        extra = self.rng.randint(0, max(1, len(members) // 5))
        extra = demo_story.branch_turnout(self, b.region, extra)  # attendance falling off in the quiet region
        present = self.rng.sample(members, max(1, min(len(members), needed + extra)))
        secretary = self.office_holder(b.body, "branch_secretary")
        chair = secretary if secretary in present else (self.people[convener] if self.people[convener].status == "member" and self.people[convener].branch == branch_id else present[0])
        meeting = self.attend(meeting, chair, present)
        if meeting.present_count < meeting.quorum_needed:
            self.last_held[meeting.body_id] = meeting
            return
        self.minutes(meeting, chair)
        if self.office_holder(b.body, "branch_secretary") is None:
            self.elect_branch_secretary(b, meeting, chair)
        waiting = [pk for pk in self.pending[b.region] if self.people[pk].branch == branch_id]
        if waiting and self.today >= LAST_YEAR:
            self.motion(meeting, chair, f"Recommend to the Regional Committee the {len(waiting)} application(s) received by the branch")
        if self.today >= LAST_YEAR and self.rng.random() < 0.5:
            self.motion(meeting, chair, self.rng.choice(_BRANCH_MOTIONS))

    def elect_branch_secretary(self, b: _Branch, meeting: Meeting, chair: _Person) -> None:
        if not demo_story.secretary_stands(self, b.region):
            return
        members = [self.people[pk] for pk in sorted(b.members)]
        previous = self.flags.get(f"bs:{b.unit.pk}")
        standing = [p for p in members if self.good_standing(p) and not p.national and not (p.reserved and p is not self.special["bilal"])]
        if b.unit.name == "Karachi Port":
            choice = self.special["bilal"]
        elif previous in standing and self.rng.random() < 0.7:
            choice = previous
        elif standing:
            activists = [p for p in standing if p.activist] or standing
            choice = self.rng.choice(activists)
        else:  # nobody in good standing to stand: the office stays vacant until next year
            self.plan_branch_agm(b, _plus_months(self.today, 12))
            return
        choice.activist = True
        mandate = elect_officer(choice.m, body=b.body, office="branch_secretary", decision=Decision(by=chair.m, body=b.body, meeting=meeting), count_method="irv")
        self.note_mandate(mandate)
        self.flags[f"bs:{b.unit.pk}"] = choice
        if mandate.expires_on is not None:
            self.plan_branch_agm(b, mandate.expires_on + dt.timedelta(days=1))

    # National bodies

    def convene_national(self, which: str, day: dt.date) -> None:
        body = {"cc": self.cc, "secretariat": self.secretariat, "commission": self.commission}[which]
        seated = self.seat_holders(body)
        by = self.special["sara"] if which != "commission" else self.special["imran"]
        if by not in seated:
            by = seated[0]
        agenda = {
            "cc": ["Minutes of the previous meeting", "Report of the Secretariat", "Political situation", "Vacancies", "Any other business"],
            "secretariat": ["Minutes of the previous meeting", "Correspondence", "Campaigns", "Finance"],
            "commission": ["Minutes of the previous meeting", f"Audit of the {day.year - 1} accounts", "Complaints received"],
        }[which]
        meeting = self.convene(body, by, f"{body.name}: meeting of {day:%B %Y}", _at(day, 5), agenda)
        self.at(_at(day, 5), self.hold_national, which, meeting)

    def hold_national(self, which: str, meeting: Meeting) -> None:
        body = meeting.body
        seated = self.seat_holders(body)
        needed = len(seated) // 2 + 1
        present = self.rng.sample(seated, self.rng.randint(needed, len(seated)))
        chair = next((p for p in present if p.reserved), present[0])
        meeting = self.attend(meeting, chair, present)
        self.minutes(meeting, chair)
        if self.flags.pop(f"co_opt:{body.pk}", False):
            self.co_opt(body, meeting, chair, None)
        if which == "commission":
            self.motion(meeting, chair, f"Adopt the audit report on the accounts of {meeting.starts_at.year - 1}")
        elif self.rng.random() < 0.7:
            self.motion(meeting, chair, self.rng.choice(_CC_MOTIONS))

    # --- scenario 1 ------------------------------------------------------------------------------

    def scenario_one(self) -> None:
        """The Sindh Regional Secretary 'expels' three members by text message: refused, on the record."""
        rashid = self.special["rashid"]
        for key in ("farhan", "saima", "tariq"):
            try:
                decide_measure(self.special[key].m, measure="expulsion", grounds=["inactivity"], decision=Decision(by=rashid.m, body=self.secretariat, reasons="inactivity"))
            except Refused:
                pass  # refused, with its articles, and the refusal is on the record
            else:  # pragma: no cover - the rules must refuse it
                raise AssertionError("the expulsion by text message was not refused")
        rc = self.body("regional_committee", self.regions["Sindh"])
        seat = Mandate.objects.current().get(member=self.special["saima"].m, body=rc, office="")
        try:
            remove_from_seat(seat, by=rashid.m)
        except Refused:
            pass
        else:  # pragma: no cover
            raise AssertionError("removing the newly elected member was not refused")

    # --- due process: a decided appeal, an open case, two initiatives (Articles 7 to 9) ----------

    def plan_due_process(self) -> None:
        """A case decided and then annulled on appeal in spring; a charge framed a week ago and
        awaiting the member's reply; an agenda item that met its threshold and awaits the CC; a
        request for an investigation still collecting signatures."""
        self.at(_at(story_date(2026, 4, 20), 9), self.frame_spring_case)
        self.at(_at(NOW.date() - dt.timedelta(days=8), 10), self.frame_open_case)
        self.at(_at(NOW.date() - dt.timedelta(days=11), 11), self.start_initiative, "agenda_item", 1.12)
        self.at(_at(NOW.date() - dt.timedelta(days=12), 12), self.start_initiative, "investigation", 0.43)

    def plain_member(self, region: str) -> _Person:
        """A member in good standing who holds nothing; from now on only the story moves them."""
        options = [p for p in self.region_members(region) if not (p.reserved or p.activist or p.defaulting or p.national) and self.good_standing(p) and not self.holds_anything(p)]
        p = self.rng.choice(options)
        p.reserved = True
        return p

    def frame(self, p: _Person, grounds: list[str], facts: str) -> Case:
        sara = self.special["sara"]
        other = next(q for q in self.seat_holders(self.secretariat) if q is not sara)
        case = frame_charge(p.m, grounds=grounds, facts=facts, decision=Decision(by=sara.m, body=self.secretariat), bringers=[other.m])
        return deliver_charge(case, decision=Decision(by=sara.m, body=self.secretariat))

    def frame_spring_case(self) -> None:
        p = self.plain_member("Punjab")
        case = self.frame(p, ["breach_of_document"], f"On {story_date(2026, 4, 2):%d %B %Y} and again on {story_date(2026, 4, 16):%d %B %Y}, the member collected dues at the {self.branches[p.branch].unit.name} branch meeting and did not hand them to the branch treasurer within the week that 10.2 allows.")
        zainab = self.special["zainab"]
        hearing = _at(self.today + dt.timedelta(days=19), 11)
        meeting = self.convene(self.cc, zainab, f"{self.cc.name}: disciplinary hearing", hearing, ["The charge against member " + p.m.number])
        schedule_hearing(case, decision=Decision(by=zainab.m, body=self.cc), meeting=meeting)
        self.at(_at(self.today + dt.timedelta(days=12), 18), self.reply_to, case.pk, "The dues were handed over late because the treasurer was away; the receipts show every rupee arrived.")
        self.at(hearing, self.hear_spring_case, case.pk, meeting)

    def reply_to(self, case_pk: int, text: str) -> None:
        case = Case.objects.get(pk=case_pk)
        reply_to_charge(case, by=case.member, text=text)

    def hear_spring_case(self, case_pk: int, meeting: Meeting) -> None:
        case = Case.objects.get(pk=case_pk)
        zainab = self.special["zainab"]
        bringers = set(case.bringers.values_list("pk", flat=True))
        present = [q for q in self.seat_holders(self.cc) if q.pk not in bringers]
        held = self.attend(meeting, zainab, present)
        measure = decide_measure(
            case.member, measure="warning", grounds=list(case.grounds), case=case, taking_part=[q.m for q in present],
            decision=Decision(by=zainab.m, body=self.cc, meeting=held, votes=J.Votes(len(present) - 3, 2, 1), reasons="The dues reached the treasurer late, twice; a written warning is enough."),
        )
        self.at(_at(measure.delivered_on + dt.timedelta(days=9), 20), self.appeal_spring_case, case_pk)

    def appeal_spring_case(self, case_pk: int) -> None:
        case = Case.objects.get(pk=case_pk)
        appeal = file_appeal(case, by=case.member, statement="The Central Committee did not weigh the treasurer's receipts, which show that nothing was kept back.")
        imran = self.special["imran"]
        hearing = _at(self.today + dt.timedelta(days=16), 15)
        meeting = self.convene(self.commission, imran, f"{self.commission.name}: appeal hearing", hearing, ["The appeal of member " + case.member.number])
        schedule_appeal_hearing(appeal, decision=Decision(by=imran.m, body=self.commission), meeting=meeting)
        self.at(hearing, self.decide_spring_appeal, appeal.pk, meeting)

    def decide_spring_appeal(self, appeal_pk: int, meeting: Meeting) -> None:
        imran = self.special["imran"]
        present = self.seat_holders(self.commission)
        held = self.attend(meeting, imran, present)
        decide_appeal(
            Appeal.objects.get(pk=appeal_pk), outcome="annul",
            decision=Decision(by=imran.m, body=self.commission, meeting=held, votes=J.Votes(len(present), 0, 0), reasons="The receipts show every rupee reached the treasurer; lateness alone breached no article."),
        )

    def frame_open_case(self) -> None:
        p = self.plain_member("Khyber Pakhtunkhwa")
        self.special["charged"] = p
        self.frame(p, ["public_action_against_aims"], f"On {self.today - dt.timedelta(days=10):%d %B %Y} the member spoke at a public rally in Peshawar against the Alliance's call for the general strike, which the Central Committee had adopted.")

    def start_initiative(self, kind: str, share: float) -> None:
        """A member starts an initiative; others sign it over the following days, ``share`` of the
        signatures it needs (more than 1: it meets its threshold)."""
        starter = self.plain_member("Sindh" if kind == "agenda_item" else "Punjab")
        title, text = _INITIATIVES[kind]
        initiative = start_initiative(by=starter.m, kind=kind, title=title, text=text, addressed_to=self.cc if kind == "agenda_item" else None)
        pool = [p for p in self.people.values() if p is not starter and self.good_standing(p)]
        signers = self.rng.sample(pool, min(math.ceil(initiative.needed * share), len(pool)))
        for i, p in enumerate(signers):
            self.at(self.now + dt.timedelta(hours=2 + i * 2, minutes=self.rng.randint(0, 59)), self.sign, initiative.pk, p.pk)

    def sign(self, initiative_pk: int, pk: int) -> None:
        p = self.people[pk]
        if self.good_standing(p):
            sign_initiative(initiative_pk, by=p.m)

    # --- sign-ins --------------------------------------------------------------------------------

    def sign_ins(self) -> list[tuple[str, str, str, str]]:
        from django.contrib.auth.hashers import make_password

        from charter.accounts.models import User

        cast = [(role, username, self.special[who]) for username, role, who in CAST]
        out = []
        hashed = make_password(PASSWORD)  # one (slow, deliberately) hash for the six demo sign-ins
        for role, username, p in cast:
            user = User.objects.create_user(username, email=p.m.email)
            User.objects.filter(pk=user.pk).update(password=hashed)
            # Linking a sign-in to a person is identity, not an act of the organization.
            Member.objects.filter(pk=p.pk).update(user=user)
            out.append((role, username, PASSWORD, p.m.name))
        return out


def load(*, seed: int = 2011, members_target: int = 2450, progress: Callable[[str], None] | None = None) -> dict:
    """Build the demo organization into the configured (empty, migrated) database."""
    from charter.record.models import Entry

    started = time.monotonic()
    demo = _Demo(seed, members_target, progress)
    # Tens of thousands of short-lived ORM objects: collect garbage less often while loading.
    thresholds = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        # One transaction for the whole history: every action still runs (and nests its own), and a
        # load that fails part-way leaves the database empty rather than half-built.
        with transaction.atomic():
            demo.say(f"Founding the Workers' Democratic Alliance ({FOUNDED.date()})")
            demo.found()
            demo.plan()
            demo.run()
            demo.report()
            cast = demo.sign_ins()
            sign_if_due()
    finally:
        clock.set_frozen(None)
        gc.set_threshold(*thresholds)
    members = Member.objects.current().count()
    branches = Unit.objects.active().filter(level="branch").count()
    entries = Entry.objects.count()
    demo.say(f"Done in {time.monotonic() - started:.1f}s: {members} members, {branches} branches, {entries} record entries")
    return {"cast": cast, "members": members, "branches": branches, "entries": entries}


def main_load_only() -> None:
    """Load the demo and print what was loaded (``charter demo --load-only``)."""
    import sys

    summary = load(progress=lambda msg: print(msg, file=sys.stderr))
    print(f"Loaded the demo: {summary['members']} members in {summary['branches']} branches, {summary['entries']} record entries.")
    print("Sign in as (password: charter-demo; * also a code from an authenticator app, see README):")
    from charter.accounts.models import User
    from charter.accounts.twofactor import needs_two_factor

    for role, username, _password, name in summary["cast"]:
        second = needs_two_factor(User.objects.get(username=username))
        print(f"  {username:<12} {role} ({name}){'  *' if second else ''}")
