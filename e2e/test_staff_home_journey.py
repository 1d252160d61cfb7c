"""A member of staff opens the staff area's front page, reads what waits for
them on a desktop and on a phone, and follows a count to the list behind it."""

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.tests.factories import ModuleFactory
from e2e.steps import log_in


@pytest.fixture
def staff(transactional_db):
    ModuleFactory(code="MPT7200", title="Procurement for digital services", draft=True)
    ModuleFactory(code="MPT7201", title="Open standards")
    return UserFactory(email="ada@example.org", roles=[Role.STAFF])


def test_staff_follow_a_count_from_the_overview_to_the_draft_behind_it(page, live_server, axe_check, staff):
    log_in(page, live_server, staff.email)

    # Staff land on the overview.
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
