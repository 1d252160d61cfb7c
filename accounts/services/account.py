"""Account use cases: sign-up, email verification, password reset, profile changes, roles.

Sign-up and password reset answer the same way, after the same work, whether or
not the address has an account, so neither can be used to find out who has one.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core.access import acting_user, check

from .. import mail, permissions, selectors
from ..managers import normalise_email
from ..models import RoleChange, User
from ..roles import Role, granted

VERIFY_SALT = "accounts.verify-email"
NEXT_MAX_LENGTH = 500


class VerificationLinkInvalid(Exception):
    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason  # "expired" or "invalid"


def safe_next(url):
    """`url` if it is a path on this site ("/apply/intake/x/"), else "".

    Only paths: a full address, even to this host, or a scheme-relative
    "//elsewhere" is dropped, so no link we send can lead off the site.
    """
    url = (url or "").strip()
    if (
        not url.startswith("/")
        or len(url) > NEXT_MAX_LENGTH
        or not url_has_allowed_host_and_scheme(url, allowed_hosts=set())
    ):
        return ""
    return url


def login_url(next_url=""):
    """The absolute login address, with the page to land on afterwards if any."""
    url = f"{settings.SITE_URL}{reverse('accounts:login')}"
    next_url = safe_next(next_url)
    return f"{url}?next={quote(next_url)}" if next_url else url


def make_verification_token(user, next_url=""):
    # The address is signed too, so a link sent to an old address verifies nothing;
    # the page to land on after logging in travels inside the signed link.
    data = {"u": user.pk, "e": user.email}
    next_url = safe_next(next_url)
    if next_url:
        data["n"] = next_url
    return signing.TimestampSigner(salt=VERIFY_SALT).sign_object(data)


def verification_url(user, next_url=""):
    path = reverse("accounts:verify-email", args=[make_verification_token(user, next_url)])
    return f"{settings.SITE_URL}{path}"


def send_verification_email(user, next_url=""):
    """Send the link that confirms the address. Side effect: one email to the user."""
    mail.verification_message(user, verify_url=verification_url(user, next_url)).send()


def send_signup_existing_email(user, next_url=""):
    """Tell an account's owner that someone tried to sign up with their address.

    Side effect: one email to the user, with links to log in and to reset the password.
    """
    mail.signup_existing_message(user, login_url=login_url(next_url)).send()


def _account_with(email):
    return User.objects.filter(email=email).first()


def _tell_existing(user, next_url):
    # Still unconfirmed: what its owner needs is a fresh link, not a login page that refuses them.
    if user.email_verified_at is None:
        send_verification_email(user, next_url)
    else:
        send_signup_existing_email(user, next_url)


def user_signup(*, email, full_name, password, next_url=""):
    """Sign up with an address, answering the same whether or not it has an account.

    Returns the new user, or None when the address already had an account.
    The password is hashed on both paths and one mail is queued on both, so the
    two take the same time.

    Side effects, for a new address: an inactive account with the applicant
    role and a verification email whose link leads on to `next_url` (a path on
    this site). For an address that has an account: that account is left as it
    is and its owner is told someone tried to sign up (with links to log in and
    to reset the password; a fresh confirmation link if it is not yet
    confirmed). If the mail cannot be handed over, nothing is created.
    """
    email = normalise_email(email)
    encoded = make_password(password)
    try:
        with transaction.atomic():
            existing = _account_with(email)
            if existing is not None:
                _tell_existing(existing, next_url)
                return None
            user = User.objects.create(email=email, full_name=full_name, is_active=False, password=encoded)
            user_add_role(user=user, role=Role.APPLICANT, by=user, note="Signed up.")
            send_verification_email(user, next_url)
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the database decides,
        # and the one that lost is answered as an existing address.
        with transaction.atomic():
            existing = _account_with(email)
            if existing is None:
                raise
            _tell_existing(existing, next_url)
        return None
    return user


def user_verify_email(*, token):
    """Confirm an address from a signed link and activate the account.

    Returns the user and the page to land on after logging in ("" for none).
    Raises VerificationLinkInvalid for an expired, tampered or stale link.
    Confirming twice is harmless and returns the same.
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
    return user, safe_next(data.get("n"))


def resend_verification(*, email, next_url=""):
    """Send a fresh link if an unconfirmed account has this address; else nothing.

    The caller shows the same answer either way, so the form reveals no account.
    """
    user = User.objects.filter(email=normalise_email(email), email_verified_at__isnull=True).first()
    if user is not None:
        send_verification_email(user, next_url)
    return user


