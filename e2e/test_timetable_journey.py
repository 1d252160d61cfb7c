"""Staff build a weekly series, are told plainly when another session would take
the same room at the same time, and move the series a week; a visitor opens the
module's timetable and downloads its calendar feed."""

import datetime
import importlib
import re

import icalendar
import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.tests.factories import (
    AcademicYearFactory,
    CohortFactory,
    ModuleOfferingFactory,
    ProgrammeModuleFactory,
    TermFactory,
)
from e2e.steps import fill_date, log_in
from timetable.models import Session
from timetable.tests.factories import RoomFactory


@pytest.fixture
def term_data(transactional_db):
    # A live-server test empties every table afterwards, the roles' groups too: make them again.
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday(), weeks=2)
    year = AcademicYearFactory(starts_on=monday - datetime.timedelta(days=7),
                               ends_on=monday + datetime.timedelta(days=350))
    term = TermFactory(academic_year=year, starts_on=monday, ends_on=monday + datetime.timedelta(weeks=11))
    staff = UserFactory(email="ada@example.org", full_name="Dr Ada Okafor", roles=[Role.STAFF])
    offering = ModuleOfferingFactory(term=term, module__code="MPT7001", module__title="How public institutions work",
                                     module__slug="how-public-institutions-work", leader=staff)
    other = ModuleOfferingFactory(term=term, module__code="MPT7002", module__title="Dissecting digital services")
    cohort = CohortFactory(academic_year=year, name="MSc Public Technology full-time")
    ProgrammeModuleFactory(programme=cohort.programme, module=offering.module)
    RoomFactory(name="B12", capacity=40)
    return {"staff": staff, "offering": offering, "other": other, "term": term, "monday": monday}


def test_staff_build_a_series_meet_a_clash_and_move_the_series(page, live_server, axe_check, term_data):
    log_in(page, live_server, "ada@example.org")
    page.goto(live_server.url + "/staff/timetable/")
    expect(page.locator("h1")).to_have_text("Timetable: week grid")
    axe_check(page)
    page.get_by_role("link", name="Next week →").click()
    expect(page.locator(".tt-week-heading")).to_be_focused()  # htmx swapped the grid and moved focus
    expect(page).to_have_url(re.compile(r"week=\d{4}-W\d{2}"))

    page.get_by_role("navigation", name="Timetable (staff)").get_by_role("link", name="Add a weekly series").click()
    axe_check(page)
    term = term_data["term"]
    page.get_by_label("Module offering").select_option(label=f"MPT7001 How public institutions work ({term})")
    page.get_by_label("Kind of session").select_option("lecture")
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("From teaching week").fill("1")
    page.get_by_label("To teaching week").fill("10")
    page.get_by_label("Room").select_option(label="B12")
    page.get_by_label("Dr Ada Okafor").check()
    page.get_by_role("button", name="Create the sessions").click()

    expect(page.locator(".messages")).to_contain_text("Created 10 sessions of MPT7001 lecture series")
    expect(page.locator("h1")).to_have_text("MPT7001 lectures")
    axe_check(page)

    week2_tuesday = term_data["monday"] + datetime.timedelta(days=8)
    page.goto(live_server.url + "/staff/timetable/sessions/new/")
    page.get_by_label("Module offering").select_option(label=f"MPT7002 Dissecting digital services ({term})")
    fill_date(page.get_by_role("group", name="Date"), week2_tuesday)
    page.get_by_label("Start time").fill("11:00")
    page.get_by_label("End time").fill("13:00")
    page.get_by_label("Room").select_option(label="B12")
    page.get_by_role("button", name="Save session").click()

    expected = (f"Room B12 is already booked for MPT7001 lecture, Tue {week2_tuesday.day} "
                f"{week2_tuesday:%b} 10:00\u201312:00")
    expect(page.locator(".error-summary")).to_contain_text(expected)
    expect(page).to_have_title(re.compile("^Error: "))
    axe_check(page)
    assert Session.objects.filter(offering=term_data["other"]).count() == 0

    page.goto(live_server.url + f"/staff/timetable/series/{Session.objects.first().series_id}/")
    page.get_by_label("Move by").select_option(label="One week later")
    page.get_by_role("button", name="Move the sessions").click()
    expect(page.locator(".messages")).to_contain_text("Moved 10 sessions 1 week later")
    axe_check(page)
    weeks = sorted(Session.objects.filter(offering=term_data["offering"]).values_list("week", flat=True))
    assert weeks == list(range(2, 12))


def test_a_visitor_opens_the_modules_timetable_and_downloads_its_calendar(page, live_server, axe_check, term_data):
    from timetable import services

    offering = term_data["offering"]
    services.series_create(offering=offering, kind="lecture", weekday=1, start_time=datetime.time(10),
                           end_time=datetime.time(12), first_week=1, last_week=10,
                           room=RoomFactory(name="B12"), teachers=[term_data["staff"]], by=term_data["staff"])

    page.goto(live_server.url + "/modules/how-public-institutions-work/")
    panel = page.locator(".tt-panel")
    expect(panel).to_contain_text("Next sessions")
    axe_check(page)
    panel.get_by_role("link", name="Full timetable for MPT7001").click()
    expect(page.locator("h1")).to_have_text("Lectures, seminars and workshops")
    expect(page.locator(".tt-list-view")).to_contain_text("MPT7001 lecture")
    expect(page.locator("main")).to_contain_text("UK time (Europe/London)")
    axe_check(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Calendar feed \(\.ics\) for MPT7001")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    calendar = icalendar.Calendar.from_ical(download.path().read_bytes())
    events = calendar.walk("VEVENT")
    assert len(events) == 10
    assert {str(e["STATUS"]) for e in events} == {"CONFIRMED"}
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
