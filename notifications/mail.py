"""The purposes notifications registers itself: the account mails, sent through Django's mail API.

Accounts knows no other app, so it cannot call `queue_email`: it sends an
`EmailMessage` naming one of these purposes in its `X-MPT-Purpose` header and
carrying the value of each placeholder below as `message.context`
(`accounts/mail.py`). The outbox backend (`notifications.backends`) stores the
message as accounts wrote it, from the same text as the defaults here, until
staff edit the purpose's template; then it renders their text with
`message.context`, as `queue_email` renders every other mail. A message that
lacks one of its purpose's placeholders is refused.
"""

from .registry import Kind, register_purpose

GROUP = "Accounts"
NAME = "The person's short name (or their address)"
SITE = "https://mpt.example.ac.uk"


def register():
    register_purpose(
        "account_verification",
        label="Confirm an email address (sign-up)",
        group=GROUP,
        kind=Kind.REQUEST,
        asks_for_action=True,
        html=False,
        placeholders={
            "name": NAME,
            "verify_url": "The link that confirms the address",
            "valid_hours": "How many hours the link works for",
        },
        sample_context={"name": "Sam", "verify_url": f"{SITE}/accounts/verify/sample-link/", "valid_hours": 72},
        subject="Confirm your email address for {site_name}",
        body=(
            "Hello {name},\n\n"
            "You created an account on {site_name} with this address. Confirm it by opening this link:\n\n"
            "{verify_url}\n\n"
            "The link works for {valid_hours} hours. "
            "If you did not create an account, ignore this email and nothing will happen.\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "account_signup_existing",
        label="Someone tried to sign up with an address that has an account",
        group=GROUP,
        kind=Kind.INFORMATION,
        html=False,
        placeholders={
            "name": NAME,
            "login_url": "The login page (leading on to the page they signed up from)",
            "reset_url": "The page where they can ask for a password reset link",
        },
        sample_context={
            "name": "Sam",
            "login_url": f"{SITE}/accounts/login/",
            "reset_url": f"{SITE}/accounts/password/reset/",
        },
        subject="You already have an account on {site_name}",
        body=(
            "Hello {name},\n\n"
            "Someone, perhaps you, tried to create an account on {site_name} with this email address. "
            "You already have an account, so we did not create another one and nothing about your "
            "account has changed.\n\n"
            "To log in, open this link:\n\n"
            "{login_url}\n\n"
            "If you have forgotten your password, choose a new one here: {reset_url}\n\n"
            "If it was not you, you can ignore this email.\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "account_password_reset",
        label="A link to choose a new password",
        group=GROUP,
        kind=Kind.REQUEST,
        html=False,
        placeholders={
            "name": NAME,
            "reset_url": "The link that lets them choose a new password (it works once)",
        },
        sample_context={"name": "Sam", "reset_url": f"{SITE}/accounts/password/reset/MQ/sample-token/"},
        subject="Reset your {site_name} password",
        body=(
            "Hello {name},\n\n"
            "Someone asked to reset the password of your {site_name} account. "
            "To choose a new password, open this link:\n\n"
            "{reset_url}\n\n"
            "The link works once. If you did not ask for this, ignore this email: "
            "your password stays as it is.\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "account_invitation",
        label="An invitation to a colleague to join, with their roles",
        group=GROUP,
        kind=Kind.REQUEST,
        asks_for_action=True,
        html=False,
        placeholders={
            "name": NAME,
            "invite_url": "The link that lets them choose a password and join",
            "roles": "The roles they arrive with, in words",
            "invited_by": "Who invited them",
            "valid_days": "How many days the link works for",
        },
        sample_context={
            "name": "Sam", "invite_url": f"{SITE}/accounts/invitation/sample-link/", "roles": "Staff, Reviewer",
            "invited_by": "Priya Raman", "valid_days": 14,
        },
        subject="You are invited to {site_name}",
        body=(
            "Hello {name},\n\n"
            "{invited_by} has invited you to {site_name}, with the roles: {roles}. "
            "To accept, choose a password by opening this link:\n\n"
            "{invite_url}\n\n"
            "The link works for {valid_days} days. If you were not expecting this, ignore this email "
            "and no account will be made.\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "account_access_changed",
        label="A person's roles changed",
        group=GROUP,
        kind=Kind.INFORMATION,
        html=False,
        placeholders={
            "name": NAME,
            "changes": "What was given and taken, one line each",
            "changed_by": "Who made the change",
            "login_url": "The login page",
        },
        sample_context={
            "name": "Sam", "changes": "Given: Staff\nTaken: Reviewer", "changed_by": "Priya Raman",
            "login_url": f"{SITE}/accounts/login/",
        },
        subject="Your roles on {site_name} have changed",
        body=(
            "Hello {name},\n\n"
            "{changed_by} has changed what you can do on {site_name}:\n\n"
            "{changes}\n\n"
            "To log in, open this link:\n\n"
            "{login_url}\n\n"
            "If you think this is a mistake, reply to {support_email}.\n"
        ),
    )
    register_purpose(
        "account_deactivated",
        label="A person's account was deactivated",
        group=GROUP,
        kind=Kind.INFORMATION,
        html=False,
        placeholders={"name": NAME, "changed_by": "Who deactivated it"},
        sample_context={"name": "Sam", "changed_by": "Priya Raman"},
        subject="Your {site_name} account is deactivated",
        body=(
            "Hello {name},\n\n"
            "{changed_by} has deactivated your {site_name} account, so you can no longer log in. "
            "Nothing in it has been deleted.\n\n"
            "If you think this is a mistake, write to {support_email}.\n"
        ),
    )
    register_purpose(
        "account_reactivated",
        label="A person's account was reactivated",
        group=GROUP,
        kind=Kind.INFORMATION,
        html=False,
        placeholders={"name": NAME, "changed_by": "Who reactivated it", "login_url": "The login page"},
        sample_context={"name": "Sam", "changed_by": "Priya Raman", "login_url": f"{SITE}/accounts/login/"},
        subject="Your {site_name} account is active again",
        body=(
            "Hello {name},\n\n"
            "{changed_by} has reactivated your {site_name} account: you can log in again with your password.\n\n"
            "{login_url}\n\n"
            "Questions: {support_email}\n"
        ),
    )
