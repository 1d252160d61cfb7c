"""Account use cases: sign-up, email verification, profile changes."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import User
from .roles import Role

VERIFY_SALT = "accounts.verify-email"


class EmailTaken(Exception):
    """Another account already uses this address (in any letter case)."""


class VerificationLinkInvalid(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def make_verification_token(user):
    # The address is signed too, so a link sent to an old address verifies nothing.
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object(
        {"u": user.pk, "e": user.email}
    )


def verification_url(user):
    path = reverse("accounts:verify-email", args=[make_verification_token(user)])
    return f"{settings.SITE_URL}{path}"


def send_verification_email(user):
    """Send the link that confirms the address. Side effect: one email to the user."""
    context = {
        "user": user,
        "verify_url": verification_url(user),
        "valid_hours": settings.ACCOUNT_VERIFICATION_MAX_AGE // 3600,
        "site_name": settings.SITE_NAME,
        "support_email": settings.SUPPORT_EMAIL,
    }
    EmailMessage(
        subject=f"Confirm your email address for {settings.SITE_NAME}",
        body=render_to_string("accounts/email/verify_email.txt", context),
        to=[user.email],
        headers={"X-MPT-Purpose": "account_verification"},
    ).send()


def user_signup(*, email, full_name, password):
    """Create an account that stays inactive until its address is confirmed.

    Side effects: the user is created with the applicant role; a verification
    email is sent. If sending fails, nothing is created.
    """
    try:
        with transaction.atomic():
            if User.objects.email_taken(email):
                raise EmailTaken(email)
            user = User.objects.create_user(
                email=email, password=password, full_name=full_name, is_active=False
            )
            user.groups.add(Group.objects.get(name=Role.APPLICANT))
            send_verification_email(user)
    except IntegrityError as exc:
        # Two sign-ups with one address at the same moment: the database decides.
        raise EmailTaken(email) from exc
    return user


def user_verify_email(*, token):
    """Confirm an address from a signed link and activate the account.

    Returns the user. Raises VerificationLinkInvalid for an expired, tampered or
    stale link. Confirming twice is harmless and returns the same user.
    """
    signer = signing.TimestampSigner(salt=VERIFY_SALT)
    try:
        data = signer.unsign_object(token, max_age=settings.ACCOUNT_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise VerificationLinkInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise VerificationLinkInvalid("invalid") from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("u")).first()
        if user is None or user.email != data.get("e"):
            raise VerificationLinkInvalid("invalid")
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.is_active = True
            user.save(update_fields=["email_verified_at", "is_active"])
    return user


def resend_verification(*, email):
    """Send a fresh link if an unconfirmed account has this address; else nothing.

    The caller shows the same answer either way, so the form reveals no account.
    """
    user = User.objects.filter(email=email.strip().lower(), email_verified_at__isnull=True).first()
    if user is not None:
        send_verification_email(user)
    return user


def user_update_profile(*, user, full_name, preferred_name):
    user.full_name = full_name
    user.preferred_name = preferred_name
    user.save(update_fields=["full_name", "preferred_name"])
    return user
