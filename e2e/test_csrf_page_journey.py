"""A form sent after its security token was lost (open too long, or a log-in in another tab)
gets our own page in plain words, on a phone, with a way back to the form."""

import re

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_without_its_cookie_gets_a_plain_page_back_to_the_form(page, live_server, axe_check):
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(live_server.url + "/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label("Email address").fill("someone@example.org")
    page.get_by_label("Password").fill("not-their-password")
    page.get_by_role("button", name="Log in").click()

    expect(page.locator("h1")).to_have_text("This form was open too long")
    expect(page.locator("main")).to_contain_text("Go back, reload the page and try again.")
    expect(page.locator("main")).not_to_contain_text("CSRF")
    axe_check(page)
    page.get_by_role("link", name="Go back to the form").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.locator("h1")).to_have_text("Log in")
