from accounts.services import make_verification_token
from accounts.tests.factories import UserFactory
from mpt.tests.url_permissions import ANONYMOUS_ONLY, PUBLIC, SIGNED_IN, UrlCase


def _verify_kwargs(users):
    return {"token": make_verification_token(UserFactory(unverified=True))}


CASES = [
    UrlCase("accounts:signup", ANONYMOUS_ONLY),
    UrlCase("accounts:signup-done", PUBLIC),
    UrlCase("accounts:verify-resend", PUBLIC),
    # Confirming twice is harmless: the first visit confirms, later ones redirect too.
    UrlCase("accounts:verify-email", {"*": 302}, kwargs=_verify_kwargs),
    UrlCase("accounts:login", ANONYMOUS_ONLY),
    UrlCase("accounts:logout", {"*": 302}, method="post"),
    UrlCase("accounts:profile", SIGNED_IN),
    UrlCase("accounts:password-change", SIGNED_IN),
    UrlCase("accounts:password-reset", PUBLIC),
    UrlCase("accounts:password-reset-done", PUBLIC),
    # An invalid token renders the "link does not work" page for everyone.
    UrlCase("accounts:password-reset-confirm", PUBLIC, kwargs={"uidb64": "MQ", "token": "bad-token"}),
]
