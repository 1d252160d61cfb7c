"""Admissions: intakes, applications and everything attached to them.

An Intake admits people to a programme for one academic year. An applicant has
at most one Application per intake (the database refuses a second); it is
filled in as a draft in steps, then submitted, after which it is locked. Its
referees upload references through signed links; documents live in private
storage and are only served by a view that checks who asks.

After review (issue 8) a Decision is recorded and released; an offer Decision
carries an Offer the applicant accepts or declines, with OfferConditions they
upload evidence for.

State moves happen only in `admissions.services`; history is kept by
django-simple-history on every model whose state matters.
"""

import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from curriculum.models import StudyMode

from .storage import get_private_storage


class DocumentKind(models.TextChoices):
    CV = "cv", "CV"
    TRANSCRIPT = "transcript", "Transcript of your degree"
    PORTFOLIO = "portfolio", "Portfolio or writing sample"
    ANSWER = "answer", "File for a question"
    REFERENCE = "reference", "Reference"
    EVIDENCE = "evidence", "Evidence for an offer condition"


# Kinds an intake may ask every applicant for.
REQUIRABLE_DOCUMENTS = [DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO]

TIMEZONE_LABELS = {"Europe/London": "UK time"}


def timezone_label(name):
    return TIMEZONE_LABELS.get(name, name.replace("_", " "))


