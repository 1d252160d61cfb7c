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

    class Params:
        planned = factory.Trait(status=models.ModuleOffering.Status.PLANNED)
        cancelled = factory.Trait(status=models.ModuleOffering.Status.CANCELLED)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    mode = models.StudyMode.FULL_TIME
    name = factory.LazyAttribute(lambda o: f"{o.programme.title} {o.academic_year.name} {o.mode}")
    slug = factory.Sequence(lambda n: f"cohort-{n}")

    class Params:
        part_time = factory.Trait(mode=models.StudyMode.PART_TIME)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enrolment

    cohort = factory.SubFactory(CohortFactory)
    student = factory.SubFactory(UserFactory, roles=[Role.STUDENT])

    class Params:
        withdrawn = factory.Trait(status=models.Enrolment.Status.WITHDRAWN)
        completed = factory.Trait(status=models.Enrolment.Status.COMPLETED)


class SearchSynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SearchSynonym
        django_get_or_create = ("term",)

    term = factory.Sequence(lambda n: f"term{n}")
    expansion = "user experience"


class ExitAwardFactory(factory.django.DjangoModelFactory):
    """A PGCert a student can leave the programme with at 60 credits."""

    class Meta:
        model = models.ExitAward

    programme = factory.SubFactory(ProgrammeFactory)
    name = "PGCert Public Technology"
    credits_required = 60


class LearningOutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LearningOutcome

    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Explain trade-off {n} of a public digital service.")


class AssessmentComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AssessmentComponent

    module = factory.SubFactory(ModuleFactory)
    order = factory.Sequence(int)
    title = factory.Sequence(lambda n: f"Coursework {n}")
    kind = models.AssessmentComponent.Kind.CODE
    weight = 100


class ModuleRevisionFactory(factory.django.DjangoModelFactory):
    """A saved draft of a module: its number follows the module's version."""

    class Meta:
        model = models.ModuleRevision

    module = factory.SubFactory(ModuleFactory)
    number = factory.LazyAttribute(lambda o: o.module.version)
    kind = models.ModuleRevision.Kind.DRAFT
    snapshot = factory.LazyAttribute(lambda o: {"title": o.module.title, "summary": o.module.summary})
    author = factory.LazyAttribute(lambda o: o.module.leader)

    class Params:
        published = factory.Trait(kind=models.ModuleRevision.Kind.PUBLISHED)
        created = factory.Trait(kind=models.ModuleRevision.Kind.CREATED, note="Created")
