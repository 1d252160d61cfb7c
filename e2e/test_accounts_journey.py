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
