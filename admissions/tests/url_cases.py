"""admissions' rows of the role-by-URL permission table.

Application pages belong to one applicant: the "applicant" role below owns the
objects; every other role, superusers included, gets 404 (nothing revealed).
The reviewer and admin pages' rows are in staff_url_cases.py.
"""

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions import mail as admissions_mail
from admissions import services
from admissions.models import Decision
from admissions.tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    IntakeFactory,
    PrivacyNoticeFactory,
    complete_application,
)
from mpt.tests.url_permissions import PUBLIC, SIGNED_IN, UrlCase

ADMINS_ONLY = {"anonymous": 302, "admissions_admin": 200, "superuser": 200, "*": 404}


def owner_only(status=200):
    return {"anonymous": 302, "applicant": status, "*": 404}


def _draft(users):
    return {"pk": ApplicationFactory(applicant=users["applicant"]).pk}


def _step(users):
    return {**_draft(users), "step": "personal"}


def _document(users):
    return {"pk": DocumentFactory(application=ApplicationFactory(applicant=users["applicant"])).pk}


def _offer_application(users):
    application = complete_application(applicant=users["applicant"])
    services.application_submit(
        application=application, by=application.applicant, privacy_notice=PrivacyNoticeFactory(), declaration=True
    )
    decision = services.decision_record(
        application=application, outcome=Decision.Outcome.OFFER, by=UserFactory(roles=[Role.ADMISSIONS_ADMIN]),
        conditions=[("Proof of your degree", None)],
    )
    return application, decision


def _offer(users):
    application, _ = _offer_application(users)
    return {"pk": application.pk}


def _condition(users):
    application, decision = _offer_application(users)
    return {"pk": application.pk, "condition_pk": decision.offer.conditions.get().pk}


def _reference(users):
    application = complete_application()
    services.application_submit(
        application=application, by=application.applicant, privacy_notice=PrivacyNoticeFactory(), declaration=True
    )
    return {"token": admissions_mail.make_reference_token(application.referees.get(order=1))}


def _notice(users):
    PrivacyNoticeFactory()
    return {}


CASES = [
    UrlCase("admissions:apply", PUBLIC),
    UrlCase("admissions:status", SIGNED_IN),
    UrlCase("admissions:privacy-notice", PUBLIC, kwargs=_notice),
    UrlCase("admissions:intake-detail", PUBLIC, kwargs=lambda users: {"slug": IntakeFactory().slug}),
    # Every signed-in role may start an application (it redirects to it); a second start redirects too.
    UrlCase("admissions:application-start", {"*": 302}, kwargs=lambda users: {"slug": IntakeFactory().slug},
            method="post"),
    UrlCase("admissions:application-overview", owner_only(), kwargs=_draft),
    UrlCase("admissions:application-step", owner_only(), kwargs=_step),
    UrlCase("admissions:application-check", owner_only(), kwargs=_draft),
    # An empty declaration is refused with the form shown again (400) to the owner only.
    UrlCase("admissions:application-submit", owner_only(400), kwargs=_draft, method="post"),
    UrlCase("admissions:application-withdraw", owner_only(), kwargs=_draft),
    # A refused upload (no file) re-renders the documents step for the owner.
    UrlCase("admissions:document-upload", owner_only(), kwargs=_draft, method="post", data={"slot": "cv"}),
    UrlCase("admissions:offer", owner_only(), kwargs=_offer),
    UrlCase("admissions:condition-evidence", owner_only(400), kwargs=_condition, method="post"),
    # Admissions admins (and superusers, who hold every role) may read applicants' documents.
    UrlCase(
        "admissions:document-download",
        {"anonymous": 302, "applicant": 200, "admissions_admin": 200, "superuser": 200, "*": 404},
        kwargs=_document,
    ),
    UrlCase("admissions:document-delete", owner_only(302), kwargs=_document, method="post"),
    # Referees have no account: the signed link is the permission.
    UrlCase("admissions:reference-upload", PUBLIC, kwargs=_reference),
    # Intakes are set up by admissions admins; like every admin page, others get 404.
    UrlCase("admissions:intake-admin-list", ADMINS_ONLY),
    UrlCase("admissions:intake-create", ADMINS_ONLY),
    UrlCase("admissions:intake-edit", ADMINS_ONLY, kwargs=lambda users: {"slug": IntakeFactory().slug}),
    UrlCase("admissions:privacy-notice-admin", ADMINS_ONLY),
]



from admissions.tests.staff_url_cases import STAFF_CASES  # noqa: E402

CASES += STAFF_CASES
