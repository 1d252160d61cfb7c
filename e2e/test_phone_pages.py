"""The pages a newcomer meets first, on a 360 px phone: the front page's call to apply,
the timetable's week grid and list, the staff series page, the thesis ranking and the
session form's warning for a date outside the term. None scrolls the whole page
sideways, and axe finds nothing serious on any of them."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions.tests.factories import IntakeFactory
from core.access import SYSTEM
from curriculum.tests.factories import (
    AcademicYearFactory,
    EnrolmentFactory,
    ModuleOfferingFactory,
    ProgrammeFactory,
    TermFactory,
)
from e2e.steps import fill_date, log_in
from theses.models import Preference
from theses.tests.factories import ProposalFactory, ThesisRoundFactory
from timetable import services
from timetable.models import Session
from timetable.tests.factories import RoomFactory, make_session

PHONE = {"width": 360, "height": 800}
LONG_TITLE = "How public institutions work: government, campaigns, NGOs and companies"


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def roles(transactional_db):
    # A live-server test empties every table afterwards, the roles' groups too: make them again.
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)


@pytest.fixture
def this_term(roles):
    """A term running this week, one offering with a long title, a room and a member of staff."""
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday(), weeks=2)
    year = AcademicYearFactory(starts_on=monday - datetime.timedelta(days=7),
                               ends_on=monday + datetime.timedelta(days=350))
    term = TermFactory(academic_year=year, starts_on=monday, ends_on=monday + datetime.timedelta(weeks=11))
    offering = ModuleOfferingFactory(term=term, module__code="MPT7001", module__title=LONG_TITLE)
    staff = UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor")
    return {"term": term, "offering": offering, "staff": staff, "room": RoomFactory(name="B12", capacity=40)}


def test_every_call_to_apply_on_the_front_page_has_one_name(page, live_server, axe_check, roles):
    IntakeFactory(programme=ProgrammeFactory(title="MSc Public Technology"))
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/")

    links = page.locator("main a[href='/apply/']")
    assert links.count() == 3
    named = page.get_by_role("main").get_by_role("link", name="Start your application", exact=True)
    assert named.count() == links.count()  # the accessible name of every one of them
    assert_no_sideways_scroll(page)
    axe_check(page)


def test_the_public_week_names_each_module_in_the_list_and_the_grid(page, live_server, axe_check, this_term):
    monday = timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday())
    for day in range(5):
        make_session(offering=this_term["offering"], day=monday + datetime.timedelta(days=day), start=10, end=11)
    page.set_viewport_size(PHONE)

    page.goto(live_server.url + "/timetable/")  # a phone gets the list
    cards = page.locator(".tt-list .tt-session")
    expect(cards).to_have_count(5)
    expect(cards.first.locator(".tt-module")).to_have_text(LONG_TITLE)
    assert_no_sideways_scroll(page)
    axe_check(page)

    page.goto(live_server.url + "/timetable/?view=grid")
    card = page.locator(".tt-grid .tt-session").first
    title = card.locator(".tt-module")
    expect(title).to_have_text(LONG_TITLE)  # the whole title is in the page
    cut = title.evaluate("el => el.scrollHeight > el.clientHeight")
    card.get_by_role("link").focus()
    assert title.evaluate("el => el.scrollHeight <= el.clientHeight")  # and shown whole on focus
    assert cut  # in a 360 px grid cell it was cut to two lines before
    assert_no_sideways_scroll(page)
    axe_check(page)


def test_the_staff_series_page_fits_a_phone(page, live_server, axe_check, this_term):
    series = services.series_create(offering=this_term["offering"], kind="lecture", weekday=1,
                                    start_time=datetime.time(10), end_time=datetime.time(12), first_week=1,
                                    last_week=10, room=this_term["room"], teachers=[this_term["staff"]], by=SYSTEM)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, this_term["staff"].email)

    page.goto(live_server.url + series.get_absolute_url())

    expect(page.locator("h1")).to_have_text("MPT7001 lectures")
    expect(page.locator("tbody tr")).to_have_count(10)
    box = page.get_by_role("region", name="The series' sessions, scrolls sideways on a small screen")
    assert box.get_attribute("tabindex") == "0"  # keyboard users can reach it to scroll it
    assert_no_sideways_scroll(page)
    axe_check(page)


def test_the_ranking_page_offers_a_slot_per_project_on_a_phone(page, live_server, axe_check, roles):
    round_ = ThesisRoundFactory()
    student = UserFactory(roles=[Role.STUDENT], full_name="Jo Marsh")
    EnrolmentFactory(cohort=round_.cohort, student=student)
    projects = [ProposalFactory(cohort=round_.cohort, title=f"Project {n}") for n in range(1, 10)]
    page.set_viewport_size(PHONE)
    log_in(page, live_server, student.email)

    page.goto(live_server.url + "/theses/my/preferences/")

    selects = page.locator("[data-ranking-list] select")
    expect(selects).to_have_count(9)
    expect(page.get_by_text("Rank as many of the 9 open projects as you like")).to_be_visible()
    assert_no_sideways_scroll(page)
    axe_check(page)

    for n, project in enumerate(reversed(projects), start=1):
        page.get_by_label(f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'} choice",
                          exact=True).select_option(label=project.title)
    page.get_by_role("button", name="Save my ranking").click()

    expect(page.locator(".messages")).to_contain_text("Your ranking is saved")
    ranked = Preference.objects.filter(preference_list__student=student).order_by("rank")
    assert [c.proposal_id for c in ranked] == [p.pk for p in reversed(projects)]


def test_a_date_after_the_term_asks_once_naming_the_term_on_a_phone(page, live_server, axe_check, this_term):
    term = this_term["term"]
    after = term.ends_on + datetime.timedelta(days=1)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, this_term["staff"].email)

    page.goto(live_server.url + "/staff/timetable/sessions/new/")
    page.get_by_label("Module offering").select_option(label=f"MPT7001 {LONG_TITLE} ({term})")
    date_group = page.get_by_role("group", name="Date")
    if date_group.count():
        fill_date(date_group, after)
    else:
        page.locator("input[name=date]").fill(after.isoformat())
    page.locator("input[name=start_time]").fill("10:00")
    page.locator("input[name=end_time]").fill("12:00")
    page.get_by_label("Room").select_option(label="B12")
    page.get_by_role("button", name="Save session").click()

    warning = page.locator(".tt-warnings")
    expect(warning).to_contain_text(f"is outside {term}")
    expect(warning).to_contain_text("the term this offering runs in")
    assert Session.objects.count() == 0
    assert_no_sideways_scroll(page)
    axe_check(page)

    page.get_by_label("Save anyway").check()
    page.get_by_role("button", name="Save session").click()

    expect(page.locator(".messages")).to_contain_text("Saved MPT7001 lecture")
    assert Session.objects.get().starts_at.date() == after
