"""Intakes: one round of admission into a programme for one academic year and
mode, the extra questions it asks and the privacy notice applicants consent to;
and how a moment reads in the programme's time zone."""

import zoneinfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from curriculum.models import StudyMode

from .document import DocumentKind

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
