"""Thesis pages: public (/theses/), students (/theses/my/), staff (/staff/theses/)."""

from .public import index, partner_propose, partner_propose_done, proposal_detail
from .staff import (
    run_assign,
    run_compare,
    run_create,
    run_detail,
    run_publish,
    run_status,
    staff_index,
    staff_milestones,
    staff_proposal,
    staff_proposal_action,
    staff_proposal_create,
    staff_proposal_edit,
    staff_ranking,
    staff_round,
    staff_round_create,
    staff_showcase,
    staff_submissions,
    staff_supervisors,
)
from .students import (
    preferences,
    showcase_consent,
    student_home,
    student_propose,
    submission_create,
    submission_detail,
    submission_report,
)

__all__ = [
    "index", "partner_propose", "partner_propose_done", "preferences", "proposal_detail", "run_assign",
    "run_compare", "run_create", "run_detail", "run_publish", "run_status", "showcase_consent", "staff_index",
    "staff_milestones", "staff_proposal", "staff_proposal_action", "staff_proposal_create", "staff_proposal_edit",
    "staff_ranking", "staff_round", "staff_round_create", "staff_showcase", "staff_submissions",
    "staff_supervisors", "student_home",
    "student_propose", "submission_create", "submission_detail", "submission_report",
]
