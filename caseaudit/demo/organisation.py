"""The demo council: realistic, English, and the same every time it is built.

Everything is keyed on natural keys (area and team names, email addresses,
case IDs) so building it twice changes nothing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from caseaudit.organisation.models import Absence, Child, LegalStatus, Person, PersonRole, ServiceArea, Team
from caseaudit.organisation.roles import Role

DEMO_PASSWORD = "CaseAudit-demo-2026"  # noqa: S105 - printed for the demo on purpose
DEMO_DOMAIN = "demo-borough.example"
SEED = 2026

# Service areas, their teams, and which legal statuses their children have.
AREAS: dict[str, tuple[list[str], list[tuple[str, int]]]] = {
    "Front Door and Assessment": (
        ["MASH", "Assessment Team North", "Assessment Team South", "Assessment Team East", "Emergency Duty Team"],
        [(LegalStatus.CHILD_IN_NEED, 85), (LegalStatus.CHILD_PROTECTION, 15)],
    ),
    "Safeguarding and Family Support": (
        [
            "Family Support North",
            "Family Support South",
            "Family Support East",
            "Family Support West",
            "Court and Pre-proceedings",
            "Children with Disabilities",
        ],
        [(LegalStatus.CHILD_IN_NEED, 60), (LegalStatus.CHILD_PROTECTION, 40)],
    ),
    "Children in Care": (
        [
            "Children in Care North",
            "Children in Care South",
            "Permanence Team",
            "Fostering Support",
            "Unaccompanied Children",
        ],
        [(LegalStatus.LOOKED_AFTER, 100)],
    ),
    "Care Leavers and Young People": (
        ["Leaving Care Team North", "Leaving Care Team South", "Staying Close", "Youth Justice"],
        [(LegalStatus.CARE_LEAVER, 75), (LegalStatus.CHILD_IN_NEED, 25)],
    ),
    "Early Help and Prevention": (
        ["Early Help North", "Early Help South", "Early Help East", "Family Hubs", "Targeted Youth Support"],
        [(LegalStatus.EARLY_HELP, 100)],
    ),
}
# Open cases per legal status across the council (DOMAIN.md: ~3,000 open).
OPEN_CASES = {
    LegalStatus.EARLY_HELP: 420,
    LegalStatus.CHILD_IN_NEED: 1200,
    LegalStatus.CHILD_PROTECTION: 480,
    LegalStatus.LOOKED_AFTER: 550,
    LegalStatus.CARE_LEAVER: 350,
}
CLOSED_CASES = 300
SOCIAL_WORKERS_PER_TEAM = 5


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str
    note: str


class _Builder:
    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.rng = random.Random(SEED)
        self.faker = Faker("en_GB")
        self.faker.seed_instance(SEED)
        self.password = make_password(DEMO_PASSWORD)
        self.used_emails: set[str] = set()
        self.logins: list[DemoLogin] = []

    def email_for(self, name: str) -> str:
        base = name.lower().replace(" ", ".").replace("'", "")
        email, n = f"{base}@{DEMO_DOMAIN}", 2
        while email in self.used_emails:
            email, n = f"{base}{n}@{DEMO_DOMAIN}", n + 1
        self.used_emails.add(email)
        return email

    def person(self, title: str, roles: list[str], *, login: str | None = None, **fields) -> Person:
        name = f"{self.faker.first_name()} {self.faker.last_name()}"
        email = f"{login}@{DEMO_DOMAIN}" if login else self.email_for(name)
        person, created = Person.objects.get_or_create(
            email=email, defaults={"full_name": name, "job_title": title, "password": self.password, **fields}
        )
        if created:
            PersonRole.objects.bulk_create([PersonRole(person=person, role=r) for r in roles], ignore_conflicts=True)
        if login:
            self.logins.append(DemoLogin(Role(roles[0]).label, email, person.full_name, title))
        return person


def build_demo_council(today: datetime.date) -> list[DemoLogin]:
    with transaction.atomic():
        return _build(_Builder(today))


def _build(b: _Builder) -> list[DemoLogin]:
    director = b.person("Director of Children's Services", [Role.DIRECTOR], login="director")
    hos_care = b.person(
        "Head of Service, Children's Social Care",
        [Role.HEAD_OF_SERVICE],
        login="head-of-service",
        line_manager=director,
    )
    hos_qa = b.person(
        "Head of Service, Quality Assurance and Early Help", [Role.HEAD_OF_SERVICE], line_manager=director
    )
    qa_admin = b.person(
        "Quality Assurance Manager",
        [Role.QA_ADMIN, Role.AUDITOR, Role.MODERATOR],
        login="qa-admin",
        line_manager=hos_qa,
    )
    b.person("Senior QA Officer", [Role.MODERATOR, Role.AUDITOR], login="moderator", line_manager=qa_admin)
    b.person("Senior QA Officer", [Role.MODERATOR, Role.AUDITOR], line_manager=qa_admin)
    b.person("QA Officer", [Role.AUDITOR], login="auditor", line_manager=qa_admin)
    for _ in range(3):
        b.person("QA Officer", [Role.AUDITOR], line_manager=qa_admin)
    iros = [
        b.person("Independent Reviewing Officer", [Role.IRO], line_manager=hos_qa, login="iro" if i == 0 else None)
        for i in range(8)
    ]

    teams_by_status: dict[str, list[Team]] = {status: [] for status in LegalStatus.values}
    workers_by_team: dict[int, list[Person]] = {}
    for index, (area_name, (team_names, status_mix)) in enumerate(AREAS.items()):
        area, _ = ServiceArea.objects.get_or_create(name=area_name)
        head = hos_qa if area_name.startswith("Early Help") else hos_care
        first = index == 1  # the demo logins work in Safeguarding and Family Support
        service_manager = b.person(
            f"Service Manager, {area_name}",
            [Role.SERVICE_MANAGER, Role.MODERATOR],
            login="service-manager" if first else None,
            service_area=area,
            line_manager=head,
        )
        b.person(
            f"Practice Lead, {area_name}",
            [Role.PRACTICE_LEAD],
            login="practice-lead" if first else None,
            service_area=area,
            line_manager=service_manager,
        )
        for t, team_name in enumerate(team_names):
            team, _ = Team.objects.get_or_create(service_area=area, name=team_name)
            demo_team = first and t == 0
            manager = b.person(
                f"Team Manager, {team_name}",
                [Role.TEAM_MANAGER, Role.AUDITOR],
                login="team-manager" if demo_team else None,
                team=team,
                line_manager=service_manager,
            )
            if team.manager_id != manager.pk:
                team.manager = manager
                team.save(update_fields=["manager"])
            workers_by_team[team.pk] = [
                b.person(
                    b.rng.choice(["Social Worker", "Senior Social Worker", "Advanced Practitioner"]),
                    [Role.SOCIAL_WORKER],
                    login="social-worker" if demo_team and w == 0 else None,
                    team=team,
                    line_manager=manager,
                )
                for w in range(SOCIAL_WORKERS_PER_TEAM)
            ]
            for status, weight in status_mix:
                teams_by_status[status].extend([team] * weight)

    _build_children(b, teams_by_status, workers_by_team, iros)
    _build_absences(b)
    return b.logins


def _build_children(b: _Builder, teams_by_status, workers_by_team, iros) -> None:
    children = []
    number = 100000
    plan = [(status, count, False) for status, count in OPEN_CASES.items()]
    plan.append((LegalStatus.CHILD_IN_NEED, CLOSED_CASES, True))
    for status, count, closed in plan:
        for _ in range(count):
            number += 1
            team = b.rng.choice(teams_by_status[status])
            age_years = {
                LegalStatus.CARE_LEAVER: b.rng.randint(18, 24),
                LegalStatus.EARLY_HELP: b.rng.randint(0, 16),
            }.get(status, b.rng.randint(0, 17))
            born = b.today - datetime.timedelta(days=age_years * 365 + b.rng.randint(0, 364))
            opened = b.today - datetime.timedelta(days=b.rng.randint(20, 900))
            opened = max(opened, born)
            children.append(
                Child(
                    case_id=f"LCS{number}",
                    name=f"{b.faker.first_name()} {b.faker.last_name()}",
                    date_of_birth=born,
                    legal_status=status,
                    team=team,
                    allocated_worker=b.rng.choice(workers_by_team[team.pk]),
                    independent_reviewing_officer=(
                        b.rng.choice(iros)
                        if status in (LegalStatus.CHILD_PROTECTION, LegalStatus.LOOKED_AFTER)
                        else None
                    ),
                    opened_on=opened,
                    closed_on=(opened + datetime.timedelta(days=b.rng.randint(1, 15))) if closed else None,
                )
            )
    # Bulk insert for speed; ignore_conflicts on the unique case ID keeps a
    # second run from duplicating anyone (the seed itself is not a user action
    # and is not written to the change history).
    Child.objects.bulk_create(children, batch_size=1000, ignore_conflicts=True)


def _build_absences(b: _Builder) -> None:
    """Two practice leads away this week: one covered, one not (the response process needs both)."""
    leads = list(Person.objects.filter(role_assignments__role=Role.PRACTICE_LEAD).order_by("email"))
    if len(leads) < 3:
        return
    covered, uncovered, cover = leads[0], leads[2], leads[1]
    start, end = b.today - datetime.timedelta(days=2), b.today + datetime.timedelta(days=7)
    Absence.objects.get_or_create(
        person=covered, starts_on=start, defaults={"ends_on": end, "cover": cover, "reason": "Annual leave"}
    )
    Absence.objects.get_or_create(
        person=uncovered, starts_on=start, defaults={"ends_on": end, "reason": "Training course"}
    )
