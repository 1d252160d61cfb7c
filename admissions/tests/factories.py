import datetime
import io
import zoneinfo
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions import models
from curriculum.tests.factories import AcademicYearFactory, EnrolmentFactory, ProgrammeFactory

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
        # The row as submission leaves it (see `builders.submitted` for the real thing, with its mail).
        submitted = factory.Trait(
            complete=True,
            state=models.Application.State.SUBMITTED,
            declaration_accepted_at=factory.LazyFunction(timezone.now),
            privacy_notice=factory.SubFactory(PrivacyNoticeFactory),
            privacy_consented_at=factory.LazyFunction(timezone.now),
            submitted_at=factory.LazyFunction(timezone.now),
        )
        under_review = factory.Trait(
            submitted=True,
            state=models.Application.State.UNDER_REVIEW,
            review_started_at=factory.LazyFunction(timezone.now),
        )
        enrolled = factory.Trait(submitted=True, state=models.Application.State.ENROLLED)
        withdrawn = factory.Trait(
            state=models.Application.State.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(timezone.now),
            withdrawal_reason="I took a job instead.",
        )


class RefereeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Referee

    application = factory.SubFactory(ApplicationFactory)
    order = 1
    name = factory.Faker("name")
    relationship = "Line manager"
    email = factory.Sequence(lambda n: f"referee{n}@example.net")

    class Params:
        requested = factory.Trait(token_nonce="n0nce", requested_at=factory.LazyFunction(timezone.now))
        received = factory.Trait(
            requested=True,
            received_at=factory.LazyFunction(timezone.now),
            reference_text="Sam writes careful, well-tested code.",
        )


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


def admissions_admin():
    return UserFactory(roles=[Role.ADMISSIONS_ADMIN])


def reviewer():
    return UserFactory(roles=[Role.REVIEWER])


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer to one of the application's intake's own questions."""

    class Meta:
        model = models.Answer

    application = factory.SubFactory(ApplicationFactory)
    question = factory.SubFactory(IntakeQuestionFactory, intake=factory.SelfAttribute("..application.intake"))
    text = "Through a friend on the course."


class DocumentAccessFactory(factory.django.DjangoModelFactory):
    """An admissions admin opening an application's CV."""

    class Meta:
        model = models.DocumentAccess

    document = factory.SubFactory(DocumentFactory)
    application = factory.SelfAttribute("document.application")
    document_label = factory.LazyAttribute(lambda o: o.document.original_name)
    user = factory.LazyFunction(admissions_admin)
    at = factory.LazyFunction(timezone.now)


class DecisionFactory(factory.django.DjangoModelFactory):
    """A staged offer on a submitted application: not yet released to the applicant."""

    class Meta:
        model = models.Decision

    application = factory.SubFactory(ApplicationFactory, under_review=True)
    outcome = models.Decision.Outcome.OFFER
    decided_by = factory.LazyFunction(admissions_admin)

    class Params:
        released = factory.Trait(released_at=factory.LazyFunction(timezone.now))
        waitlist = factory.Trait(outcome=models.Decision.Outcome.WAITLIST, waitlist_rank=1)
        reject = factory.Trait(outcome=models.Decision.Outcome.REJECT)
        interview = factory.Trait(outcome=models.Decision.Outcome.INTERVIEW)
        superseded = factory.Trait(released=True, superseded_at=factory.LazyFunction(timezone.now))


class OfferFactory(factory.django.DjangoModelFactory):
    """The pending offer of a released offer decision, to answer within two weeks."""

    class Meta:
        model = models.Offer

    decision = factory.SubFactory(DecisionFactory, released=True)
    application = factory.SelfAttribute("decision.application")
    respond_by = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))

    class Params:
        with_conditions = factory.Trait(conditional=True)
        accepted = factory.Trait(state=models.Offer.State.ACCEPTED, responded_at=factory.LazyFunction(timezone.now))
        declined = factory.Trait(state=models.Offer.State.DECLINED, responded_at=factory.LazyFunction(timezone.now))
        lapsed = factory.Trait(
            state=models.Offer.State.LAPSED,
            respond_by=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )
        withdrawn = factory.Trait(state=models.Offer.State.WITHDRAWN, responded_at=factory.LazyFunction(timezone.now))


class OfferConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.OfferCondition

    offer = factory.SubFactory(OfferFactory, with_conditions=True)
    order = factory.Sequence(int)
    text = "A degree certificate showing at least a 2:1."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))

    class Params:
        met = factory.Trait(
            status=models.OfferCondition.Status.MET,
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.LazyFunction(admissions_admin),
        )
        waived = factory.Trait(
            status=models.OfferCondition.Status.WAIVED,
            decided_at=factory.LazyFunction(timezone.now),
            decided_by=factory.LazyFunction(admissions_admin),
        )


class ApplicationEnrolmentFactory(factory.django.DjangoModelFactory):
    """An enrolled application and the applicant's place in a cohort (the row only:
    answering an offer enrols through the services)."""

    class Meta:
        model = models.ApplicationEnrolment

    application = factory.SubFactory(ApplicationFactory, enrolled=True)
    enrolment = factory.SubFactory(EnrolmentFactory, student=factory.SelfAttribute("..application.applicant"))


class ReviewSetupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewSetup
        django_get_or_create = ("intake",)

    intake = factory.SubFactory(IntakeFactory)

    class Params:
        closed = factory.Trait(is_open=False)
        blind_review = factory.Trait(blind=True)


class RubricCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RubricCriterion

    intake = factory.SubFactory(IntakeFactory)
    order = factory.Sequence(int)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    guidance = "1: no evidence; 5: strong evidence."


class ReviewerConflictFactory(factory.django.DjangoModelFactory):
    """A reviewer's conflict with someone, by email, who may apply to the intake."""

    class Meta:
        model = models.ReviewerConflict

    reviewer = factory.LazyFunction(reviewer)
    intake = factory.SubFactory(IntakeFactory)
    email = factory.Sequence(lambda n: f"friend{n}@example.org")
    reason = "A former colleague."

    class Params:
        with_application = factory.Trait(
            email="",
            application=factory.SubFactory(ApplicationFactory, submitted=True,
                                           intake=factory.SelfAttribute("..intake")),
        )


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, under_review=True)
    reviewer = factory.LazyFunction(reviewer)
    assigned_at = factory.LazyFunction(timezone.now)

    class Params:
        manual = factory.Trait(source=models.ReviewAssignment.Source.MANUAL,
                               assigned_by=factory.LazyFunction(admissions_admin))
        notified = factory.Trait(notified_at=factory.LazyFunction(timezone.now))


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review recommending an offer (the row only: `review_save` scores the rubric and updates the summary)."""

    class Meta:
        model = models.Review

    application = factory.SubFactory(ApplicationFactory, under_review=True)
    reviewer = factory.LazyFunction(reviewer)
    recommendation = models.Review.Recommendation.OFFER
    comment = "Strong code samples."
    score = Decimal("7.50")
    submitted_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("submitted_at")

    class Params:
        reject = factory.Trait(recommendation=models.Review.Recommendation.REJECT, score=Decimal("2.00"))


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(RubricCriterionFactory, intake=factory.SelfAttribute("..review.application.intake"))
    value = 4


class ReviewSummaryFactory(factory.django.DjangoModelFactory):
    """The summary of one review scoring 7.5 out of 10."""

    class Meta:
        model = models.ReviewSummary

    application = factory.SubFactory(ApplicationFactory, under_review=True)
    review_count = 1
    mean = Decimal("7.50")
    median = Decimal("7.50")
    spread = Decimal("0.00")
    recommendations = factory.LazyFunction(lambda: {"offer": 1})


class InterviewSlotFactory(factory.django.DjangoModelFactory):
    """A free half-hour interview a fortnight ahead."""

    class Meta:
        model = models.InterviewSlot

    intake = factory.SubFactory(IntakeFactory)
    starts_at = factory.Sequence(lambda n: (timezone.now() + datetime.timedelta(days=14, hours=n)).replace(
        minute=0, second=0, microsecond=0))
    place = "Room B12, Bush House"

    class Params:
        booked = factory.Trait(
            application=factory.SubFactory(ApplicationFactory, under_review=True,
                                           intake=factory.SelfAttribute("..intake")),
            booked_at=factory.LazyFunction(timezone.now),
        )