def moment_in_words(moment, tz_name):
    """'Wednesday 31 March 2027, 12:00 noon UK time', in the given time zone."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(tz_name))
    if (local.hour, local.minute) == (12, 0):
        clock = "12:00 noon"
    elif (local.hour, local.minute) == (0, 0):
        clock = "midnight"
    else:
        hour = local.hour % 12 or 12
        clock = f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"
    return f"{local:%A} {local.day} {local:%B %Y}, {clock} {timezone_label(tz_name)}"


class PrivacyNotice(models.Model):
    """The privacy notice applicants consent to. The newest published one applies;
    each application records the version it was shown."""

    version = models.CharField(max_length=20, unique=True, help_text="For example 2026-1.")
    title = models.CharField(max_length=200, default="How we use your application")
    body = models.TextField(help_text="Markdown.")
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published_at"]
        get_latest_by = "published_at"

    def __str__(self):
        return f"Privacy notice {self.version}"


class IntakeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment):
        return self.published().filter(opens_at__lte=moment, closes_at__gte=moment)


class Intake(models.Model):
    """One round of admission into a programme for one academic year and mode."""

    programme = models.ForeignKey("curriculum.Programme", on_delete=models.PROTECT, related_name="intakes")
    academic_year = models.ForeignKey(
        "curriculum.AcademicYear", on_delete=models.PROTECT, related_name="intakes"
    )
    cohort = models.ForeignKey(
        "curriculum.Cohort", on_delete=models.SET_NULL, null=True, blank=True, related_name="intakes",
        help_text="The cohort successful applicants join.",
    )
    mode = models.CharField(max_length=10, choices=StudyMode.choices, default=StudyMode.FULL_TIME)
    title = models.CharField(max_length=200, help_text="For example “MSc Public Technology, full-time, 2027/28”.")
    slug = models.SlugField(max_length=200, unique=True)
    opens_at = models.DateTimeField(help_text="Entered in the programme's time zone.")
    closes_at = models.DateTimeField(
        help_text="The last moment an application can be submitted, in the programme's time zone."
    )
    capacity = models.PositiveIntegerField(help_text="Places available.")
    selection_criteria = models.TextField(blank=True, help_text="Markdown. Shown to applicants.")
    required_documents = models.JSONField(
        default=list, blank=True, help_text="Document kinds every applicant uploads: cv, transcript, portfolio."
    )
    statement_word_limit = models.PositiveSmallIntegerField(
        default=750, validators=[MinValueValidator(50), MaxValueValidator(5000)]
    )
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IntakeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["closes_at", "programme__order"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="intake_closes_after_opening"),
            models.UniqueConstraint(
                fields=["programme", "academic_year", "mode"], name="intake_unique_per_programme_year_mode"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admissions:intake-detail", args=[self.slug])

    @property
    def tz(self):
        return zoneinfo.ZoneInfo(self.programme.timezone)

    @property
    def timezone_label(self):
        return timezone_label(self.programme.timezone)

    @property
    def opens_local(self):
        return timezone.localtime(self.opens_at, self.tz)

    @property
    def closes_local(self):
        return timezone.localtime(self.closes_at, self.tz)

    @property
    def deadline_words(self):
        return moment_in_words(self.closes_at, self.programme.timezone)

    @property
    def opens_words(self):
        return moment_in_words(self.opens_at, self.programme.timezone)

    def is_open(self, moment=None):
        moment = moment or timezone.now()
        return self.is_published and self.opens_at <= moment <= self.closes_at

    def required_document_kinds(self):
        return [DocumentKind(kind) for kind in self.required_documents if kind in DocumentKind.values]


class IntakeQuestion(models.Model):
    """An extra question an intake asks, beyond the standard steps."""

    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        SINGLE_CHOICE = "single_choice", "One choice"
        MULTIPLE_CHOICE = "multiple_choice", "Several choices"
        URL = "url", "Web address"
        FILE = "file", "PDF file"

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    label = models.CharField(max_length=300)
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=False)
    word_limit = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Long text only.")
    choices = models.JSONField(default=list, blank=True, help_text="Choice questions: a list of options.")
    sensitive = models.BooleanField(
        default=False, help_text="Only admissions admins see the answer, never reviewers."
    )

    class Meta:
        ordering = ["intake", "order", "id"]

    def __str__(self):
        return self.label


class ApplicationQuerySet(models.QuerySet):
    def submitted(self):
        return self.exclude(state__in=[Application.State.DRAFT])


class Application(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        UNDER_REVIEW = "under_review", "Under review"
        DECIDED = "decided", "Decision made"
        ENROLLED = "enrolled", "Enrolled"
        WITHDRAWN = "withdrawn", "Withdrawn"

    intake = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # Optimistic concurrency: every step save bumps it; a save made from an
    # older version is refused, so two tabs never silently overwrite each other.
    version = models.PositiveIntegerField(default=1)
    completed_steps = models.JSONField(default=list, blank=True)

    # Personal details
    legal_name = models.CharField(max_length=200, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    country_of_residence = models.CharField(max_length=100, blank=True)
    # Sensitive, optional: admissions admins only (see permissions.can_view_sensitive).
    accessibility_needs = models.TextField(blank=True)
    circumstances = models.TextField(blank=True)

    # Education and work
    highest_qualification = models.CharField(max_length=200, blank=True)
    institution = models.CharField(max_length=200, blank=True)
    qualification_subject = models.CharField(max_length=200, blank=True)
    qualification_year = models.PositiveSmallIntegerField(null=True, blank=True)
    current_role = models.CharField(max_length=200, blank=True)
    employer = models.CharField(max_length=200, blank=True)
    work_history = models.TextField(blank=True)

    # Coding evidence
    languages = models.JSONField(default=list, blank=True)  # [{"language": "Python", "level": "expert"}]
    years_coding = models.PositiveSmallIntegerField(null=True, blank=True)
    code_links = models.JSONField(default=list, blank=True)  # ["https://github.com/…"]
    built_something = models.TextField(blank=True)

    personal_statement = models.TextField(blank=True)

    declaration_accepted_at = models.DateTimeField(null=True, blank=True)
    privacy_notice = models.ForeignKey(
        PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    privacy_consented_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_started_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Answers shown only to admissions admins (and the applicant), never to reviewers.
    SENSITIVE_FIELDS = ("accessibility_needs", "circumstances")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "applicant"], name="one_application_per_intake"),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "withdrawn"]) | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "withdrawn"])
                | Q(privacy_consented_at__isnull=False, privacy_notice__isnull=False),
                name="application_submitted_has_consent",
            ),
        ]
        indexes = [models.Index(fields=["intake", "state"], name="adm_app_intake_state")]

    def __str__(self):
        return f"{self.applicant} for {self.intake}"

    def get_absolute_url(self):
        return reverse("admissions:application-overview", args=[self.pk])

    @property
    def is_draft(self):
        return self.state == self.State.DRAFT

    @property
    def is_locked(self):
        return self.state != self.State.DRAFT

    @property
    def can_withdraw(self):
        return self.state not in (self.State.WITHDRAWN, self.State.ENROLLED)

    @property
    def display_name(self):
        return self.preferred_name or self.legal_name or self.applicant.full_name


class Referee(models.Model):
    """A referee named on an application. They answer through a signed link,
    without an account; `token_nonce` makes the link single-use."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="referees")
    order = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(2)])
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=200)
    email = models.EmailField()
    token_nonce = models.CharField(max_length=32, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    reference_text = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "order"]
        constraints = [
            models.UniqueConstraint(fields=["application", "order"], name="referee_order_unique"),
        ]

    def __str__(self):
        return f"{self.name} ({self.relationship})"

    @property
    def has_responded(self):
        return self.received_at is not None


