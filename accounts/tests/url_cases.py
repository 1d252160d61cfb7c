from accounts.roles import Role
from accounts.services import invitation_token, make_verification_token, person_invite
from accounts.tests.factories import UserFactory
from core.access import SYSTEM
from mpt.tests.url_permissions import ANONYMOUS_ONLY, PUBLIC, SIGNED_IN, UrlCase, only


def _verify_kwargs(users):
    return {"token": make_verification_token(UserFactory(unverified=True))}


def _invitation_kwargs(users):
    result = person_invite(email="invited@example.org", full_name="Noor Haddad", roles=[Role.STAFF], by=SYSTEM)
    return {"token": invitation_token(result.invitation)}


def _person_kwargs(users):
    return {"pk": UserFactory(roles=[Role.STAFF]).pk}


def _deactivated_person_kwargs(users):
    return {"pk": UserFactory(roles=[Role.STAFF], is_active=False).pk}


# People and roles: for those who may manage people (admissions admins, by their role).
PEOPLE = only(Role.ADMISSIONS_ADMIN)

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
    # The invited colleague has no account yet; anyone holding the link sees the form.
    UrlCase("accounts:invitation-accept", PUBLIC, kwargs=_invitation_kwargs),
    UrlCase("people:person-list", PEOPLE),
    UrlCase("people:person-invite", PEOPLE),
    UrlCase("people:person-detail", PEOPLE, kwargs=_person_kwargs),
    UrlCase("people:person-deactivate", PEOPLE, kwargs=_person_kwargs),
    UrlCase("people:person-reactivate", PEOPLE, kwargs=_deactivated_person_kwargs),
]
