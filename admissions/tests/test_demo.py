import io

import pytest
from django.apps import apps

from admissions.demo.applications import seed_applications as seed_admissions
from admissions.models import Application, Decision, Intake, Offer

pytestmark = pytest.mark.django_db


def seed():
    """The apps admissions builds on, then the demo applications (without the reviews on top)."""
    for label in ("accounts", "notifications", "curriculum"):
        config = apps.get_app_config(label)
        if hasattr(config, "seed_demo"):
            config.seed_demo(password="demo-password-123", stdout=io.StringIO())
    seed_admissions(password="demo-password-123", stdout=io.StringIO())


def snapshot():
    return (
        Intake.objects.count(),
        sorted(Application.objects.values_list("applicant__email", "state")),
        Decision.objects.count(),
        Offer.objects.count(),
    )


def test_demo_has_two_open_intakes_with_applications_in_every_state_and_is_idempotent():
    seed()
    first = snapshot()
    seed()
    assert snapshot() == first
    assert sorted(i.title for i in Intake.objects.all() if i.is_open()) == [
        "MSc Public Technology, full-time, 2027/28", "PGCert Public Technology, part-time, 2027/28",
    ]
    states = set(Application.objects.values_list("state", flat=True))
    assert states == {"draft", "submitted", "under_review", "decided", "withdrawn"}
    outcomes = set(Decision.objects.values_list("outcome", flat=True))
    assert outcomes == {"offer", "waitlist", "reject"}
    assert set(Offer.objects.values_list("state", flat=True)) == {"pending", "accepted"}
    demo = Application.objects.get(applicant__email="applicant@example.org")
    assert demo.state == "submitted"
    assert demo.referees.filter(received_at__isnull=False).count() == 1
