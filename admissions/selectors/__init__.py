"""Reads the admissions pages need, with related rows fetched up front so a page
costs the same number of queries whatever the data size. `*_or_404` helpers
fetch and authorise at once: what someone may not see does not exist for them.
Import from here: `from admissions import selectors; selectors.capacity(intake)`.
"""

from .applications import (
    ApplicationDetail,
    application_detail,
    application_for_owner_or_404,
    application_missing_steps,
    applications_for_applicant,
    current_offer_or_404,
    document_or_404,
    interview_decision,
)
from .dashboard import CHART_STATES, dashboard, states_over_time
from .decisions import capacity, decision_mail, next_waitlist_rank, staged_decisions, unsent_decision_mails
from .intakes import apply_page, current_privacy_notice, intake_by_slug_or_404, intake_counts, next_open_intake
from .reviews import (
    application_for_admin_or_404,
    application_for_staff_or_404,
    application_review_page,
    exclusions,
    next_assignment,
    panel_for,
    reference_code,
    reviewer_counts,
    reviewer_queue,
    reviewers,
    reviews_for,
    rubric,
    setup_of,
)
from .staff import (
    DEFAULT_K,
    DEFAULT_THRESHOLD,
    admin_application_page,
    admin_applications,
    application_history,
    current_decision_annotations,
    documents_of,
)

__all__ = [
    "CHART_STATES", "DEFAULT_K", "DEFAULT_THRESHOLD", "ApplicationDetail", "admin_application_page",
    "admin_applications", "application_detail", "application_for_admin_or_404", "application_for_owner_or_404",
    "application_for_staff_or_404", "application_history", "application_missing_steps", "application_review_page",
    "applications_for_applicant", "apply_page", "capacity", "current_decision_annotations", "current_offer_or_404",
    "current_privacy_notice", "dashboard", "decision_mail", "document_or_404", "documents_of", "exclusions",
    "intake_by_slug_or_404", "intake_counts", "interview_decision", "next_assignment", "next_open_intake",
    "next_waitlist_rank", "panel_for", "reference_code", "reviewer_counts", "reviewer_queue", "reviewers",
    "reviews_for", "rubric", "setup_of", "staged_decisions", "states_over_time", "unsent_decision_mails",
]