def password_reset_request(*, email):
    """Ask for a reset link for `email`, doing the same work whether or not it has an account.

    The request only hands the address to a task (`accounts.send_password_reset`),
    so finding the account, making the token and queuing the mail happen in the
    worker for a known address and nothing happens there for an unknown one;
    the request's cost and answer are the same. Dispatched on commit. If the
    broker cannot take the task, the work is done here instead, so the link is
    still sent (slower, and then timing differs, while the broker is down).

    Side effects: one task; from it, at most one mail (the reset link,
    through the outbox) to an active account with this address.
    """
    from .. import tasks

    email = normalise_email(email)

    def dispatch():
        from kombu.exceptions import OperationalError

        try:
            tasks.send_password_reset.delay(email)
        except (OperationalError, OSError):
            password_reset_send(email=email)

    transaction.on_commit(dispatch)


def password_reset_send(*, email):
    """Mail a password reset link to the active account with `email`, if there is one.

    Side effect: at most one mail, through the outbox. Runs in the worker.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    # Django's own choice of account: active, with a usable password, the address matched without case.
    for user in form.get_users(form.cleaned_data["email"]):
        mail.password_reset_message(user).send()


def user_update_profile(*, user, full_name, preferred_name):
    user.full_name = full_name
    user.preferred_name = preferred_name
    user.save(update_fields=["full_name", "preferred_name"])
    return user


def _forget_roles(user):
    # `User.role_names()` reads the groups once per object; this object reads them again.
    user.__dict__.pop("_role_names", None)


LAST_PEOPLE_MANAGER = (
    "{name} is the only person who can manage people. Give someone else that right first, "
    "so that someone can still invite colleagues and change roles."
)


class LastPeopleManager(ValidationError):
    """The change would leave no active account that can manage people."""

    def __init__(self, user):
        super().__init__(LAST_PEOPLE_MANAGER.format(name=user), code="last_people_manager")


def ensure_people_manager_remains(user, *, losing_role=None, losing_permission=False, leaving=False):
    """Raise LastPeopleManager if `user` is the last active people-manager and would stop
    being one by losing `losing_role`, their own permission, or their account (`leaving`).

    Every people-manager's row is locked first, so two managers taking the right from
    each other at once cannot both succeed. Call inside a transaction.
    """
    manager_ids = list(selectors.people_managers().values_list("pk", flat=True))
    list(User.objects.select_for_update().filter(pk__in=manager_ids).values_list("pk", flat=True))
    if user.pk not in manager_ids or len(manager_ids) > 1:
        return
    if not leaving:
        permission = selectors.manage_people_permission()
        keeps_own = not losing_permission and user.user_permissions.filter(pk=permission.pk).exists()
        keeps_by_role = user.groups.filter(permissions=permission).exclude(name=str(losing_role or "")).exists()
        if keeps_own or keeps_by_role:
            return
    raise LastPeopleManager(user)


def _role_change(*, user, role, by, note, change):
    role = Role(role)
    allowed = permissions.can_add_role if change == RoleChange.Change.ADDED else permissions.can_remove_role
    check(by, allowed, user, role, message="You may not change this person's roles.")
    group = Group.objects.get(name=role)
    with transaction.atomic():
        # One role change per person at a time, so two at once record one row.
        User.objects.select_for_update().filter(pk=user.pk).first()
        has_it = user.groups.filter(pk=group.pk).exists()
        if has_it == (change == RoleChange.Change.ADDED):
            _forget_roles(user)
            return False
        if change == RoleChange.Change.ADDED:
            user.groups.add(group)
        else:
            if permissions.MANAGE_PEOPLE in granted(role):
                ensure_people_manager_remains(user, losing_role=role)
            user.groups.remove(group)
        RoleChange.objects.create(
            user=user, role=role, change=change, by=acting_user(by), note=note[:200]
        )
    _forget_roles(user)
    return True


def user_add_role(*, user: User, role: Role, by, note: str = "") -> bool:
    """Give `user` the role. Returns True if they did not have it, False if they did.

    Permission: `permissions.can_add_role` (SYSTEM may), else PermissionDenied
    and nothing changes.
    Side effects, when the user lacked the role, in one transaction: the user
    joins the role's group; a RoleChange row records the role, who added it and
    `note`; this user object's cached role names are read again. Adding a role
    the user has changes nothing.
    """
    return _role_change(user=user, role=role, by=by, note=note, change=RoleChange.Change.ADDED)


def user_remove_role(*, user: User, role: Role, by, note: str = "") -> bool:
    """Take the role from `user`. Returns True if they had it, False if not.

    Permission: `permissions.can_remove_role` (SYSTEM may), else PermissionDenied
    and nothing changes. Taking from the last people-manager the role that makes
    them one raises LastPeopleManager and changes nothing.
    Side effects, when the user had the role, in one transaction: the user
    leaves the role's group; a RoleChange row records the role, who removed it
    and `note`; this user object's cached role names are read again.
    """
    return _role_change(user=user, role=role, by=by, note=note, change=RoleChange.Change.REMOVED)
