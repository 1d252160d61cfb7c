"""Who may see and do what in the review phase.

- Admissions admins see every application, review and document.
- A reviewer sees an application only while it is assigned to them and they
  have declared no conflict with it; in blind mode without names, contact
  details or referees. Never the sensitive answers.
- Everyone else (staff without a role here, applicants) sees nothing: 404.
"""

from accounts.permissions import is_admissions_admin, is_reviewer

from .models import ReviewAssignment, ReviewerConflict


def can_manage_reviews(user):
    return is_admissions_admin(user)


def can_review(user):
    return is_reviewer(user)


def is_assigned(user, application):
    """Assigned to `user` and not conflicted. Two cheap EXISTS queries."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not ReviewAssignment.objects.filter(application=application, reviewer=user).exists():
        return False
    return not ReviewerConflict.objects.filter(application=application, reviewer=user).exists()


def can_review_application(user, application):
    return can_review(user) and is_assigned(user, application)


def can_view_application_as_staff(user, application):
    return can_manage_reviews(user) or can_review_application(user, application)


def sees_identity(user, setup):
    """Names, contact details and referees: admins always; reviewers unless blind."""
    if can_manage_reviews(user):
        return True
    return setup is None or not setup.blind


def sees_co_reviews(user, setup, own_review):
    if can_manage_reviews(user):
        return True
    if setup is not None and setup.co_reviews == setup.CoReviews.NEVER:
        return False
    return own_review is not None
