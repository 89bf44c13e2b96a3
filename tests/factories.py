"""Test data builders: named people per role, teams and children."""

from __future__ import annotations

import datetime

import factory

from caseaudit.organisation.models import Child, LegalStatus, Person, PersonRole, ServiceArea, Team

PASSWORD = "Correct-horse-battery-9"


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Service area {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    service_area = factory.SubFactory(ServiceAreaFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@council.example")
    full_name = factory.Faker("name", locale="en_GB")
    job_title = "Social Worker"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            PersonRole.objects.create(person=self, role=role)
        self.__dict__.pop("roles", None)  # forget a cached empty set


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    case_id = factory.Sequence(lambda n: f"LCS{900000 + n}")
    name = factory.Faker("name", locale="en_GB")
    date_of_birth = datetime.date(2015, 5, 1)
    legal_status = LegalStatus.CHILD_IN_NEED
    team = factory.SubFactory(TeamFactory)
    opened_on = datetime.date(2025, 1, 6)