def document_path(instance, filename):
    # The stored name reveals nothing: neither the person nor the original name.
    return f"admissions/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class ApplicationDocument(models.Model):
    """A PDF attached to an application. Stored in private storage (never under
    MEDIA_URL) and served only by `views.document_download`."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_path, storage=get_private_storage, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    referee = models.ForeignKey(Referee, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    question = models.ForeignKey(
        IntakeQuestion, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    condition = models.ForeignKey(
        "OfferCondition", on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )

    class Meta:
        ordering = ["application", "kind", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="reference") | Q(referee__isnull=False),
                name="reference_document_has_referee",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self):
        return reverse("admissions:document-download", args=[self.pk])

    @property
    def download_name(self):
        stem = PurePath(self.original_name).stem or self.kind
        safe = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in stem).strip() or self.kind
        return f"{safe[:80]}.pdf"


class Answer(models.Model):
    """An answer to one of the intake's extra questions."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(IntakeQuestion, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(blank=True)
    selected = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "question"], name="answer_once_per_question"),
        ]

    def __str__(self):
        return f"Answer to {self.question_id}"


class Decision(models.Model):
    """The outcome for an application. Issue 8 stages decisions and releases them
    in bulk; only a released decision is shown to the applicant. A later decision
    (a waitlisted applicant offered a place) supersedes the earlier one."""

    class Outcome(models.TextChoices):
        OFFER = "offer", "Offer"
        WAITLIST = "waitlist", "Waiting list"
        REJECT = "reject", "Unsuccessful"
        INTERVIEW = "interview", "Invited to interview"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    waitlist_rank = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="A note to the applicant, shown with the decision.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(superseded_at__isnull=True), name="one_current_decision"
            ),
        ]

    # What an applicant invited to interview reads when the team wrote no note of its own.
    DEFAULT_INTERVIEW_NOTE = "Please book a time for your interview."

    def __str__(self):
        return f"{self.get_outcome_display()} for {self.application_id}"

    @property
    def is_released(self):
        return self.released_at is not None

    @property
    def note_for_applicant(self):
        """The team's note, or the default line of an interview invitation."""
        if self.message:
            return self.message
        return self.DEFAULT_INTERVIEW_NOTE if self.outcome == self.Outcome.INTERVIEW else ""


class Offer(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Waiting for your answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        LAPSED = "lapsed", "Lapsed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="offer")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    conditional = models.BooleanField(default=False)
    respond_by = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    responded_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-respond_by"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "lapsed"]) | Q(responded_at__isnull=False),
                name="offer_answer_has_time",
            ),
        ]

    def __str__(self):
        return f"Offer to {self.application_id}"

    def is_answerable(self, moment=None):
        return self.state == self.State.PENDING and (moment or timezone.now()) <= self.respond_by


class OfferCondition(models.Model):
    class Status(models.TextChoices):
        OUTSTANDING = "outstanding", "Outstanding"
        MET = "met", "Met"
        WAIVED = "waived", "Waived"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="conditions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OUTSTANDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "order", "id"]

    def __str__(self):
        return self.text


from .review_models import *  # noqa: E402,F403
