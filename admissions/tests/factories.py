import datetime
import io
import zoneinfo

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions import models
from curriculum.tests.factories import AcademicYearFactory, ProgrammeFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")


def pdf_bytes(pages=1, text_size=0):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text_size:
        writer.add_metadata({"/Subject": "x" * text_size})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_upload(name="cv.pdf", **kwargs):
    return SimpleUploadedFile(name, pdf_bytes(**kwargs), content_type="application/pdf")


class PrivacyNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PrivacyNotice
        django_get_or_create = ("version",)

    version = "2026-1"
    title = "How we use your application"
    body = "We use your application to decide whether to offer you a place."


class IntakeFactory(factory.django.DjangoModelFactory):
    """An intake open now: opened a month ago, closing in a month."""

    class Meta:
        model = models.Intake

    programme = factory.SubFactory(ProgrammeFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    title = factory.LazyAttribute(lambda o: f"{o.programme.title}, full-time, {o.academic_year.name}")
    slug = factory.Sequence(lambda n: f"intake-{n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    capacity = 30
    selection_criteria = "We look for **coding ability** and motivation."
    required_documents = factory.LazyFunction(lambda: ["cv", "transcript"])

    class Params:
        closed = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=60)),
            closes_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )
        upcoming = factory.Trait(
            opens_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10)),
            closes_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=60)),
        )


class IntakeQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IntakeQuestion

    intake = factory.SubFactory(IntakeFactory)
    kind = models.IntakeQuestion.Kind.SHORT_TEXT
    label = factory.Sequence(lambda n: f"Question {n}")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with nothing filled in. `complete=True` fills every step (without
    documents: see `complete_application`)."""

    class Meta:
        model = models.Application

    intake = factory.SubFactory(IntakeFactory)
    applicant = factory.SubFactory(UserFactory, roles=[Role.APPLICANT])

    class Params:
        complete = factory.Trait(
            legal_name="Sam Lee",
            phone="+44 20 7946 0000",
            country_of_residence="United Kingdom",
            highest_qualification="BSc (Hons)",
            qualification_subject="Computer Science",
            institution="University of Leeds",
            qualification_year=2019,
            work_history="Developer at a council digital team.",
            languages=[{"language": "Python", "level": "expert"}],
            years_coding=8,
            code_links=["https://github.com/example"],
            built_something="A bin-collection reminder service.",
            personal_statement="I want to build public services that work.",
            completed_steps=["personal", "education", "coding", "statement", "referees"],
        )


class RefereeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Referee

    application = factory.SubFactory(ApplicationFactory)
    order = 1
    name = factory.Faker("name")
    relationship = "Line manager"
    email = factory.Sequence(lambda n: f"referee{n}@example.net")


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ApplicationDocument

    application = factory.SubFactory(ApplicationFactory)
    kind = models.DocumentKind.CV
    file = factory.LazyFunction(lambda: SimpleUploadedFile("cv.pdf", pdf_bytes()))
    original_name = "cv.pdf"
    size = factory.LazyAttribute(lambda o: o.file.size)
    sha256 = "0" * 64


def complete_application(**kwargs):
    """A draft ready to submit: every step done, two referees, required documents."""
    application = ApplicationFactory(complete=True, **kwargs)
    RefereeFactory(application=application, order=1, name="Dr Alex Morgan")
    RefereeFactory(application=application, order=2, name="Jamie Patel")
    for kind in application.intake.required_documents:
        DocumentFactory(application=application, kind=kind)
    return application
