"""Review: per intake, its set-up and rubric; reviewers' declared conflicts,
their assignments, their reviews and scores; and one summary row per
application, kept up to date on every review save, so lists filter and sort by
it with an index instead of aggregating every score on every page.

- ReviewSetup: how many reviewers read each application (k), the due date,
  whether reviewing is open, blind mode and when co-reviewers' scores show.
- RubricCriterion: what reviewers score (name, guidance, scale, weight).
- ReviewerConflict: a conflict of interest with one application, or with a
  person (by email) who may apply.
- ReviewAssignment: one reviewer reads one application; `notified_at` drives
  the digest mail.
- Review + ReviewScore: the scores, a panel-only comment and a recommendation;
  `score` is the review's weighted score out of 10.
- ReviewSummary: count, weighted mean, median and spread of the reviews.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class ReviewSetup(models.Model):
    class CoReviews(models.TextChoices):
        AFTER_OWN = "after_own", "After the reviewer's own review is in"
        NEVER = "never", "Never (admissions admins only)"

    intake = models.OneToOneField("admissions.Intake", on_delete=models.CASCADE, related_name="review_setup")
    reviewers_per_application = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many reviewers read each application.",
    )
    due_on = models.DateField(null=True, blank=True, help_text="When reviews should be in.")
    is_open = models.BooleanField(
        default=True, help_text="Reviewers can write and change reviews while the review phase is open."
    )
    blind = models.BooleanField(
        default=False,
        help_text="Hide applicants' names, contact details and referees from reviewers everywhere.",
    )
    co_reviews = models.CharField(
        max_length=12, choices=CoReviews.choices, default=CoReviews.AFTER_OWN,
        help_text="When a reviewer may see the other reviewers' scores for the same application.",
    )
    disagreement_threshold = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("3.0"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("10"))],
        help_text="Flag an application when its reviewers' scores (out of 10) differ by at least this much.",
    )
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="review_panels",
        help_text="Reviewers for this intake. Leave empty to use everyone with the reviewer role.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    def __str__(self):
        return f"Review set-up for {self.intake}"


class RubricCriterion(models.Model):
    intake = models.ForeignKey("admissions.Intake", on_delete=models.CASCADE, related_name="rubric")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    guidance = models.TextField(blank=True, help_text="What each end of the scale means, for reviewers.")
    scale_max = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="Scores run from 1 to this.",
    )
    weight = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["intake", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "name"], name="rubric_criterion_name_unique"),
            models.CheckConstraint(condition=Q(scale_max__gte=2, scale_max__lte=10), name="rubric_scale_2_to_10"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="rubric_weight_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def scale(self):
        return range(1, self.scale_max + 1)


class ReviewerConflict(models.Model):
    """A conflict of interest a reviewer declared: with one application, or with a
    person (by email address) in an intake, before or after they apply."""

    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts")
    intake = models.ForeignKey("admissions.Intake", on_delete=models.CASCADE, related_name="review_conflicts")
    application = models.ForeignKey(
        "admissions.Application", on_delete=models.CASCADE, null=True, blank=True, related_name="review_conflicts"
    )
    email = models.EmailField(blank=True, help_text="The person's email address, if they have not applied yet.")
    reason = models.CharField(max_length=300, blank=True)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | ~Q(email=""), name="conflict_names_someone"
            ),
            models.UniqueConstraint(
                fields=["reviewer", "application"], condition=Q(application__isnull=False),
                name="conflict_once_per_application",
            ),
        ]

    def __str__(self):
        return f"Conflict of {self.reviewer_id}"


class ReviewAssignment(models.Model):
    class Source(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic"
        MANUAL = "manual", "Manual"

    application = models.ForeignKey(
        "admissions.Application", on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AUTOMATIC)
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    notified_at = models.DateTimeField(null=True, blank=True, help_text="When the digest mail told the reviewer.")

    history = HistoricalRecords(excluded_fields=["notified_at"])

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="assignment_once_per_reviewer"),
        ]
        indexes = [models.Index(fields=["reviewer", "application"], name="adm_assign_reviewer")]

    def __str__(self):
        return f"{self.reviewer_id} reviews {self.application_id}"


class Review(models.Model):
    class Recommendation(models.TextChoices):
        OFFER = "offer", "Offer a place"
        INTERVIEW = "interview", "Interview first"
        WAITLIST = "waitlist", "Waiting list"
        REJECT = "reject", "Do not offer a place"

    application = models.ForeignKey("admissions.Application", on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    comment = models.TextField(
        blank=True, help_text="For the panel only: the applicant never sees it."
    )
    score = models.DecimalField(
        max_digits=4, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="The weighted score out of 10.",
    )
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_once_per_reviewer"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=10), name="review_score_0_to_10"),
        ]
        indexes = [models.Index(fields=["reviewer", "application"], name="adm_review_reviewer")]

    def __str__(self):
        return f"Review of {self.application_id} by {self.reviewer_id}"


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(10)])

    class Meta:
        ordering = ["review", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=10), name="score_value_1_to_10"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class ReviewSummary(models.Model):
    application = models.OneToOneField(
        "admissions.Application", on_delete=models.CASCADE, primary_key=True, related_name="review_summary"
    )
    review_count = models.PositiveSmallIntegerField(default=0)
    mean = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    median = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    spread = models.DecimalField(max_digits=4, decimal_places=2, null=True)
    recommendations = models.JSONField(default=dict, help_text="Count of each recommendation.")

    class Meta:
        indexes = [
            models.Index(fields=["mean"], name="adm_summary_mean"),
            models.Index(fields=["median"], name="adm_summary_median"),
            models.Index(fields=["spread"], name="adm_summary_spread"),
        ]

    def __str__(self):
        return f"Scores of {self.application_id}"
