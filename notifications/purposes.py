"""The purposes notifications registers itself: mail sent through Django's mail API.

These messages are rendered by the code that sends them (accounts, Django's
auth views). Until staff edit one here, it goes exactly as that code wrote it;
once edited, the outbox backend re-renders it with {name} and {link}.
"""

from .registry import Kind, register_purpose

SAMPLE = {"name": "Sam", "link": "https://mpt.example.ac.uk/accounts/verify/sample-link/"}


def register():
    register_purpose(
        "account_verification",
        label="Confirm an email address (sign-up)",
        group="Accounts",
        kind=Kind.REQUEST,
        asks_for_action=True,
        placeholders={
            "name": "The person's short name (or their address)",
            "link": "The confirmation link",
        },
        sample_context=SAMPLE,
        subject="Confirm your email address for {site_name}",
        body=(
            "Hello {name},\n\n"
            "You created an account on {site_name} with this address. "
            "Confirm it by opening this link:\n\n{link}\n\n"
            "If you did not create an account, ignore this email and nothing will happen.\n\n"
            "Questions: {support_email}\n"
        ),
    )
    register_purpose(
        "account_signup_existing",
        label="Someone tried to sign up with an address that has an account",
        group="Accounts",
        kind=Kind.INFORMATION,
        placeholders={
            "name": "The person's short name (or their address)",
            "link": "The login page",
        },
        sample_context={"name": "Sam", "link": "https://mpt.example.ac.uk/accounts/login/"},
        subject="You already have an account on {site_name}",
        body=(
            "Hello {name},\n\n"
            "Someone, perhaps you, tried to create an account on {site_name} with this "
            "email address. You already have an account, so we did not create another one "
            "and nothing about your account has changed.\n\n"
            "To log in, open this link:\n\n{link}\n\n"
            "If you have forgotten your password, choose \"Forgotten your password?\" on that page.\n\n"
            "If it was not you, you can ignore this email.\n\n"
            "Questions: {support_email}\n"
        ),
    )
