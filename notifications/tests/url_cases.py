from accounts.roles import Role
from mpt.tests.url_permissions import SIGNED_IN, UrlCase, only
from notifications.tests.factories import OutboundEmailFactory

STAFF_PAGE = only(Role.STAFF)
# Staff actions redirect back to the mail with a message, whatever its state by then.
STAFF_ACTION = only(Role.STAFF, status=302)


def _mail(**traits):
    return lambda users: {"pk": OutboundEmailFactory(**traits).pk}


def _own_mail(users):
    return {"pk": OutboundEmailFactory(sent=True, recipient=users["applicant"]).pk}


CASES = [
    UrlCase("notifications:outbox", STAFF_PAGE),
    UrlCase("notifications:outbox-detail", STAFF_PAGE, kwargs=_mail(failed=True)),
    UrlCase("notifications:outbox-html", STAFF_PAGE, kwargs=_mail(sent=True, body_html="<p>Hello</p>")),
    UrlCase("notifications:outbox-raw", STAFF_PAGE, kwargs=_mail(sent=True)),
    UrlCase(
        "notifications:outbox-attachment",
        STAFF_PAGE,
        kwargs=lambda users: {"pk": OutboundEmailFactory(sent=True, with_ics=True).pk, "index": 0},
    ),
    UrlCase("notifications:outbox-edit", STAFF_PAGE, kwargs=_mail(staged=True)),
    UrlCase("notifications:outbox-release", STAFF_ACTION, kwargs=_mail(staged=True), method="post"),
    UrlCase("notifications:outbox-discard", STAFF_ACTION, kwargs=_mail(staged=True), method="post"),
    UrlCase("notifications:outbox-retry", STAFF_ACTION, kwargs=_mail(failed=True), method="post"),
    UrlCase("notifications:outbox-bulk-release", STAFF_ACTION, method="post", data={"ids": ["999999"]}),
    UrlCase("notifications:template-list", STAFF_PAGE),
    UrlCase("notifications:template-edit", STAFF_PAGE, kwargs={"purpose": "account_verification"}),
    UrlCase("my_emails:email-list", SIGNED_IN),
    # Only the person the mail went to sees it; everyone else (staff too) gets a 404.
    UrlCase("my_emails:email-detail", {"anonymous": 302, "applicant": 200, "*": 404}, kwargs=_own_mail),
]
