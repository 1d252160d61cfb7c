"""Staff reword the sign-up email, preview it, and the next person to sign up gets the new text;
the mail then shows in the staff outbox and in the person's own list."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from notifications.models import OutboundEmail


@pytest.fixture
def outbox_mail(settings):
    """Django's mail goes through the outbox (as in production) and is delivered to mail.outbox."""
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for role in Role:
        Group.objects.get_or_create(name=str(role))


def _log_in(page, live_server, email, password):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _log_out(page):
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()


def test_staff_reword_the_sign_up_email_and_the_next_sign_up_gets_it(outbox_mail, page, live_server, axe_check):
    UserFactory(email="ada@example.org", full_name="Ada Okafor", roles=[Role.STAFF])
    _log_in(page, live_server, "ada@example.org", TEST_PASSWORD)
    page.get_by_role("navigation", name="Your work").get_by_role("link", name="Outbox").click()
    expect(page.locator("h1")).to_have_text("Outbox")
    expect(page.locator("main")).to_contain_text("Emails appear here as soon as something in the system sends one")
    axe_check(page)

    page.get_by_role("navigation", name="Outbox").get_by_role("link", name="Templates").click()
    expect(page.locator("h1")).to_have_text("Email templates")
    axe_check(page)
    page.get_by_role("link", name="Confirm an email address (sign-up)").click()
    expect(page.locator(".placeholder-list")).to_contain_text("{link}")
    axe_check(page)

    # A misspelt placeholder is refused, with the error summary focused.
    page.get_by_label("Subject").fill("Welcome to {site_name}, {nmae}")
    page.get_by_role("button", name="Save template").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_subject-error")).to_contain_text("{nmae} is not a placeholder this email can use")
    axe_check(page)

    page.get_by_label("Subject").fill("Welcome to MPT, {name}")
    page.get_by_label("Text").fill("Hi {name}, one click and you are in:\n\n{link}\n\nQuestions: {support_email}")
    page.get_by_role("button", name="Preview with sample data").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Action needed: Welcome to MPT, Sam")
    expect(preview.locator("pre")).to_contain_text("Hi Sam, one click and you are in:")
    expect(page.locator("#preview-body")).to_be_focused()  # htmx swapped it in and moved focus there
    assert not OutboundEmail.objects.exists()
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    _log_out(page)

    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill("a-quiet-harbour-42")
    page.get_by_label("Confirm password").fill("a-quiet-harbour-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Action needed: Welcome to MPT, Noor"
    assert sent.body.startswith(f"Hi Noor, one click and you are in:\n\n{live_server.url}/accounts/verify/")
    link = re.search(r"(http://\S+/accounts/verify/\S+/)", sent.body).group(1)

    page.goto(link)
    _log_in(page, live_server, "noor@example.org", "a-quiet-harbour-42")
    page.goto(live_server.url + "/accounts/emails/")
    expect(page.locator("h1")).to_have_text("Emails we sent you")
    axe_check(page)
    page.get_by_role("link", name="Action needed: Welcome to MPT, Noor").click()
    expect(page.locator("pre")).to_contain_text("Hi Noor, one click and you are in:")
    axe_check(page)
    _log_out(page)

    _log_in(page, live_server, "ada@example.org", TEST_PASSWORD)
    page.goto(live_server.url + "/staff/outbox/?state=sent")
    row = page.get_by_role("row", name=re.compile("Welcome to MPT, Noor"))
    expect(row).to_contain_text("Sent")
    expect(row).to_contain_text("noor@example.org")
    axe_check(page)
    row.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Action needed: Welcome to MPT, Noor")
    expect(page.locator(".mail-headers")).to_contain_text(OutboundEmail.objects.get().message_id)
    axe_check(page)


def test_staff_release_staged_mail_in_bulk_after_seeing_the_count(page, live_server, axe_check):
    from notifications.tests.factories import OutboundEmailFactory

    for role in Role:
        Group.objects.get_or_create(name=str(role))
    UserFactory(email="ada@example.org", roles=[Role.STAFF])
    OutboundEmailFactory.create_batch(3, staged=True, subject="Your offer")
    _log_in(page, live_server, "ada@example.org", TEST_PASSWORD)
    page.goto(live_server.url + "/staff/outbox/?state=staged")
    button = page.get_by_role("button", name="Release all 3 staged emails")
    expect(button).to_be_visible()
    axe_check(page)
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(page.get_by_role("status")).to_contain_text("Released 3 emails")
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3
