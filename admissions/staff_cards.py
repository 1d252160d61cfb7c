"""Admissions' cards on the staff area's front page (see mpt/staff_cards.py):
one for admissions admins, one for reviewers."""

from django.db.models import Count, Q
from django.urls import reverse

from core.staff_cards import Card, Line

from .models import Application, Decision
from .permissions import can_manage_reviews, can_review
from .selectors import reviewer_counts

State = Application.State


def admissions_card(user):
    """Applications waiting on the admissions team, across intakes. Two queries."""
    if not can_manage_reviews(user):
        return None
    counts = Application.objects.aggregate(
        submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
        under_review=Count("pk", filter=Q(state=State.UNDER_REVIEW)),
    )
    staged = Decision.objects.filter(released_at__isnull=True, superseded_at__isnull=True).count()
    url = reverse("admissions:admin-list")
    return Card(
        key="admissions",
        title="Admissions",
        more_url=reverse("admissions:admin-dashboard"),
        more_label="Admissions dashboard",
        lines=[
            Line(counts["submitted"], "submitted application without reviewers yet",
                 "submitted applications without reviewers yet", f"{url}?state={State.SUBMITTED}"),
            Line(counts["under_review"], "application under review", "applications under review",
                 f"{url}?state={State.UNDER_REVIEW}"),
            Line(staged, "decision staged, not yet applied", "decisions staged, not yet applied",
                 f"{url}?flags=staged"),
        ],
    )


def reviews_card(user):
    """The reviewer's own queue. One query."""
    if not can_review(user):
        return None
    counts = reviewer_counts(user)
    url = reverse("admissions:review-queue")
    return Card(
        key="reviews",
        title="Your reviews",
        more_url=reverse("admissions:review-conflicts"),
        more_label="Declare a conflict of interest",
        lines=[
            Line(counts["todo"], "application waiting for your review", "applications waiting for your review", url),
            Line(counts["done"], "reviewed by you", "reviewed by you", f"{url}?show=done"),
        ],
    )
