"""Who may steer the outbox. notifications imports no other app, so the staff
test is named by a setting (default: the staff role from accounts), and a
purpose may name who else steers its mail (`Purpose.steered_by`)."""

from django.conf import settings
from django.utils.module_loading import import_string

from .registry import get_purpose

DEFAULT_STAFF_TEST = "accounts.permissions.is_staff_member"


def can_manage_outbox(user):
    test = import_string(getattr(settings, "MPT_OUTBOX_STAFF_TEST", DEFAULT_STAFF_TEST))
    return bool(test(user))


def can_steer_email(user, purpose):
    """Release, edit, retry or discard a mail of `purpose`: outbox staff, or whom the purpose names."""
    if can_manage_outbox(user):
        return True
    spec = get_purpose(purpose)
    return bool(spec is not None and spec.steered_by is not None and spec.steered_by(user))


def can_see_email(user, email):
    """A person sees their own delivered (or on its way) mail; staged mail is not theirs yet."""
    return (
        getattr(user, "is_authenticated", False)
        and email.recipient_id == user.pk
        and email.state not in (email.State.STAGED, email.State.DISCARDED)
    )

