"""Dates and times typed as GOV.UK asks, on a phone: day, month and year in three boxes and a
24-hour time as text, on the admissions intake form. A mistake is summarised at the top,
the summary's link lands in the first box of the group, the message sits beside the group
with what was typed kept, and once fixed the moment is stored in the programme's zone."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions.models import Intake
from curriculum.tests.factories import AcademicYearFactory, ProgrammeFactory
from e2e.steps import fill_date, log_in

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def admin(transactional_db):
    ProgrammeFactory(title="PGCert Public Technology", timezone="Europe/London")
    AcademicYearFactory(first_year=2027)
    return UserFactory(email="priya@example.org", roles=[Role.ADMISSIONS_ADMIN])


def test_a_date_and_time_typed_with_a_mistake_is_explained_and_then_saved(page, live_server, axe_check, admin):
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, live_server, admin.email)
    page.goto(live_server.url + reverse("admissions:intake-create"))
    expect(page.locator("h1")).to_have_text("Add an intake")
    axe_check(page)

    page.get_by_label("Programme").select_option(label="PGCert Public Technology")
    page.get_by_label("Academic year").select_option(label="2027/28")
    page.get_by_label("Mode").select_option(label="Part-time")
    page.get_by_label("Title").fill("PGCert Public Technology, part-time, 2027/28")
    page.get_by_label("Places", exact=True).fill("20")
    opens = page.get_by_role("group", name="Applications open")
    expect(opens).to_contain_text("For example, 27 3 2027 and 14:00. Use the 24-hour clock.")
    expect(opens.locator("input")).to_have_count(4)
    fill_date(opens, datetime.date(2027, 1, 4), time="9.00")
    deadline = page.get_by_role("group", name="Deadline")
    deadline.get_by_label("Day", exact=True).fill("31")  # a mistake: no month
    deadline.get_by_label("Year", exact=True).fill("2027")
    deadline.get_by_label("Time", exact=True).fill("17:00")
    page.get_by_role("button", name="Save the intake", exact=True).last.click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Deadline must include a month"])
    expect(deadline.locator(".field-error")).to_have_text("Error: Deadline must include a month")
    expect(deadline.get_by_label("Day", exact=True)).to_have_value("31")
    expect(opens.get_by_label("Time", exact=True)).to_have_value("9.00")
    axe_check(page)

    summary.get_by_role("link", name="Deadline must include a month").click()
    expect(deadline.get_by_label("Day", exact=True)).to_be_focused()
    deadline.get_by_label("Month", exact=True).fill("3")
    page.get_by_role("button", name="Save the intake", exact=True).last.click()

    expect(page.locator("h1")).to_have_text("Intakes")
    expect(page.get_by_role("status")).to_contain_text("“PGCert Public Technology, part-time, 2027/28” is saved.")
    axe_check(page)
    intake = Intake.objects.get()
    assert intake.opens_at == datetime.datetime(2027, 1, 4, 9, 0, tzinfo=LONDON)
    assert intake.closes_at == datetime.datetime(2027, 3, 31, 17, 0, tzinfo=LONDON)

    page.goto(live_server.url + reverse("admissions:intake-edit", args=[intake.slug]))
    deadline = page.get_by_role("group", name="Deadline")
    for part, value in (("Day", "31"), ("Month", "3"), ("Year", "2027"), ("Time", "17:00")):
        expect(deadline.get_by_label(part, exact=True)).to_have_value(value)
    axe_check(page)
