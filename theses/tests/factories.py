import datetime

import factory
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.tests.factories import CohortFactory, EnrolmentFactory
from theses import models


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Partner

    name = factory.Sequence(lambda n: f"Riverside Food Bank {n}")
    slug = factory.Sequence(lambda n: f"riverside-food-bank-{n}")
    kind = models.Partner.Kind.CHARITY
    contact_name = "Amira Haddad"
    contact_email = factory.Sequence(lambda n: f"contact{n}@partner.example.org")
    public_profile = "A food bank serving three wards."
    approved = True


class ThesisRoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ThesisRound

    cohort = factory.SubFactory(CohortFactory)
    preferences_close_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    default_supervisor_capacity = 4

    class Params:
        closed = factory.Trait(preferences_close_at=factory.LazyFunction(
            lambda: timezone.now() - datetime.timedelta(days=1)))


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Proposal

    title = factory.Sequence(lambda n: f"Stock tracker {n}")
    slug = factory.Sequence(lambda n: f"stock-tracker-{n}")
    problem = "Volunteers count tins on paper."
    tool = "A small web app to log stock."
    beneficiaries = "Volunteers and families."
    skills = "Django"
    data_privacy = "No personal data."
    source = models.Proposal.Source.STAFF
    supervisor = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    capacity = 2
    status = models.Proposal.Status.OPEN
    cohort = factory.SubFactory(CohortFactory)

    class Params:
        from_partner = factory.Trait(source=models.Proposal.Source.PARTNER, partner=factory.SubFactory(PartnerFactory))
        submitted = factory.Trait(status=models.Proposal.Status.SUBMITTED)


def cohort_with_students(n, *, round_kwargs=None):
    round_ = ThesisRoundFactory(**(round_kwargs or {}))
    students = [EnrolmentFactory(cohort=round_.cohort).student for _ in range(n)]
    return round_, students


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Milestone

    round = factory.SubFactory(ThesisRoundFactory)
    kind = models.Milestone.Kind.INTERIM
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))


__all__ = [
    "MilestoneFactory",
    "PartnerFactory",
    "ProposalFactory",
    "Role",
    "ThesisRoundFactory",
    "UserFactory",
    "cohort_with_students",
]
