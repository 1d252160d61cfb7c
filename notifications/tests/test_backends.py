import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.db import transaction

from accounts.services import user_signup
from accounts.tests.factories import UserFactory
from notifications.models import EmailTemplate, OutboundEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def outbox_backend(settings, roles):
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_django_mail_becomes_an_outbox_row_and_is_delivered():
    user = UserFactory(email="jo@example.org")
    message = EmailMessage("Hello", "Body text", to=["jo@example.org"], headers={"X-Custom": "1"})
    message.attach("notes.txt", b"some notes", "text/plain")
    with transaction.atomic():
        message.send()
        assert mail.outbox == []
    email = OutboundEmail.objects.get()
    assert (email.purpose, email.state, email.recipient) == ("system", "sent", user)
    assert email.headers == {"X-Custom": "1"}
    assert email.attachments[0]["filename"] == "notes.txt"
    assert mail.outbox[0].subject == "Hello"
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    assert mail.outbox[0].extra_headers["X-MPT-Purpose"] == "system"


def test_sign_up_verification_mail_is_in_the_outbox_with_its_purpose():
    user = user_signup(email="new@example.org", full_name="New Person", password="a-long-passphrase-1")
    email = OutboundEmail.objects.get()
    assert (email.purpose, email.recipient, email.state) == ("account_verification", user, "sent")
    assert email.subject == "Confirm your email address for Masters in Public Technology"
    assert "/accounts/verify/" in email.body_text


def test_sign_up_uses_the_template_staff_edited():
    EmailTemplate.objects.create(
        purpose="account_verification",
        subject="Welcome {name}: one step left",
        body="Hi {name}, click {verify_url} to start.",
        send_html=False,
    )
    user_signup(email="new@example.org", full_name="New Person", password="a-long-passphrase-1")
    email = OutboundEmail.objects.get()
    assert email.subject == "Action needed: Welcome New: one step left"
    assert email.body_text.startswith("Hi New, click http://testserver/accounts/verify/")
    assert email.body_text.endswith(" to start.")
    assert mail.outbox[0].body == email.body_text


def test_failed_sign_up_leaves_no_mail(monkeypatch):
    from accounts.services import account as services

    monkeypatch.setattr(services.Group.objects, "get", lambda **kw: (_ for _ in ()).throw(RuntimeError()))
    with pytest.raises(RuntimeError):
        user_signup(email="new@example.org", full_name="New Person", password="a-long-passphrase-1")
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []
