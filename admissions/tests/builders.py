"""Builders for tests of reviewing and deciding: submitted applications, a rubric, people."""

from decimal import Decimal

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions import services
from admissions.models import RubricCriterion
from admissions.tests.factories import IntakeFactory, PrivacyNoticeFactory, complete_application


def admin_user(**kwargs):
    return UserFactory(roles=[Role.ADMISSIONS_ADMIN], **kwargs)


def reviewer_user(**kwargs):
    return UserFactory(roles=[Role.REVIEWER], **kwargs)


def submitted(intake=None, **kwargs):
    """A submitted application (acknowledgement and reference requests queued)."""
    if intake is not None:
        kwargs["intake"] = intake
    application = complete_application(**kwargs)
    services.application_submit(
        application=application, by=application.applicant, privacy_notice=PrivacyNoticeFactory(), declaration=True
    )
    application.refresh_from_db()
    return application


RUBRIC = [
    ("Coding ability", 5, "2"),
    ("Motivation for public-good technology", 5, "1"),
    ("Communication", 5, "1"),
    ("Fit with the cohort", 5, "1"),
]


def rubric(intake):
    return [
        RubricCriterion.objects.create(intake=intake, order=n, name=name, scale_max=scale, weight=Decimal(weight),
                                       guidance=f"How strong is the evidence of {name.lower()}?")
        for n, (name, scale, weight) in enumerate(RUBRIC, start=1)
    ]


def scores(criteria, value):
    return {c.pk: value for c in criteria}


__all__ = ["IntakeFactory", "admin_user", "reviewer_user", "rubric", "scores", "submitted"]
