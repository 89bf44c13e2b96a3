"""People, teams and children: who the council is and whose files are audited."""

from __future__ import annotations

import datetime

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property

from .roles import Role


class ServiceArea(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(max_length=120)
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="teams")
    manager = models.ForeignKey(
        "Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="managed_teams"
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["service_area", "name"], name="team_unique_name_in_area")]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> Person:
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        with transaction.atomic(using=self._db):  # the person and their history entry, or neither
            person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields) -> Person:
        """`createsuperuser` makes a QA administrator: there is no role above the roles."""
        fields.setdefault("full_name", email.split("@")[0])
        with transaction.atomic(using=self._db):
            person = self.create_user(email, password, **fields)
            PersonRole.objects.create(person=person, role=Role.QA_ADMIN)
        return person

    def get_by_natural_key(self, username: str | None) -> Person:
        return self.get(email__iexact=username)


class Person(AbstractBaseUser):
    """A member of staff; also the account they sign in with."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    # Staff who work across a service area (service managers, practice leads)
    # belong to it directly; team members belong to it through their team.
    service_area = models.ForeignKey(
        ServiceArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="area_staff"
    )
    line_manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="direct_reports"
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Emails a person may turn off ("Email preferences"). Urgent safeguarding concerns and the improvement
    # process's steps and deadlines are always sent, so they have no switch here.
    email_audits_assigned = models.BooleanField("Email me when an audit is assigned to me", default=True)
    email_audits_shared = models.BooleanField("Email me when an audit is shared with me", default=True)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"
        constraints = [
            models.CheckConstraint(
                condition=Q(line_manager__isnull=True) | ~Q(line_manager=F("pk")),
                name="person_not_own_line_manager",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in Role.values if role in self.roles]

    @property
    def home_service_area_id(self) -> int | None:
        if self.service_area_id:
            return self.service_area_id
        return self.team.service_area_id if self.team is not None else None

    # Django admin asks these; only QA administrators administer CaseAudit.
    @property
    def is_staff(self) -> bool:
        return self.is_active and self.has_role(Role.QA_ADMIN)

    is_superuser = False

    def has_perm(self, perm: str, obj: object = None) -> bool:
        if not self.is_staff:
            return False
        # The change log is evidence: readable, never editable, even by admins.
        app_label, _, codename = perm.partition(".")
        return app_label != "trail" or codename.startswith("view_")

    def has_perms(self, perm_list, obj: object = None) -> bool:
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_staff

    def managers_above(self, levels: int = 4) -> list[Person]:
        """Line manager, their manager, and so on up to `levels` (escalation goes this way).
        Stops at a loop in the data rather than going round it."""
        line: list[Person] = []
        seen = {self.pk}
        current = self.line_manager
        while current is not None and current.pk not in seen and len(line) < levels:
            line.append(current)
            seen.add(current.pk)
            current = current.line_manager
        return line

    def cover_on(self, day: datetime.date) -> Person | None:
        """Who covers for this person on `day`, or None if they are not absent or nobody does."""
        absence = self.absences.filter(starts_on__lte=day, ends_on__gte=day).select_related("cover").first()
        return absence.cover if absence else None

    def is_absent_on(self, day: datetime.date) -> bool:
        return self.absences.filter(starts_on__lte=day, ends_on__gte=day).exists()


class PersonRole(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        ordering = ["person", "role"]
        constraints = [
            models.UniqueConstraint(fields=["person", "role"], name="person_role_once"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="person_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_role_display()}"


class Absence(models.Model):
    """A period someone is away, and who covers their duties meanwhile."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField()
    cover = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="covering_absences"
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["person", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="absence_ends_after_start"),
            models.CheckConstraint(
                condition=Q(cover__isnull=True) | ~Q(cover=F("person")), name="absence_cover_is_someone_else"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} away {self.starts_on:%d %b %Y} to {self.ends_on:%d %b %Y}"


class LegalStatus(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection"
    LOOKED_AFTER = "looked_after", "Child looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"
    # Children first known from a historic audit import, until a case extract says more.
    NOT_RECORDED = "not_recorded", "Not recorded"


class Child(models.Model):
    """The minimum a QA team needs about a child: data protection asks no more."""

    case_id = models.CharField("case system ID", max_length=40, unique=True)
    name = models.CharField(max_length=150)
    # Blank only for children first known from a historic audit import.
    date_of_birth = models.DateField(null=True, blank=True)
    legal_status = models.CharField(max_length=32, choices=LegalStatus.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="children")
    allocated_worker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocated_children"
    )
    independent_reviewing_officer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviewed_children"
    )
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name", "case_id"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["team", "legal_status"]),
            models.Index(fields=["allocated_worker"]),
            models.Index(fields=["name"]),
            models.Index(fields=["closed_on"]),
            # Home's open children by legal status, for those who see every child: an index-only count.
            models.Index(fields=["legal_status"], condition=Q(closed_on__isnull=True), name="child_open_by_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(legal_status__in=LegalStatus.values), name="child_legal_status_known"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="child_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.case_id})"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def status_label(self) -> str:
        return "Open" if self.is_open else "Closed"
