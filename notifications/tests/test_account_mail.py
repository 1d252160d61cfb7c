"""The account mails: registered purposes whose placeholders accounts fills, rendered like every other mail."""

import importlib

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse

from accounts import mail as account_mail
from accounts.roles import Role
from accounts.services import password_reset_send, user_signup
from accounts.tests.factories import UserFactory
from notifications.backends import store_message
from notifications.models import EmailTemplate, OutboundEmail
from notifications.registry import ACTION_PREFIX, RegistryError, get_purpose, register_purpose
from notifications.rendering import render
from notifications.services import global_context

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def _messages(user):
    return {
        "account_verification": account_mail.verification_message(user, verify_url=f"{SITE}/accounts/verify/tok/"),
        "account_signup_existing": account_mail.signup_existing_message(user, login_url=f"{SITE}/accounts/login/"),
        "account_password_reset": account_mail.password_reset_message(user),
    }


@pytest.fixture
def outbox_backend(settings):
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"


@pytest.mark.parametrize("purpose", ["account_verification", "account_signup_existing", "account_password_reset"])
def test_each_account_mail_gives_exactly_the_placeholders_its_purpose_declares(purpose):
    message = _messages(UserFactory(full_name="Ada Okafor"))[purpose]
    spec = get_purpose(purpose)
    assert message.extra_headers == {"X-MPT-Purpose": purpose}
    assert set(message.context) == set(spec.placeholders)
    assert message.context["name"] == "Ada"


@pytest.mark.parametrize("purpose", ["account_verification", "account_signup_existing", "account_password_reset"])
def test_the_default_staff_see_in_the_editor_is_the_mail_accounts_sends(purpose):
    message = _messages(UserFactory(full_name="Ada Okafor"))[purpose]
    spec = get_purpose(purpose)
    rendered = render(
        subject=spec.subject, body=spec.body, context={**global_context(), **message.context}, purpose=spec,
        send_html=spec.html,
    )
    assert rendered.body_text == message.body
    assert rendered.body_html == ""
    expected_subject = ACTION_PREFIX + message.subject if spec.asks_for_action else message.subject
    assert rendered.subject == expected_subject


def test_the_reset_link_is_the_placeholder_and_the_one_link_in_the_mail(client):
    user = UserFactory(full_name="Ada Okafor")
    message = account_mail.password_reset_message(user)
    reset_url = message.context["reset_url"]
    assert reset_url.startswith(f"{SITE}/accounts/password/reset/")
    assert f"\n\n{reset_url}\n\n" in message.body
    page = client.get(reset_url.removeprefix(SITE), follow=True)
    assert "Choose a new password" in page.content.decode()


@pytest.mark.parametrize(
    ("purpose", "body", "expected"),
    [
        ("account_verification", "{name}: {verify_url} ({valid_hours} h)", "Ada: {SITE}/accounts/verify/tok/ (72 h)"),
        ("account_signup_existing", "{name}: {login_url} or {reset_url}",
         "Ada: {SITE}/accounts/login/ or {SITE}/accounts/password/reset/"),
        ("account_password_reset", "{name}: {reset_url}", "Ada: {reset_url}"),
    ],
)
def test_an_edited_account_template_is_rendered_with_the_mails_own_values(outbox_backend, purpose, body, expected):
    EmailTemplate.objects.create(purpose=purpose, subject="For {name}", body=body, send_html=False)
    message = _messages(UserFactory(full_name="Ada Okafor"))[purpose]
    message.send()
    email = OutboundEmail.objects.get()
    assert email.purpose == purpose
    assert email.body_text == expected.format(SITE=SITE, reset_url=message.context.get("reset_url"))
    prefix = ACTION_PREFIX if get_purpose(purpose).asks_for_action else ""
    assert email.subject == f"{prefix}For Ada"


def test_an_unedited_account_mail_is_stored_as_accounts_wrote_it(outbox_backend):
    message = _messages(UserFactory(full_name="Ada Okafor"))["account_signup_existing"]
    message.send()
    email = OutboundEmail.objects.get()
    assert (email.subject, email.body_text, email.body_html) == (message.subject, message.body, "")


def test_a_message_naming_an_account_purpose_without_its_placeholders_is_refused(outbox_backend):
    message = EmailMessage(
        "Confirm", "Open http://testserver/accounts/verify/x/", to=["ada@example.org"],
        headers={"X-MPT-Purpose": "account_verification"},
    )
    message.context = {"name": "Ada"}
    with pytest.raises(ValueError, match=r"\['valid_hours', 'verify_url'\]"):
        store_message(message)
    assert not OutboundEmail.objects.exists()


def test_a_template_with_a_placeholder_the_account_mail_does_not_declare_is_refused_at_save(client):
    client.force_login(UserFactory(roles=[Role.STAFF]))
    url = reverse("notifications:template-edit", args=["account_verification"])
    response = client.post(url, {"subject": "Confirm", "body": "Open {link}", "action": "save"})
    assert response.status_code == 200
    assert "{link} is not a placeholder this email can use" in response.content.decode()
    assert not EmailTemplate.objects.exists()


def test_registering_an_account_mail_whose_text_uses_an_undeclared_placeholder_is_refused():
    spec = get_purpose("account_password_reset")
    with pytest.raises(RegistryError, match=r"unknown placeholders \['link'\]"):
        register_purpose(
            "tests.account_reset_copy", label=spec.label, placeholders=spec.placeholders,
            sample_context=spec.sample_context, subject=spec.subject, body="Open {link}",
        )


def test_the_password_reset_mail_is_in_the_outbox_with_its_purpose(outbox_backend):
    user = UserFactory(email="ada@example.org", full_name="Ada Okafor")
    password_reset_send(email="ADA@example.org")
    email = OutboundEmail.objects.get()
    assert (email.purpose, email.recipient, email.to) == ("account_password_reset", user, ["ada@example.org"])
    assert email.subject == "Reset your Masters in Public Technology password"
    assert email.body_text.startswith("Hello Ada,\n\nSomeone asked to reset the password")


def test_the_owner_reads_the_login_link_of_the_already_have_an_account_mail_on_their_emails_page(
    outbox_backend, client
):
    owner = UserFactory(email="ada@example.org", full_name="Ada Okafor")
    user_signup(email="ada@example.org", full_name="Someone", password="a-long-passphrase-1")
    email = OutboundEmail.objects.get()
    client.force_login(owner)
    page = client.get(reverse("my_emails:email-detail", args=[email.pk])).content.decode()
    assert f"\n{SITE}/accounts/login/\n" in page
    assert f"choose a new one here: {SITE}/accounts/password/reset/\n" in page


def test_saved_templates_keep_working_under_the_new_placeholder_names():
    migration = importlib.import_module("notifications.migrations.0002_account_mail_placeholders")
    assert migration._rename("Open {link} now, not {{link}}", "link", "verify_url") == (
        "Open {verify_url} now, not {{link}}"
    )
