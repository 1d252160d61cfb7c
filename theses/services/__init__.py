"""Thesis use cases. Each is atomic, re-checks permission and state, and lists
its side effects in its docstring. Mail goes through
`notifications.services.queue_email`. Import from here: `services.preferences_submit(...)`.
"""

from ._common import InvalidState
from .allocation_runs import (
    BuiltInstance,
    CapacityError,
    allocation_publish,
    allocation_run_execute,
    allocation_run_start,
    assignment_set,
    build_instance,
    published_assignment,
    unplaced_reason,
)
from .milestones import PDF_MAX_BYTES, check_pdf, milestone_set, submission_feedback, submission_submit
from .preferences import (
    PreferenceError,
    preferences_submit,
    rankable_proposals,
    supervisor_capacities_set,
    supervisor_ranking_save,
)
from .proposals import (
    NEXT_STATUS,
    PROPOSAL_FIELDS,
    partner_proposal_submit,
    proposal_approve,
    proposal_create,
    proposal_open,
    proposal_transition,
    proposal_update,
    showcase_consent,
    showcase_save,
    student_proposal_submit,
)

__all__ = [
    "NEXT_STATUS", "PDF_MAX_BYTES", "PROPOSAL_FIELDS", "BuiltInstance", "CapacityError", "InvalidState",
    "PreferenceError", "allocation_publish", "allocation_run_execute", "allocation_run_start", "assignment_set",
    "build_instance", "check_pdf", "milestone_set", "partner_proposal_submit", "preferences_submit",
    "proposal_approve", "proposal_create", "proposal_open", "proposal_transition", "proposal_update",
    "published_assignment", "rankable_proposals", "showcase_consent", "showcase_save", "student_proposal_submit",
    "submission_feedback", "submission_submit", "supervisor_capacities_set", "supervisor_ranking_save",
    "unplaced_reason",
]
