"""An application: at most one per applicant per intake (the database refuses a
second), filled in as a draft in steps, then submitted, after which it is
locked; and its answers to the intake's extra questions.

State moves happen only in `admissions.services`; django-simple-history keeps
the history of every model whose state matters.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .intake import Intake, IntakeQuestion, PrivacyNotice


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
    def awaits_decision(self):
        """Submitted and not yet decided: reviewers can still be assigned to it."""
        return self.state in (self.State.SUBMITTED, self.State.UNDER_REVIEW)

    @property
    def has_decision(self):
        """A decision has been made (and the applicant may since have enrolled)."""
        return self.state in (self.State.DECIDED, self.State.ENROLLED)

    @property
    def display_name(self):
        return self.preferred_name or self.legal_name or self.applicant.full_name


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
