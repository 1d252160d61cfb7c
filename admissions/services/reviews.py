"""A reviewer's review and scores, the per-application summary kept beside
them, and the conflicts of interest reviewers declare."""

import statistics
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import (
    Review,
    ReviewAssignment,
    ReviewerConflict,
    ReviewScore,
    ReviewSummary,
    RubricCriterion,
)
from ._common import AdmissionsError, _audited
from .setup import setup_for

TEN = Decimal("10")


CENT = Decimal("0.01")


def conflict_declare(*, reviewer, intake, by, application=None, email="", reason=""):
    """A reviewer declares a conflict of interest, with an application assigned
    to them or with a person by email. Side effects: the conflict; an assignment
    to that application is removed, and any review they wrote of it deleted
    (history keeps both), so it goes to someone else at the next assignment run."""
    if by != reviewer or not permissions.can_review(by):
        raise PermissionDenied
    if application is not None and not ReviewAssignment.objects.filter(
        application=application, reviewer=reviewer
    ).exists():
        raise PermissionDenied
    with transaction.atomic():
        conflict = ReviewerConflict.objects.create(
            reviewer=reviewer, intake=intake, application=application, email=email.strip().lower(), reason=reason
        )
        targets = ReviewAssignment.objects.filter(reviewer=reviewer, application__intake=intake)
        if application is not None:
            targets = targets.filter(application=application)
        else:
            targets = targets.filter(application__applicant__email__iexact=email.strip())
        touched = set()
        for assignment in targets:
            touched.add(assignment.application_id)
            for review in Review.objects.filter(application_id=assignment.application_id, reviewer=reviewer):
                _audited(review, by).delete()
            _audited(assignment, by).delete()
        summaries_refresh(touched)
    return conflict


def weighted_score(criteria, values):
    """The weighted mean of scores, each scaled to 0 to 10, rounded to 2 places."""
    total_weight = sum(c.weight for c in criteria)
    total = sum(Decimal(values[c.pk]) / c.scale_max * TEN * c.weight for c in criteria)
    return (total / total_weight).quantize(CENT, rounding=ROUND_HALF_UP)


def review_save(*, application, reviewer, scores, recommendation, comment="", by, now=None):
    """Save (or change) a reviewer's review of an assigned application.

    `scores` maps criterion id to a value within its scale; every criterion of
    the intake's rubric needs one. Refused when not assigned, conflicted, or
    the review phase is closed. Side effects: Review (history) and its
    ReviewScores; the application's ReviewSummary is recomputed.
    """
    now = now or timezone.now()
    if by != reviewer or not permissions.can_review_application(by, application):
        raise PermissionDenied
    setup = setup_for(application.intake)
    if not setup.is_open:
        raise AdmissionsError("The review phase is closed, so reviews can no longer be changed.")
    if recommendation not in Review.Recommendation.values:
        raise AdmissionsError("Choose a recommendation.")
    criteria = list(RubricCriterion.objects.filter(intake=application.intake_id))
    if not criteria:
        raise AdmissionsError("This intake has no rubric yet.")
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or not 1 <= int(value) <= criterion.scale_max:
            raise AdmissionsError(f"Give “{criterion.name}” a score from 1 to {criterion.scale_max}.")
    score = weighted_score(criteria, {c.pk: int(scores[c.pk]) for c in criteria})
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(application=application, reviewer=reviewer).first()
        if review is None:
            review = Review(application=application, reviewer=reviewer, submitted_at=now)
        review.recommendation = recommendation
        review.comment = comment
        review.score = score
        review.updated_at = now
        _audited(review, by).save()
        existing = {s.criterion_id: s for s in review.scores.all()}
        for criterion in criteria:
            value = int(scores[criterion.pk])
            row = existing.get(criterion.pk)
            if row is None:
                ReviewScore.objects.create(review=review, criterion=criterion, value=value)
            elif row.value != value:
                row.value = value
                row.save(update_fields=["value"])
        summaries_refresh([application.pk])
    return review


def _summary_values(scores):
    scores = sorted(scores)
    mean = (sum(scores) / len(scores)).quantize(CENT, rounding=ROUND_HALF_UP)
    median = Decimal(statistics.median(scores)).quantize(CENT, rounding=ROUND_HALF_UP)
    return mean, median, scores[-1] - scores[0]


def summaries_refresh(application_ids):
    """Recompute ReviewSummary rows for these applications (two queries plus writes)."""
    application_ids = list(application_ids)
    if not application_ids:
        return
    grouped = defaultdict(list)
    recs = defaultdict(Counter)
    for app_id, score, recommendation in Review.objects.filter(application_id__in=application_ids).values_list(
        "application_id", "score", "recommendation"
    ):
        grouped[app_id].append(score)
        recs[app_id][recommendation] += 1
    ReviewSummary.objects.filter(application_id__in=application_ids).exclude(
        application_id__in=list(grouped)
    ).delete()
    rows = []
    for app_id, scores in grouped.items():
        mean, median, spread = _summary_values(scores)
        rows.append(ReviewSummary(application_id=app_id, review_count=len(scores), mean=mean, median=median,
                                  spread=spread, recommendations=dict(recs[app_id])))
    ReviewSummary.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["application"],
        update_fields=["review_count", "mean", "median", "spread", "recommendations"], batch_size=2000,
    )
