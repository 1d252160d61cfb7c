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

    class Params:
        unapproved = factory.Trait(approved=False)


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
        withdrawn = factory.Trait(status=models.Proposal.Status.WITHDRAWN)
        for_teams = factory.Trait(capacity_unit=models.Proposal.CapacityUnit.TEAMS, team_min=2, team_max=3)


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

    class Params:
        past = factory.Trait(due_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)))


class SupervisorCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupervisorCapacity

    round = factory.SubFactory(ThesisRoundFactory)
    supervisor = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    capacity = 2


class PreferenceListFactory(factory.django.DjangoModelFactory):
    """A student's (empty) ranking for their cohort: the student is enrolled in it."""

    class Meta:
        model = models.PreferenceList

    cohort = factory.SubFactory(CohortFactory)
    student = factory.LazyAttribute(lambda o: EnrolmentFactory(cohort=o.cohort).student)


class PreferenceFactory(factory.django.DjangoModelFactory):
    """A choice on a list: an open proposal of the list's cohort."""

    class Meta:
        model = models.Preference

    preference_list = factory.SubFactory(PreferenceListFactory)
    proposal = factory.SubFactory(ProposalFactory, cohort=factory.SelfAttribute("..preference_list.cohort"))
    rank = factory.Sequence(lambda n: n + 1)


class SupervisorRankingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SupervisorRanking

    round = factory.SubFactory(ThesisRoundFactory)
    supervisor = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    student = factory.LazyAttribute(lambda o: EnrolmentFactory(cohort=o.round.cohort).student)
    rank = 1


class AllocationRunFactory(factory.django.DjangoModelFactory):
    """A run waiting for a worker; `done` and `published` are what a finished one looks like."""

    class Meta:
        model = models.AllocationRun

    round = factory.SubFactory(ThesisRoundFactory)
    objective = models.AllocationRun.Objective.MIN_COST
    created_by = factory.SubFactory(UserFactory, roles=[Role.STAFF])

    class Params:
        running = factory.Trait(state=models.AllocationRun.State.RUNNING, progress=40)
        done = factory.Trait(
            state=models.AllocationRun.State.DONE,
            progress=100,
            finished_at=factory.LazyFunction(timezone.now),
            seconds=0.2,
        )
        failed = factory.Trait(
            state=models.AllocationRun.State.FAILED,
            finished_at=factory.LazyFunction(timezone.now),
            message="No open proposals to allocate.",
        )
        published = factory.Trait(
            done=True,
            published_at=factory.LazyFunction(timezone.now),
            published_by=factory.SelfAttribute("created_by"),
        )


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A student of the run's cohort placed on their first choice."""

    class Meta:
        model = models.Assignment

    run = factory.SubFactory(AllocationRunFactory, done=True)
    student = factory.LazyAttribute(lambda o: EnrolmentFactory(cohort=o.run.round.cohort).student)
    proposal = factory.SubFactory(ProposalFactory, cohort=factory.SelfAttribute("..run.round.cohort"))
    rank = 1

    class Params:
        manual_move = factory.Trait(manual=True, rank=None)


class SubmissionFactory(factory.django.DjangoModelFactory):
    """An on-time interim submission by a student of the milestone's cohort."""

    class Meta:
        model = models.Submission

    milestone = factory.SubFactory(MilestoneFactory)
    student = factory.LazyAttribute(lambda o: EnrolmentFactory(cohort=o.milestone.round.cohort).student)
    proposal = factory.SubFactory(ProposalFactory, cohort=factory.SelfAttribute("..milestone.round.cohort"))
    repository_url = "https://git.example.org/team/stock-tracker"
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        after_deadline = factory.Trait(milestone=factory.SubFactory(MilestoneFactory, past=True), late=True)
        with_feedback = factory.Trait(
            feedback="Clear demo; add tests for the stock counts.",
            feedback_by=factory.SelfAttribute("proposal.supervisor"),
            feedback_at=factory.LazyFunction(timezone.now),
        )


class ShowcaseEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ShowcaseEntry

    proposal = factory.SubFactory(ProposalFactory, status=models.Proposal.Status.COMPLETED)
    summary = "Volunteers log stock on a phone; the food bank orders before shelves run empty."
    repository_url = "https://git.example.org/team/stock-tracker"

    class Params:
        shown = factory.Trait(published=True, published_at=factory.LazyFunction(timezone.now))


__all__ = [
    "MilestoneFactory",
    "PartnerFactory",
    "ProposalFactory",
    "Role",
    "ThesisRoundFactory",
    "UserFactory",
    "cohort_with_students",
]
