"""A new applicant signs up from /apply/, fills in every step including a PDF,
submits, finds the acknowledgement in their mail; a referee answers through the
link in the outbox; the applicant's status page shows the reference received."""

import re

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from playwright.sync_api import expect

from accounts.roles import Role
from admissions.models import Application, IntakeQuestion
from admissions.tests.factories import IntakeFactory, IntakeQuestionFactory, PrivacyNoticeFactory, pdf_bytes
from e2e.steps import declare_and_submit
from notifications.models import OutboundEmail

PASSWORD = "a-quiet-harbour-42"


def save_and_continue(page, next_heading, axe_check):
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text(next_heading)
    axe_check(page)


def test_applicant_applies_and_a_referee_answers(page, live_server, axe_check, tmp_path, settings):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # An earlier transactional test's flush empties what migrations created:
    # the role groups (sign-up needs them) and the content types (cached ids
    # would point at deleted rows; the outbox links mails to objects by them).
    ContentType.objects.clear_cache()
    for role in Role:
        Group.objects.get_or_create(name=role)
    PrivacyNoticeFactory()
    intake = IntakeFactory(title="MSc Public Technology, full-time, 2027/28", required_documents=["cv"])
    IntakeQuestionFactory(
        intake=intake, kind=IntakeQuestion.Kind.SINGLE_CHOICE, required=True,
        label="Which area of public life do you most want to work in?", choices=["Health and care", "Housing"],
    )
    cv = tmp_path / "Noor Haddad CV.pdf"
    cv.write_bytes(pdf_bytes(pages=2))

    # /apply/ → sign up → confirm → log in.
    page.goto(live_server.url + "/apply/")
    expect(page.locator("h1")).to_have_text("Apply")
    expect(page.locator("main")).to_contain_text(f"Apply by {intake.deadline_words}")
    axe_check(page)
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    link = re.search(r"(http://\S+/accounts/verify/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Start the application from /apply/.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Apply").click()
    page.get_by_role("link", name=f"Start your application for {intake.title}").click()
    expect(page.locator("h1")).to_have_text(intake.title)
    axe_check(page)
    page.get_by_role("button", name="Start your application").click()
    expect(page.locator("h1")).to_have_text(intake.title)
    expect(page.get_by_role("status")).to_contain_text("Your application is started")
    axe_check(page)

    page.get_by_role("link", name="Your details").click()
    expect(page.locator(".app-progress-count")).to_contain_text("Step 1 of 8")
    axe_check(page)
    expect(page.get_by_label("Full name")).to_have_value("Noor Haddad")
    # A required answer left out: the error summary takes focus.
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    axe_check(page)
    page.get_by_label("Phone number").fill("+44 7700 900123")
    page.get_by_label("Country you live in").fill("United Kingdom")
    page.get_by_label("Accessibility needs or adjustments (optional)").fill("Captions on recorded lectures")
    save_and_continue(page, "Education and work", axe_check)

    page.get_by_label("Your highest qualification").fill("BSc (Hons), 2:1")
    page.get_by_label("Subject").fill("Computer Science")
    page.get_by_label("University or college").fill("University of Leeds")
    page.get_by_label("Year awarded (or expected)").fill("2018")
    page.get_by_label("Your work so far").fill("Six years building case-management tools for a council.")
    save_and_continue(page, "Your coding", axe_check)

    page.locator("#id_language_1").fill("Python")
    page.locator("#id_level_1").select_option("expert")
    page.get_by_label("How many years have you been writing code?").fill("8")
    page.get_by_label("Links to your public code or portfolio").fill("https://github.com/noorhaddad")
    page.get_by_label("Something you built, and why").fill("A repairs tracker tenants use from their phones.")
    save_and_continue(page, "Personal statement", axe_check)

    page.get_by_label("Your personal statement").fill("I want to build public services that work for everyone.")
    expect(page.locator(".app-word-count")).to_contain_text("words remaining")
    save_and_continue(page, "Further questions", axe_check)

    page.get_by_label("Housing").check()
    save_and_continue(page, "Referees", axe_check)

    first, second = page.locator("fieldset.app-referee").all()
    first.get_by_label("Full name").fill("Dr Alex Morgan")
    first.get_by_label("How they know you").fill("My manager at Leeds City Council")
    first.get_by_label("Email address").fill("alex.morgan@example.net")
    second.get_by_label("Full name").fill("Jamie Patel")
    second.get_by_label("How they know you").fill("We built two services together")
    second.get_by_label("Email address").fill("jamie.patel@example.net")
    save_and_continue(page, "Documents", axe_check)

    page.get_by_label("Choose a PDF file").set_input_files(str(cv))
    page.get_by_role("button", name="Upload CV").click()
    expect(page.get_by_role("status")).to_contain_text("CV uploaded: Noor Haddad CV.pdf")
    axe_check(page)
    page.get_by_role("link", name="Continue to check your answers").click()
    expect(page.locator("h1")).to_have_text("Check your answers before you submit")
    expect(page.locator("main")).to_contain_text("Captions on recorded lectures")
    expect(page.locator("main")).to_contain_text("Noor Haddad CV.pdf")
    axe_check(page)
    declare_and_submit(page, axe_check, email="noor@example.org")
    expect(page.locator("main")).to_contain_text("References received: 0 of 2")
    assert Application.objects.get(applicant__email="noor@example.org").state == "submitted"

    # The acknowledgement is in the applicant's mail.
    page.goto(live_server.url + "/accounts/emails/")
    acknowledgement = page.get_by_role("link", name=f"We have received your application: {intake.title}")
    expect(acknowledgement).to_be_visible()
    axe_check(page)

    # A referee follows the link from the outbox, without an account.
    request = OutboundEmail.objects.get(purpose="admissions.reference_request", to=["alex.morgan@example.net"])
    referee_link = re.search(r"(http://\S+/apply/reference/\S+/)", request.body_text).group(1)
    referee_page = page.context.browser.new_context().new_page()
    referee_page.goto(referee_link)
    expect(referee_page.locator("h1")).to_have_text("Reference for Noor Haddad")
    axe_check(referee_page)
    referee_page.get_by_label("Type your reference").fill("Noor writes careful, tested code and explains it well.")
    referee_page.get_by_label("Upload your reference as a PDF").set_input_files(str(cv))
    referee_page.get_by_role("button", name="Send reference").click()
    expect(referee_page.locator("h1")).to_have_text("Thank you, Dr Alex Morgan")
    axe_check(referee_page)
    referee_page.goto(referee_link)
    expect(referee_page.locator("main")).to_contain_text("A reference has already been sent through this link")

    page.goto(live_server.url + "/apply/status/")
    expect(page.locator("main")).to_contain_text("References received: 1 of 2")
    expect(page.locator(".app-referee-list")).to_contain_text("Dr Alex Morgan: Received")
    axe_check(page)
