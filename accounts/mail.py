"""The mail accounts sends: email verification, "you already have an account", password reset,
an invitation to a colleague, and the notices that someone's roles or account changed.

Accounts knows no other app, so it sends through Django's mail API, and the
outbox backend (EMAIL_BACKEND) turns each message into an outbox row. Every
message names its purpose in the `X-MPT-Purpose` header and carries, as
`message.context`, the value of each placeholder that purpose declares (the
purposes are registered by notifications, in `notifications/mail.py`, with
these names). The body written here, from `templates/accounts/email/`, uses
the same values; once staff edit a purpose's template, the outbox renders their
text with `message.context` instead, as it renders every other mail.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

PURPOSE_HEADER = "X-MPT-Purpose"

VERIFICATION = "account_verification"
SIGNUP_EXISTING = "account_signup_existing"
RESET = "account_password_reset"
INVITATION = "account_invitation"
ACCESS_CHANGED = "account_access_changed"
DEACTIVATED = "account_deactivated"
REACTIVATED = "account_reactivated"


# Each mail's subject and the template of its text.
TEXTS = {
    VERIFICATION: ("Confirm your email address for {site_name}", "accounts/email/verify_email.txt"),
    SIGNUP_EXISTING: ("You already have an account on {site_name}", "accounts/email/signup_existing.txt"),
    RESET: ("Reset your {site_name} password", "accounts/email/password_reset.txt"),
    INVITATION: ("You are invited to {site_name}", "accounts/email/invitation.txt"),
    ACCESS_CHANGED: ("Your roles on {site_name} have changed", "accounts/email/access_changed.txt"),
    DEACTIVATED: ("Your {site_name} account is deactivated", "accounts/email/deactivated.txt"),
    REACTIVATED: ("Your {site_name} account is active again", "accounts/email/reactivated.txt"),
}


def _message(purpose, user, **values):
    """An EmailMessage to `user` naming `purpose` and carrying its placeholders' values."""
    context = {"name": user.get_short_name(), **values}
    subject, template = TEXTS[purpose]
    body = render_to_string(
        template, {**context, "site_name": settings.SITE_NAME, "support_email": settings.SUPPORT_EMAIL}
    ).rstrip("\n") + "\n"
    message = EmailMessage(
        subject=subject.format(site_name=settings.SITE_NAME), body=body, to=[user.email],
        headers={PURPOSE_HEADER: purpose},
    )
    message.context = context
    return message


def verification_message(user, *, verify_url):
    return _message(
        VERIFICATION, user, verify_url=verify_url, valid_hours=settings.ACCOUNT_VERIFICATION_MAX_AGE // 3600
    )


def signup_existing_message(user, *, login_url):
    return _message(
        SIGNUP_EXISTING, user, login_url=login_url, reset_url=f"{settings.SITE_URL}{reverse('accounts:password-reset')}"
    )


def password_reset_url(user):
    """The one-use link that lets `user` choose a new password (Django's token: it
    stops working once the password changes)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:password-reset-confirm", args=[uid, default_token_generator.make_token(user)])
    return f"{settings.SITE_URL}{path}"


def password_reset_message(user):
    return _message(RESET, user, reset_url=password_reset_url(user))


def _login_url():
    return f"{settings.SITE_URL}{reverse('accounts:login')}"


def invitation_message(invitee, *, invite_url, roles, invited_by, valid_days):
    """To the colleague invited (an unsaved User carrying their address and name)."""
    return _message(
        INVITATION, invitee, invite_url=invite_url, roles=roles, invited_by=invited_by, valid_days=valid_days
    )


def access_changed_message(user, *, changes, changed_by):
    """`changes`: one line per role given or taken ("Given: Staff")."""
    return _message(ACCESS_CHANGED, user, changes=changes, changed_by=changed_by, login_url=_login_url())


def deactivated_message(user, *, changed_by):
    return _message(DEACTIVATED, user, changed_by=changed_by)


def reactivated_message(user, *, changed_by):
    return _message(REACTIVATED, user, changed_by=changed_by, login_url=_login_url())
