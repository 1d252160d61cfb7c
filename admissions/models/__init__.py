"""Admissions' models, one module per aggregate. Every model carries the
`admissions` app label; import them from here: `from admissions.models import Offer`."""

from .application import Answer, Application, ApplicationQuerySet
from .decision import Decision
from .document import REQUIRABLE_DOCUMENTS, ApplicationDocument, DocumentAccess, DocumentKind, document_path
from .intake import (
    TIMEZONE_LABELS,
    Intake,
    IntakeQuerySet,
    IntakeQuestion,
    PrivacyNotice,
    moment_in_words,
    timezone_label,
)
from .interview import InterviewSlot
from .offer import ApplicationEnrolment, Offer, OfferCondition
from .reference import Referee
from .review import Review, ReviewAssignment, ReviewerConflict, ReviewScore, ReviewSetup, ReviewSummary, RubricCriterion

__all__ = [
    "REQUIRABLE_DOCUMENTS", "TIMEZONE_LABELS", "Answer", "Application", "ApplicationDocument", "ApplicationEnrolment",
    "ApplicationQuerySet", "Decision", "DocumentAccess", "DocumentKind", "Intake", "IntakeQuerySet", "IntakeQuestion",
    "InterviewSlot", "Offer", "OfferCondition", "PrivacyNotice", "Referee", "Review", "ReviewAssignment",
    "ReviewScore", "ReviewSetup", "ReviewSummary", "ReviewerConflict", "RubricCriterion", "document_path",
    "moment_in_words", "timezone_label",
]
