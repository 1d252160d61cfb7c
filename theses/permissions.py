"""Who may do what with thesis projects. Views and services share these."""

from accounts.permissions import is_staff_member

from .models import Proposal


def can_manage_theses(user):
    return is_staff_member(user)


def can_approve_proposal(user, proposal):
    """Staff approve partner and staff proposals; a student's own needs its named supervisor."""
    if proposal.source == Proposal.Source.STUDENT:
        return bool(getattr(user, "is_superuser", False)) or (
            is_staff_member(user) and proposal.supervisor_id == user.pk
        )
    return is_staff_member(user)


def can_view_submission(user, submission):
    """The student who made it, and staff (supervisors give feedback). Nobody else: 404."""
    if not getattr(user, "is_authenticated", False):
        return False
    return submission.student_id == user.pk or is_staff_member(user)


def can_give_feedback(user, submission):
    return is_staff_member(user)
