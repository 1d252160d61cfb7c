"""Staff invite a guest lecturer; the lecturer opens the link from the mail in the
outbox (no account), picks a time and confirms their details; the lecture is in
the timetable and on the module's page; and when the clock reaches a week before
the lecture, the reminder job queues the practical details."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from curriculum.tests.factories import (
    AcademicYearFactory,
    CohortFactory,
    EnrolmentFactory,
    ModuleOfferingFactory,
    ProgrammeModuleFactory,
    TermFactory,
)
from e2e.steps import fill_date, log_in
from lecturers.models import Invitation
from notifications.models import OutboundEmail
from notifications.reminder_engine import reminders_run
from timetable.tests.factories import RoomFactory


@pytest.fixture
def module_data(transactional_db):
    # A live-server test empties every table afterwards, the roles' groups too: make them again.
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday(), weeks=2)
    year = AcademicYearFactory(starts_on=monday - datetime.timedelta(days=7),
                               ends_on=monday + datetime.timedelta(days=350))
    term = TermFactory(academic_year=year, starts_on=monday, ends_on=monday + datetime.timedelta(weeks=11))
    staff = UserFactory(email="jo@example.org", full_name="Jo Bell", roles=[Role.STAFF])
    offering = ModuleOfferingFactory(term=term, module__code="MPT7005", module__title="User experience design",
                                     module__slug="user-experience-design", leader=staff)
    cohort = CohortFactory(academic_year=year, name="MSc Public Technology full-time")
    ProgrammeModuleFactory(programme=cohort.programme, module=offering.module)
    EnrolmentFactory(cohort=cohort)
    RoomFactory(name="B12", capacity=40, building="Bush House")
    # A Wednesday about three weeks ahead.
    day = today + datetime.timedelta(days=21)
    day += datetime.timedelta(days=(2 - day.weekday()) % 7)
    return {"staff": staff, "offering": offering, "term": term, "day": day}


def test_invite_accept_confirm_timetable_and_reminder(page, browser, live_server, axe_check, module_data):
    day = module_data["day"]
    log_in(page, live_server, "jo@example.org")
    page.goto(live_server.url + "/staff/lecturers/")
    expect(page.locator("h1")).to_have_text("Guest lecturers")
    axe_check(page)

    page.get_by_role("navigation", name="Guest lecturers").get_by_role("link", name="Invite a lecturer").click()
    expect(page.locator("h1")).to_have_text("Invite a guest lecturer")
    axe_check(page)
    page.get_by_label("Name of someone new").fill("Dr Amara Osei")
    page.get_by_label("Their email address").fill("amara@example.net")
    page.get_by_label("Their organisation").fill("Department for Work and Pensions")
    page.get_by_label("Module", exact=True).select_option(
        label=f"MPT7005 User experience design — {module_data['term']}")
    page.get_by_label("Topic").fill("Designing with people in crisis")
    fill_date(page.get_by_role("group", name="Time 1"), day)
    page.locator("#id_slot1_start").fill("16:30")
    page.locator("#id_slot1_end").fill("18:00")
    page.locator("#id_slot1_room").select_option(label="B12")
    fill_date(page.get_by_role("group", name="Time 2"), day + datetime.timedelta(days=7))
    page.locator("#id_slot2_start").fill("16:30")
    page.locator("#id_slot2_end").fill("18:00")
    page.locator("#id_slot2_room").select_option(label="B12")
    page.get_by_role("button", name="Send the invitation").click()

    expect(page.locator(".messages")).to_contain_text("Invitation sent to Dr Amara Osei (amara@example.net)")
    expect(page.locator(".eyebrow")).to_contain_text("Invited")
    axe_check(page)

    # The lecturer, who has no account, opens the link in the mail.
    mail = OutboundEmail.objects.get(purpose="lecturers.invitation")
    assert mail.to == ["amara@example.net"]
    link = re.search(r"https?://\S+/lecturers/invitation/\S+/", mail.body_text).group(0)
    guest = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("Would you speak to our students?")
    axe_check(guest)
    guest.get_by_label(re.compile(rf"{day:%A} {day.day} {day:%B %Y}, 16:30")).check()
    guest.get_by_role("button", name="Accept this time").click()

    expect(guest.locator("h1")).to_have_text("Confirm your details")
    expect(guest.locator(".messages")).to_contain_text("the lecture is in our timetable")
    axe_check(guest)
    guest.get_by_label("Your biography").fill("Amara leads **service design** for Universal Support.")
    guest.get_by_label(re.compile("Show my name, role, biography and photo")).check()
    guest.get_by_label("Yes, you may record the lecture for the module's students").check()
    guest.get_by_label("Equipment you need").fill("HDMI for a laptop")
    guest.get_by_role("button", name="Confirm my details").click()

    expect(guest.locator("h1")).to_have_text("Your guest lecture is confirmed")
    expect(guest.locator("main")).to_contain_text("Room B12, Bush House")
    axe_check(guest)
    invitation = Invitation.objects.select_related("session").get()
    assert invitation.state == Invitation.State.CONFIRMED
    confirmation = OutboundEmail.objects.get(purpose="lecturers.confirmed")
    assert [a["filename"] for a in confirmation.attachments] == ["guest-lecture.ics"]

    # Opening the link again shows where things stand and offers nothing to accept.
    guest.goto(link)
    expect(guest.locator("h1")).to_have_text("Your guest lecture is confirmed")
    expect(guest.get_by_role("button", name="Accept this time")).to_have_count(0)

    # The session is in the timetable and on the module's page.
    week = f"{day.isocalendar().year}-W{day.isocalendar().week:02d}"
    page.goto(f"{live_server.url}/timetable/?module=user-experience-design&view=list&week={week}")
    expect(page.locator("main")).to_contain_text("Designing with people in crisis")
    axe_check(page)
    page.goto(live_server.url + "/modules/user-experience-design/")
    panel = page.locator(".lect-panel")
    expect(panel).to_contain_text("Designing with people in crisis")
    expect(panel.get_by_role("link", name="Dr Amara Osei")).to_be_visible()
    axe_check(page)
    panel.get_by_role("link", name="Dr Amara Osei").click()
    expect(page.locator("h1")).to_have_text("Dr Amara Osei")
    axe_check(page)

    # Move the clock to a week before the lecture: the reminder job queues the practical details.
    starts = invitation.session.starts_at
    assert reminders_run(now=starts - datetime.timedelta(days=8)) == 0
    reminders_run(now=starts - datetime.timedelta(days=7) + datetime.timedelta(minutes=3))
    [reminder] = OutboundEmail.objects.filter(purpose="lecturers.practical")
    assert reminder.subject.startswith("Your guest lecture in 7 days")
    assert reminder.to == ["amara@example.net"]
    assert "Room B12, Bush House" in reminder.body_text
    assert "Jo Bell" in reminder.body_text
