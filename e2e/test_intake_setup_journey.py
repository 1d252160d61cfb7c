"""An admissions admin opens an intake with an extra question from the staff
pages (no Django admin), fixing a mistake on the way; a visitor then finds it
on /apply/ with its deadline in the programme's time zone."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from admissions.models import Intake
from curriculum.tests.factories import AcademicYearFactory, ProgrammeFactory
from e2e.steps import fill_date, log_in


@pytest.fixture
def admin(transactional_db):
    ProgrammeFactory(title="PGCert Public Technology", timezone="Europe/London")
    AcademicYearFactory(first_year=2027)
    return UserFactory(email="priya@example.org", roles=[Role.ADMISSIONS_ADMIN])


def london(days):
    """The day `days` from today in London, the programme's zone."""
    return (timezone.localtime() + datetime.timedelta(days=days)).date()


def test_an_admin_opens_an_intake_with_a_question_and_visitors_see_it(page, live_server, axe_check, admin):
    log_in(page, live_server, admin.email)
    page.get_by_role("navigation", name="Your work").get_by_role("link", name="Admissions").click()
    page.get_by_role("navigation", name="Admissions").get_by_role("link", name="Intakes").click()
    expect(page.locator("h1")).to_have_text("Intakes")
    axe_check(page)

    page.get_by_role("link", name="Add an intake").click()
    expect(page.locator("h1")).to_have_text("Add an intake")
    page.get_by_label("Programme").select_option(label="PGCert Public Technology")
    page.get_by_label("Academic year").select_option(label="2027/28")
    page.get_by_label("Mode").select_option(label="Part-time")
    page.get_by_label("Title").fill("PGCert Public Technology, part-time, 2027/28")
    fill_date(page.get_by_role("group", name="Applications open"), london(-1), time="12:00")
    fill_date(page.get_by_role("group", name="Deadline"), london(-2), time="12:00")  # a mistake: before the opening
    page.get_by_label("Places", exact=True).fill("20")
    page.get_by_label("Question 1").fill("Which public service would you most like to fix?")
    page.get_by_label("Kind of answer").select_option(label="Long text")
    page.get_by_label(re.compile(r"^Word limit(?! of)")).fill("150")
    page.get_by_role("button", name="Save the intake", exact=True).last.click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("alert")).to_contain_text("The deadline must be after applications open.")
    axe_check(page)
    fill_date(page.get_by_role("group", name="Deadline"), london(60), time="12:00")
    page.get_by_role("button", name="Save the intake", exact=True).last.click()

    expect(page.locator("h1")).to_have_text("Intakes")
    expect(page.get_by_role("status")).to_contain_text("“PGCert Public Technology, part-time, 2027/28” is saved.")
    intake = Intake.objects.get()
    assert intake.questions.get().word_limit == 150

    page.goto(live_server.url + "/apply/")
    expect(page.locator("main")).to_contain_text("PGCert Public Technology, part-time, 2027/28")
    expect(page.locator("main")).to_contain_text(f"Apply by {intake.deadline_words}")
