"""Who may see and do what in admissions. Views and services share these.

- Applicants see only their own applications, and get back what they uploaded;
  references stay confidential from them.
- Admissions admins see every application, review and document.
- A reviewer sees an application only while it is assigned to them and they
  have declared no conflict with it; in blind mode without names, contact
  details or referees. Never the sensitive answers.
- Everyone else (staff without a role here) sees nothing.

An object someone may not see answers 404 (see `selectors.*_or_404`), so a
changed id in a URL reveals nothing, not even that the object exists.
"""

from accounts.permissions import is_admissions_admin, is_reviewer

from .models import DocumentKind, ReviewAssignment, ReviewerConflict

APPLICANT_DOCUMENT_KINDS = {
    DocumentKind.CV,
    DocumentKind.TRANSCRIPT,
    DocumentKind.PORTFOLIO,
    DocumentKind.ANSWER,
    DocumentKind.EVIDENCE,
}


def is_owner(user, application):
    return bool(getattr(user, "is_authenticated", False)) and application.applicant_id == user.pk


def can_view_sensitive(user, application):
    """Accessibility needs and other sensitive answers: the applicant and admissions
    admins only. Reviewers never, whatever else they may see."""
    return is_owner(user, application) or is_admissions_admin(user)


def can_download_document(user, document):
    """Applicants get back what they uploaded; references stay confidential from them."""
    if is_admissions_admin(user):
        return True
    return is_owner(user, document.application) and document.kind in APPLICANT_DOCUMENT_KINDS


def can_record_decision(user):
    return is_admissions_admin(user)



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
