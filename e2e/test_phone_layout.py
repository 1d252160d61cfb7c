"""On a phone, a wide table scrolls inside its own box: the page itself never
scrolls sideways, even with visually hidden text deep inside the table."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from e2e.steps import log_in
from timetable.tests.factories import make_session


@pytest.fixture
def staff(transactional_db):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for day in range(5):
        make_session(day=monday + datetime.timedelta(days=day), start=9 + day, end=10 + day)
    return UserFactory(roles=[Role.STAFF])


def test_the_staff_week_grid_scrolls_inside_its_box_on_a_phone(page, live_server, axe_check, staff):
    page.set_viewport_size({"width": 375, "height": 800})
    log_in(page, live_server, staff.email)
    page.goto(live_server.url + "/staff/timetable/")

    grid = page.locator(".table-responsive").first
    assert grid.evaluate("el => el.scrollWidth > el.clientWidth")  # the table is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") == 375
    # Keyboard users can reach the box to scroll it, and hear what it holds.
    assert grid.get_attribute("tabindex") == "0"
    assert grid.get_attribute("aria-label").startswith("Sessions by room in the week of")
    axe_check(page)
