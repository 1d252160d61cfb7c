"""Steps several browser journeys share."""

from playwright.sync_api import expect

from accounts.tests.factories import TEST_PASSWORD


def log_in(page, live_server, email, password=TEST_PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def fill_date(group, day, *, time=None):
    """Type `day` (and a 24-hour `time`, "14:00") into a date group: `group` is its fieldset,
    found by its legend, e.g. page.get_by_role("group", name="Deadline")."""
    group.get_by_label("Day", exact=True).fill(str(day.day))
    group.get_by_label("Month", exact=True).fill(str(day.month))
    group.get_by_label("Year", exact=True).fill(str(day.year))
    if time is not None:
        group.get_by_label("Time", exact=True).fill(time)


def declare_and_submit(page, axe_check, *, email):
    """On the application's check page: tick the declaration and the privacy notice,
    submit, and land on the status page with the confirmation message."""
    page.get_by_label("I confirm that the information in this application is true").check()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator("h1")).to_have_text("Your applications")
    expect(page.get_by_role("status")).to_contain_text(f"We have sent a confirmation to {email}")
    axe_check(page)
