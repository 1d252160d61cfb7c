"""A member of staff opens the staff area's front page, reads what waits for
them on a desktop and on a phone, and follows a count to the list behind it."""

import importlib
import io

import pytest
from django.apps import apps
from playwright.sync_api import expect

PASSWORD = "e2e-demo-password-47"


@pytest.fixture
def demo_catalogue(transactional_db):
    # A live-server test empties every table afterwards, data migrations' rows too: make them again.
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)
    importlib.import_module("curriculum.migrations.0003_staff_can_edit_catalogue").grant(apps, None)
    for label in ("accounts", "curriculum"):
        apps.get_app_config(label).seed_demo(password=PASSWORD, stdout=io.StringIO())
    from curriculum.tests.factories import ModuleFactory

    ModuleFactory(code="MPT7200", title="Procurement for digital services", draft=True)


def test_staff_follow_a_count_from_the_overview_to_the_draft_behind_it(page, live_server, axe_check, demo_catalogue):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("staff@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("navigation", name="Your work").get_by_role("link", name="Overview").click()
    expect(page.locator("h1")).to_have_text("What needs you")
    modules = page.get_by_role("region", name="Modules")
    expect(modules.get_by_role("link", name="1 draft module, never published")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 375, "height": 800})
    axe_check(page)

    modules.get_by_role("link", name="1 draft module, never published").click()
    expect(page.locator("h1")).to_have_text("Modules")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Procurement for digital services")
