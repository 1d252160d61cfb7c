"""Who may see and do what in admissions. Views and services share these.

An object someone may not see answers 404 (see `selectors.*_or_404`), so a
changed id in a URL reveals nothing, not even that the object exists.
"""

from accounts.permissions import is_admissions_admin

from .models import Application, DocumentKind

APPLICANT_DOCUMENT_KINDS = {
    DocumentKind.CV,
    DocumentKind.TRANSCRIPT,
    DocumentKind.PORTFOLIO,
    DocumentKind.ANSWER,
    DocumentKind.EVIDENCE,
}


def is_owner(user, application):
    return bool(getattr(user, "is_authenticated", False)) and application.applicant_id == user.pk


def can_view_application(user, application):
    """The applicant and admissions admins. Issue 8 adds assigned reviewers here."""
    return is_owner(user, application) or is_admissions_admin(user)


def can_edit_application(user, application):
    return is_owner(user, application) and application.state == Application.State.DRAFT


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
