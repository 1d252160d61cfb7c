"""A visitor finds a module by searching and follows its prerequisites; a visitor
on a phone finds modules by the hint's words and by abbreviations, sees what is
core or optional in a programme and follows a theme; a member of staff edits a
module as a draft, previews it, publishes it and sees the change in its history,
and adds a search synonym that the next search uses."""

import importlib
import io
import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from e2e.steps import log_in

PASSWORD = "e2e-demo-password-31"


@pytest.fixture
def demo_catalogue(transactional_db):
    # A live-server test empties every table afterwards, data migrations' rows too: make them again.
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("curriculum.migrations.0003_staff_can_edit_catalogue").grant(apps, None)
    for label in ("accounts", "curriculum"):
        apps.get_app_config(label).seed_demo(password=PASSWORD, stdout=io.StringIO())


def test_visitor_searches_opens_a_module_and_follows_a_prerequisite(page, live_server, axe_check, demo_catalogue):
    page.goto(live_server.url + "/")
    expect(page.locator("h1")).to_have_text("MSc Public Technology")
    expect(page.locator(".hero")).to_contain_text("Who it is for")
    axe_check(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Modules").click()
    expect(page.locator("h1")).to_have_text("Modules")
    axe_check(page)
    page.get_by_label("Search modules").fill("privacy")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/modules/\?q=privacy"))
    results = page.locator(".module-result")
    expect(results.first).to_contain_text("Privacy management")
    axe_check(page)

    page.get_by_role("link", name="Privacy management").click()
    expect(page.locator("h1")).to_have_text("Privacy management")
    expect(page.locator("main")).to_contain_text("Data protection impact assessment")
    axe_check(page)

    page.get_by_role("link", name="Dissecting digital services").first.click()
    expect(page.locator("h1")).to_have_text("Dissecting digital services")
    expect(page.locator("main")).to_contain_text("It prepares you for")
    axe_check(page)


def test_staff_edit_a_summary_as_a_draft_preview_publish_and_see_the_history(
    page, live_server, axe_check, demo_catalogue
):
    new_summary = "Take apart real public services, from petitions to benefits calculators, to see what works."
    log_in(page, live_server, "staff@example.org", PASSWORD)

    page.get_by_role("navigation", name="Your work").get_by_role("link", name="Modules (staff)").click()
    expect(page.locator("h1")).to_have_text("Modules")
    axe_check(page)
    page.get_by_role("link", name="Dissecting digital services").click()
    expect(page.locator("h1")).to_have_text("Dissecting digital services")
    axe_check(page)

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator("h1")).to_have_text("Edit MPT7002")
    axe_check(page)
    page.get_by_label("Summary").fill(new_summary)
    page.get_by_role("button", name="Save draft").last.click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text("Saved as a draft")
    expect(page.locator(".pending-box")).to_contain_text("petitions to benefits calculators")

    page.get_by_role("link", name="Preview").click()
    expect(page.locator(".preview-banner")).to_contain_text("Preview.")
    expect(page.locator(".lead")).to_have_text(new_summary)
    axe_check(page)

    # Not public yet.
    public = page.context.new_page()
    public.goto(live_server.url + "/modules/dissecting-digital-services/")
    expect(public.locator(".lead")).not_to_have_text(new_summary)

    page.get_by_role("link", name="Back to the module in the staff area").click()
    page.get_by_role("button", name="Publish changes").click()
    expect(page.locator(".alert-success")).to_contain_text("Published")

    public.reload()
    expect(public.locator(".lead")).to_have_text(new_summary)

    page.get_by_role("link", name="History", exact=True).click()
    expect(page.locator("h1")).to_contain_text("History of MPT7002")
    expect(page.locator(".diff-list")).to_contain_text("Summary")
    expect(page.locator(".diff-list")).not_to_contain_text("Description")
    expect(page.locator(".diff-list ins").first).to_contain_text("petitions")
    expect(page.locator("table")).to_contain_text("Published")
    axe_check(page)


def _results(page):
    return page.locator(".module-result h3")


def test_on_a_phone_a_visitor_searches_by_word_and_abbreviation_filters_by_programme_and_follows_a_theme(
    page, live_server, axe_check, demo_catalogue, tmp_path
):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server.url + "/modules/")
    axe_check(page)

    page.get_by_label("Search modules").fill("statistics")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/modules/\?q=statistics"))
    expect(page.locator("#results-title")).to_have_text("1 module matching “statistics”")
    expect(_results(page)).to_have_text(["Social science methods and statistical significance"])
    axe_check(page)

    page.get_by_label("Search modules").fill("ux")
    page.get_by_role("button", name="Search").click()
    expect(_results(page).first).to_have_text("User experience design for public services")
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    page.screenshot(path=tmp_path / "search-ux-360.png", full_page=True)

    page.get_by_role("link", name="Clear search and filters").click()
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("Programme").select_option(label="MSc Public Technology")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"programme=msc-public-technology"))
    expect(page.locator("#results-title")).to_have_text("10 modules")
    open_data = page.locator(".module-result").filter(has_text="Open data and civic technology")
    expect(open_data.locator(".module-placement")).to_have_text("Optional in MSc Public Technology")
    expect(open_data.locator(".module-meta")).to_contain_text("Spring term")
    privacy = page.locator(".module-result").filter(has_text="Privacy management")
    expect(privacy.locator(".module-placement")).to_have_text("Core in MSc Public Technology")
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    page.screenshot(path=tmp_path / "programme-filter-360.png", full_page=True)

    privacy.get_by_role("link", name="Privacy and ethics").click()
    expect(page).to_have_url(re.compile(r"/modules/\?theme=privacy-and-ethics$"))
    expect(page.get_by_label("Theme")).to_have_value("privacy-and-ethics")
    expect(_results(page)).to_have_text(["Privacy management"])
    axe_check(page)


def test_staff_add_a_search_synonym_and_the_next_search_uses_it(page, live_server, axe_check, demo_catalogue):
    log_in(page, live_server, "staff@example.org", PASSWORD)
    page.goto(live_server.url + "/modules/?q=civic+hacking")
    expect(page.locator("#results-title")).to_have_text("No modules found")

    page.goto(live_server.url + "/staff/modules/")
    page.get_by_role("link", name="Search synonyms").click()
    expect(page.locator("h1")).to_have_text("Search synonyms")
    expect(page.locator("table")).to_contain_text("user experience")
    axe_check(page)

    page.get_by_role("link", name="Add a synonym").click()
    axe_check(page)
    page.get_by_role("button", name="Save synonym").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".error-summary")).to_contain_text("Enter the word people search for, for example ux")
    axe_check(page)
    page.get_by_label("Term").fill("hacking")
    page.get_by_label("Stands for").fill("civic technology, open data")
    page.get_by_role("button", name="Save synonym").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "A search for “hacking” now also finds civic technology, open data."
    )

    page.goto(live_server.url + "/modules/?q=civic+hacking")
    expect(_results(page).first).to_have_text("Open data and civic technology")
    axe_check(page)
