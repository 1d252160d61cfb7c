"""Staff reword the "application received" email in the template editor and preview
it; a new applicant signs up, submits an application, and the acknowledgement
they receive (in their mail, at /accounts/emails/ and in the staff outbox) has
the new text."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions.models import Application
from admissions.tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    IntakeFactory,
    PrivacyNoticeFactory,
    RefereeFactory,
)
from e2e.steps import declare_and_submit, log_in
from notifications.models import OutboundEmail

INTAKE = "MSc Public Technology, full-time, 2027/28"
NEW_SUBJECT = "Application received: {intake}"
NEW_BODY = (
    "Hello {name},\n\n"
    "Your application for {intake} reached the admissions team. Nothing more to do for now.\n\n"
    "Follow it, reference by reference: {status_link}\n\n"
    "Questions: {support_email}\n"
)


@pytest.fixture
def outbox_mail(settings):
    """Django's mail goes through the outbox (as in production) and is delivered to mail.outbox."""
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for role in Role:
        Group.objects.get_or_create(name=str(role))


def _log_out(page):
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()


def _nearly_complete_draft(applicant, tmp_path, settings):
    """Every step but the personal statement done: the applicant writes that one and submits."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    PrivacyNoticeFactory()
    intake = IntakeFactory(title=INTAKE, required_documents=["cv"])
    application = ApplicationFactory(
        complete=True,
        intake=intake,
        applicant=applicant,
        legal_name=applicant.full_name,
        personal_statement="",
        completed_steps=["personal", "education", "coding", "referees"],
    )
    RefereeFactory(application=application, order=1, name="Dr Alex Morgan", email="alex.morgan@example.net")
    RefereeFactory(application=application, order=2, name="Jamie Patel", email="jamie.patel@example.net")
    DocumentFactory(application=application, kind="cv")
    return application


def test_staff_reword_the_application_received_email_and_the_next_applicant_gets_it(
    outbox_mail, page, live_server, axe_check, tmp_path, settings
):
    UserFactory(email="ada@example.org", full_name="Ada Okafor", roles=[Role.STAFF])
    log_in(page, live_server, "ada@example.org")
    page.get_by_role("navigation", name="Your work").get_by_role("link", name="Outbox").click()
    expect(page.locator("h1")).to_have_text("Outbox")
    expect(page.locator("main")).to_contain_text("Emails appear here as soon as something in the system sends one")
    axe_check(page)

    page.get_by_role("navigation", name="Outbox").get_by_role("link", name="Templates").click()
    expect(page.locator("h1")).to_have_text("Email templates")
    axe_check(page)
    page.get_by_role("link", name="Application received (to the applicant)").click()
    expect(page.locator("h1")).to_have_text("Application received (to the applicant)")
    placeholders = page.locator(".placeholder-list")
    for name in ("{name}", "{intake}", "{referee_names}", "{status_link}", "{support_email}"):
        expect(placeholders).to_contain_text(name)
    expect(page.locator("#preview")).to_contain_text("We have received your application: " + INTAKE)
    axe_check(page)

    # A misspelt placeholder is refused, with the error summary focused.
    page.get_by_label("Subject").fill("Application received: {intkae}")
    page.get_by_role("button", name="Save template").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_subject-error")).to_contain_text("{intkae} is not a placeholder this email can use")
    axe_check(page)

    page.get_by_label("Subject").fill(NEW_SUBJECT)
    page.get_by_label("Text").fill(NEW_BODY)
    page.get_by_role("button", name="Preview with sample data").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text(f"Application received: {INTAKE}")  # the sample intake
    expect(preview.locator("pre")).to_contain_text("Hello Sam,")
    expect(preview.locator("pre")).to_contain_text("Nothing more to do for now.")
    expect(page.locator("#preview-body")).to_be_focused()  # htmx swapped it in and moved focus there
    axe_check(page)
    assert not OutboundEmail.objects.exists()
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.locator("main")).to_contain_text("Edited")
    axe_check(page)
    _log_out(page)

    # A new applicant signs up (the confirmation mail keeps its default text) ...
    page.goto(live_server.url + "/accounts/signup/")
    axe_check(page)
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill("a-quiet-harbour-42")
    page.get_by_label("Confirm password").fill("a-quiet-harbour-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    axe_check(page)
    assert mail.outbox[-1].subject == "Confirm your email address for Masters in Public Technology"
    page.goto(re.search(r"(http://\S+/accounts/verify/\S+/)", mail.outbox[-1].body).group(1))
    log_in(page, live_server, "noor@example.org", "a-quiet-harbour-42")

    # ... writes the last step of a draft and submits it through the real pages.
    application = _nearly_complete_draft(get_user_model().objects.get(email="noor@example.org"), tmp_path, settings)
    page.goto(f"{live_server.url}/apply/application/{application.pk}/")
    expect(page.locator("h1")).to_have_text(INTAKE)
    axe_check(page)
    page.get_by_role("link", name="Personal statement").click()
    expect(page.locator("h1")).to_have_text("Personal statement")
    page.get_by_label("Your personal statement").fill("I want to build public services that work for everyone.")
    axe_check(page)
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"{live_server.url}/apply/application/{application.pk}/")
    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.locator("h1")).to_have_text("Check your answers before you submit")
    axe_check(page)
    declare_and_submit(page, axe_check, email="noor@example.org")
    assert Application.objects.get(pk=application.pk).state == "submitted"

    # The mail Noor received has the new text.
    acknowledgement = OutboundEmail.objects.get(purpose="admissions.acknowledgement")
    received = [m for m in mail.outbox if m.to == ["noor@example.org"]][-1]
    assert received.subject == f"Application received: {INTAKE}"
    assert received.body.startswith(f"Hello Noor,\n\nYour application for {INTAKE} reached the admissions team.")
    assert f"Follow it, reference by reference: {live_server.url}/apply/status/" in received.body
    assert received.extra_headers["Message-ID"] == acknowledgement.message_id

    page.goto(live_server.url + "/accounts/emails/")
    expect(page.locator("h1")).to_have_text("Emails we sent you")
    axe_check(page)
    page.get_by_role("link", name=f"Application received: {INTAKE}").click()
    expect(page.locator("pre")).to_contain_text("Your application for " + INTAKE + " reached the admissions team.")
    axe_check(page)
    _log_out(page)

    # Staff find the same mail in the outbox, shown exactly as sent.
    log_in(page, live_server, "ada@example.org")
    page.goto(live_server.url + "/staff/outbox/?state=sent&purpose=admissions.acknowledgement")
    row = page.get_by_role("row", name=re.compile("Application received: MSc Public Technology"))
    expect(row).to_contain_text("Sent")
    expect(row).to_contain_text("noor@example.org")
    axe_check(page)
    row.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text(f"Application received: {INTAKE}")
    expect(page.locator(".mail-body")).to_contain_text("Nothing more to do for now.")
    expect(page.locator(".mail-headers")).to_contain_text(acknowledgement.message_id)
    axe_check(page)


def test_staff_release_staged_mail_in_bulk_after_seeing_the_count(page, live_server, axe_check):
    from notifications.tests.factories import OutboundEmailFactory

    for role in Role:
        Group.objects.get_or_create(name=str(role))
    UserFactory(email="ada@example.org", roles=[Role.STAFF])
    OutboundEmailFactory.create_batch(3, staged=True, subject="Your offer")
    log_in(page, live_server, "ada@example.org")
    page.goto(live_server.url + "/staff/outbox/?state=staged")
    button = page.get_by_role("button", name="Release all 3 staged emails")
    expect(button).to_be_visible()
    axe_check(page)
    page.once("dialog", lambda dialog: dialog.accept())
    button.click()
    expect(page.get_by_role("status")).to_contain_text("Released 3 emails")
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == 3
