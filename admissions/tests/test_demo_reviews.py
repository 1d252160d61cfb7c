import io

import pytest
from django.apps import apps

from accounts.models import User
from admissions import selectors
from admissions.models import (
    ApplicationEnrolment,
    Decision,
    InterviewSlot,
    OfferCondition,
    Review,
    ReviewAssignment,
)
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


def seed():
    for label in ("accounts", "notifications", "curriculum", "admissions"):
        apps.get_app_config(label).seed_demo(password="demo-password-123", stdout=io.StringIO())


def counts():
    return (ReviewAssignment.objects.count(), Review.objects.count(), Decision.objects.count(),
            InterviewSlot.objects.count(), OutboundEmail.objects.filter(purpose__startswith="admissions.").count())


def test_review_demo_gives_the_reviewer_a_queue_and_every_kind_of_decision_and_is_idempotent():
    seed()
    first = counts()
    reviewer = User.objects.get(email="reviewer@example.org")
    queue = selectors.reviewer_counts(reviewer)
    assert queue["todo"] > 0 and queue["done"] > 0
    current = Decision.objects.filter(superseded_at=None)
    assert current.filter(released_at=None).exists()  # staged
    assert current.filter(released_at__isnull=False).exists()  # applied
    keys = [f"admissions:decision:{pk}" for pk in current.filter(released_at__isnull=False).values_list("pk",
                                                                                                       flat=True)]
    states = set(OutboundEmail.objects.filter(idempotency_key__in=keys).values_list("state", flat=True))
    assert "staged" in states and states - {"staged"}  # mails released and not yet released
    assert OfferCondition.objects.filter(status="met").exists()
    assert OfferCondition.objects.filter(status="outstanding").exists()
    assert ApplicationEnrolment.objects.count() == 1
    assert InterviewSlot.objects.exclude(application=None).count() == 1
    invited = current.filter(outcome="interview", released_at__isnull=False)
    assert invited.count() == 2 and invited.filter(application__interview_slot=None).count() == 1  # one to book
    seed()
    assert counts() == first
