"""Use cases of admissions admins setting up intakes (see docs/admissions.md)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.permissions import is_admissions_admin
from core.access import acting_user, check

from ..models import Intake, IntakeQuestion, PrivacyNotice


def intake_save(*, intake: Intake, questions=(), removed=(), by) -> Intake:
    """Create or update an intake with its extra questions, in one transaction.

    `questions` are new or changed IntakeQuestion rows (their intake is set
    here), `removed` the ones to delete: a question someone has answered cannot
    be removed (ValidationError), since its answers would go with it. Side
    effects: history rows for the intake, by `by`.
    """
    check(by, is_admissions_admin)
    with transaction.atomic():
        intake._history_user = acting_user(by)
        intake.save()
        for question in removed:
            if question.answers.exists():
                raise ValidationError(f"Applicants have answered “{question.label}”: it cannot be removed.")
            question.delete()
        for position, question in enumerate(questions, start=1):
            question.intake = intake
            if question.order is None:
                question.order = IntakeQuestion.objects.filter(intake=intake).count() + position
            question.save()
    return intake


def privacy_notice_publish(*, version, title, body, by, now=None) -> PrivacyNotice:
    """Publish a new version of the privacy notice: from now on applicants see and
    consent to it. Earlier versions stay as they were, since applications point at
    the version their applicant agreed to. Side effects: one PrivacyNotice row."""
    check(by, is_admissions_admin)
    return PrivacyNotice.objects.create(version=version, title=title, body=body,
                                        published_at=now or timezone.now())
