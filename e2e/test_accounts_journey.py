"""A visitor finds their way from the home page to a confirmed account and their profile."""

import re

from django.core import mail
from playwright.sync_api import expect

from accounts.models import User


def test_visitor_signs_up_confirms_email_logs_in_and_sees_profile(page, live_server, axe_check):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_contain_text("Masters in Public Technology")
    axe_check(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Create an account").click()
    expect(page.locator("h1")).to_have_text("Create an account")
    axe_check(page)

    # A first try with mismatched passwords: the error summary takes focus.
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill("a-quiet-harbour-42")
    page.get_by_label("Confirm password").fill("a-different-harbour")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_title(re.compile(r"^Error: Create an account"))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_password2-error")).to_contain_text("The two passwords do not match.")
    axe_check(page)

    page.get_by_label("Password", exact=True).fill("a-quiet-harbour-42")
    page.get_by_label("Confirm password").fill("a-quiet-harbour-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("noor@example.org")
    axe_check(page)

    assert len(mail.outbox) == 1
    link = re.search(r"(http://\S+/accounts/verify/\S+/)", mail.outbox[0].body).group(1)
    assert link.startswith(live_server.url)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.get_by_role("status")).to_contain_text("noor@example.org is confirmed")
    axe_check(page)

    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password").fill("a-quiet-harbour-42")
    page.get_by_role("button", name="Log in").click()
    # A new applicant lands on their applications (none yet), and finds their account in the header.
    expect(page.locator("h1")).to_have_text("Your applications")
    axe_check(page)
    page.get_by_role("link", name="Noor (your account)").click()
    expect(page.locator("h1")).to_have_text("Your account")
    expect(page.locator(".summary-list")).to_contain_text("noor@example.org")
    expect(page.locator(".summary-list")).to_contain_text("Applicant")
    axe_check(page)

    assert User.objects.get(email="noor@example.org").is_active


def test_the_menu_works_on_a_phone(page, live_server, axe_check):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/")
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_hidden()
    menu.click()
    login = page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    expect(login).to_be_visible()
    login.click()
    expect(page.locator("h1")).to_have_text("Log in")
    axe_check(page)


def test_create_an_account_from_an_intake_returns_to_that_intake(page, live_server, axe_check, settings, tmp_path):
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from admissions.tests.factories import IntakeFactory, PrivacyNoticeFactory

    # An earlier transactional test's flush empties the role groups sign-up needs.
    for role in Role:
        Group.objects.get_or_create(name=role)
    PrivacyNoticeFactory()
    intake = IntakeFactory(title="MSc Public Technology, part-time, 2027/28")
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto(live_server.url + "/apply/")
    axe_check(page)
    page.get_by_role("link", name=f"Start your application for {intake.title}").click()
    expect(page.locator("h1")).to_have_text(intake.title)
    axe_check(page)
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page.locator("h1")).to_have_text("Create an account")
    axe_check(page)

    # A weak password that does not match either: every problem is named at once.
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password", exact=True).fill("12345678")
    page.get_by_label("Confirm password").fill("12345679")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(page.locator("#id_password1-error")).to_contain_text("This password is too short")
    expect(page.locator("#id_password1-error")).to_contain_text("This password is too common")
    expect(page.locator("#id_password1-error")).to_contain_text("This password is entirely numeric")
    axe_check(page)
    page.screenshot(path=str(tmp_path / "signup-errors-360.png"), full_page=True)

    page.get_by_label("Password", exact=True).fill("a-quiet-harbour-42")
    page.get_by_label("Confirm password").fill("a-quiet-harbour-42")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    axe_check(page)

    link = re.search(r"(http://\S+/accounts/verify/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.get_by_role("status")).to_contain_text("noor@example.org is confirmed")
    axe_check(page)
    page.get_by_label("Email address").fill("noor@example.org")
    page.get_by_label("Password").fill("a-quiet-harbour-42")
    page.get_by_role("button", name="Log in").click()

    # Back on the intake, now able to start the application.
    expect(page).to_have_url(live_server.url + f"/apply/intake/{intake.slug}/")
    expect(page.locator("h1")).to_have_text(intake.title)
    axe_check(page)
    page.screenshot(path=str(tmp_path / "intake-after-signup-360.png"), full_page=True)
    page.get_by_role("button", name="Start your application").click()
    expect(page.get_by_role("status")).to_contain_text("Your application is started")
    axe_check(page)


def test_too_many_logins_get_a_page_saying_when_to_try_again(page, live_server, axe_check, settings, tmp_path):
    settings.MPT_RATE_LIMITS = {**settings.MPT_RATE_LIMITS, "login": {"address": "1/5m", "account": "1/5m"}}
    page.set_viewport_size({"width": 360, "height": 740})
    for _ in range(2):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email address").fill("someone@example.org")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Too many attempts")
    expect(page.locator("main")).to_contain_text(re.compile(r"You have tried to log in too many times\. "
                                                            r"Try again after \d\d:\d\d\."))
    axe_check(page)
    page.screenshot(path=str(tmp_path / "too-many-360.png"), full_page=True)
