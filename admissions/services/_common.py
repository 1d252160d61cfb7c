"""What every admissions use case shares: the error a refused use case raises
(its message is written for the person who tried), the audit helper, the row
lock on an application and the permission checks."""

from django.core.exceptions import PermissionDenied

from core.access import acting_user, check

from .. import permissions
from ..models import Application


class AdmissionsError(Exception):
    """A use case refused; `message` is written for the person who tried."""

    message = "This cannot be done."

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class IntakeClosed(AdmissionsError):
    message = "This intake is not open for applications."


class DeadlinePassed(AdmissionsError):
    message = "The deadline has passed, so this application can no longer be submitted."


class ApplicationLocked(AdmissionsError):
    message = "This application has been submitted, so it can no longer be changed."


class StaleVersion(AdmissionsError):
    message = (
        "This application was changed in another window or on another device after you opened this page. "
        "Your answers on this page have not been saved: check them and save again."
    )


class Incomplete(AdmissionsError):
    def __init__(self, missing):
        self.missing = missing
        super().__init__("Some parts of the application are not finished yet: " + ", ".join(missing) + ".")


class ReferenceLinkInvalid(AdmissionsError):
    def __init__(self, reason):
        self.reason = reason  # "expired", "invalid" or "used"
        super().__init__(reason)


class OfferClosed(AdmissionsError):
    message = "This offer can no longer be answered."


def _audited(obj, by):
    """Record `by` on the history row the next save writes (no user for SYSTEM)."""
    obj._history_user = acting_user(by)
    return obj


def _lock(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("intake__programme", "applicant")
        .get(pk=application.pk)
    )


def _require_owner(user, application):
    if not permissions.is_owner(user, application):
        raise PermissionDenied


def _require_admin(by):
    check(by, permissions.can_manage_reviews)


# Applications that can be reviewed: submitted and not yet decided or withdrawn.
REVIEWABLE = [Application.State.SUBMITTED, Application.State.UNDER_REVIEW]
