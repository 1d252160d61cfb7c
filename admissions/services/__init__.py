"""Admissions use cases, one module per area. Each is atomic, re-checks
permission and state, writes the audit trail (django-simple-history, with the
acting user) and queues mail through notifications in the same transaction; its
docstring lists its side effects. Import from here:
`from admissions import services; services.application_submit(...)`.
"""

from ._common import (
    REVIEWABLE,
    AdmissionsError,
    ApplicationLocked,
    DeadlinePassed,
    Incomplete,
    IntakeClosed,
    OfferClosed,
    ReferenceLinkInvalid,
    StaleVersion,
)
from .applications import (
    application_save_answers,
    application_save_referees,
    application_save_step,
    application_start,
    application_start_review,
    application_submit,
    application_withdraw,
)
from .assignments import assignment_add, assignment_remove, assignment_run, digests_send
from .decisions import (
    FOLLOWABLE,
    decision_mail_content,
    decision_mails_release,
    decision_record,
    decision_release,
    decision_stage,
    decisions_apply,
    waitlist_offer,
)
from .documents import document_add, document_delete, document_open
from .intakes import intake_save, privacy_notice_publish
from .interviews import INTERVIEW_MESSAGE, interview_respond_by, slot_book, slot_create, slot_delete
from .offers import condition_decide, enrol_if_ready, offer_respond
from .references import referee_from_token, referee_request, reference_submit
from .reviews import conflict_declare, review_save, summaries_refresh, weighted_score
from .setup import criterion_delete, criterion_save, review_setup_save, setup_for

__all__ = [
    "FOLLOWABLE", "INTERVIEW_MESSAGE", "REVIEWABLE", "AdmissionsError", "ApplicationLocked",
    "DeadlinePassed", "Incomplete", "IntakeClosed", "OfferClosed", "ReferenceLinkInvalid", "StaleVersion",
    "application_save_answers", "application_save_referees", "application_save_step", "application_start",
    "application_start_review", "application_submit", "application_withdraw", "assignment_add", "assignment_remove",
    "assignment_run", "condition_decide", "conflict_declare", "criterion_delete", "criterion_save",
    "decision_mail_content", "decision_mails_release", "decision_record", "decision_release", "decision_stage",
    "decisions_apply", "digests_send", "document_add", "document_delete", "document_open", "enrol_if_ready",
    "intake_save", "interview_respond_by", "offer_respond", "privacy_notice_publish",
    "referee_from_token", "referee_request", "reference_submit", "review_save", "review_setup_save", "setup_for",
    "slot_book", "slot_create", "slot_delete", "summaries_refresh", "waitlist_offer", "weighted_score",
]
