import datetime

import factory

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum import models


class AcademicYearFactory(factory.django.DjangoModelFactory):
    """Academic years 2026/27, 2027/28, … starting on the last Monday of September."""

    class Meta:
        model = models.AcademicYear
        django_get_or_create = ("slug",)

    class Params:
        first_year = factory.Sequence(lambda n: 2026 + n)

    name = factory.LazyAttribute(lambda o: f"{o.first_year}/{str(o.first_year + 1)[-2:]}")
    slug = factory.LazyAttribute(lambda o: f"{o.first_year}-{str(o.first_year + 1)[-2:]}")
    starts_on = factory.LazyAttribute(lambda o: datetime.date(o.first_year, 9, 28))
    ends_on = factory.LazyAttribute(lambda o: datetime.date(o.first_year + 1, 9, 20))


class TermFactory(factory.django.DjangoModelFactory):
    """An autumn term of eleven weeks starting on the year's first Monday."""

    class Meta:
        model = models.Term
        django_get_or_create = ("academic_year", "season")

    academic_year = factory.SubFactory(AcademicYearFactory)
    season = models.Season.AUTUMN
    starts_on = factory.LazyAttribute(lambda o: o.academic_year.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(weeks=11))


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Theme
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Programme

    title = factory.Sequence(lambda n: f"MSc Public Technology {n}")
    slug = factory.Sequence(lambda n: f"msc-public-technology-{n}")
    award = models.Programme.Award.MSC
    total_credits = 180
    duration = "One year full-time"
    summary = "A Masters for people who can already code well."
    status = models.PublicationStatus.PUBLISHED

    class Params:
        draft = factory.Trait(status=models.PublicationStatus.DRAFT)


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Module

    code = factory.Sequence(lambda n: f"MPT{7000 + n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    slug = factory.Sequence(lambda n: f"module-{n}")
    summary = "What the module is about."
    description = "A longer **description**."
    credits = 15
    level = 7
    leader = factory.SubFactory(UserFactory, roles=[Role.STAFF])
    status = models.PublicationStatus.PUBLISHED

    class Params:
        draft = factory.Trait(status=models.PublicationStatus.DRAFT)


class ProgrammeModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProgrammeModule

    programme = factory.SubFactory(ProgrammeFactory)
    module = factory.SubFactory(ModuleFactory)
    kind = models.ProgrammeModule.Kind.CORE
    season = models.Season.AUTUMN


class ModuleOfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ModuleOffering

    module = factory.SubFactory(ModuleFactory)
    term = factory.SubFactory(TermFactory)
    academic_year = factory.LazyAttribute(lambda o: o.term.academic_year)
    leader = factory.LazyAttribute(lambda o: o.module.leader)
    capacity = 40
    status = models.ModuleOffering.Status.OPEN


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    mode = models.StudyMode.FULL_TIME
    name = factory.LazyAttribute(lambda o: f"{o.programme.title} {o.academic_year.name} {o.mode}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enrolment

    cohort = factory.SubFactory(CohortFactory)
    student = factory.SubFactory(UserFactory, roles=[Role.STUDENT])


class SearchSynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SearchSynonym
        django_get_or_create = ("term",)

    term = factory.Sequence(lambda n: f"term{n}")
    expansion = "user experience"
