"""A partner proposes a project and staff approve it; three students rank;
staff run the allocation and publish it; a student sees their project and
their milestone dates."""

import datetime

from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from curriculum.tests.factories import EnrolmentFactory
from mpt.celery import app as celery_app
from notifications.models import OutboundEmail
from theses.models import AllocationRun, Milestone, PreferenceList, Proposal
from theses.tests.factories import ProposalFactory, ThesisRoundFactory


def log_in(page, live_server, email):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_attached()


def test_partner_proposes_students_rank_staff_allocate_and_a_student_sees_their_project(
        page, live_server, axe_check, monkeypatch):
    # No worker runs beside the browser: the allocation task runs in the request.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    round_ = ThesisRoundFactory(cohort__name="MSc Public Technology 2026/27 full-time")
    staff = UserFactory(roles=[Role.STAFF], full_name="Dr Ada Okafor", email="ada@example.org")
    students = [UserFactory(roles=[Role.STUDENT], full_name=name, email=f"{name.split()[0].lower()}@example.org")
                for name in ("Jo Marsh", "Sam Patel", "Kemi Bello")]
    for student in students:
        EnrolmentFactory(cohort=round_.cohort, student=student)
    existing = ProposalFactory(cohort=round_.cohort, title="Search council minutes", capacity=1, supervisor=staff)
    Milestone.objects.create(round=round_, kind="interim", due_at=datetime.datetime(
        2027, 3, 12, 17, 0, tzinfo=datetime.UTC))

    # A partner proposes through the public form.
    page.goto(live_server.url + "/theses/")
    expect(page.locator("h1")).to_have_text("Thesis projects")
    axe_check(page)
    page.get_by_role("link", name="Propose a project").click()
    expect(page.locator("h1")).to_have_text("Propose a thesis project")
    axe_check(page)
    page.get_by_label("Organisation name").fill("Riverside Food Bank")
    page.get_by_label("Charity").check()
    page.get_by_label("Your name").fill("Amira Haddad")
    page.get_by_label("Your email address").fill("amira@riverside.example.org")
    page.get_by_label("About your organisation").fill("A volunteer-run food bank serving three wards.")
    page.get_by_label("Project title").fill("Food bank stock tracker")
    page.get_by_label("The problem").fill("Volunteers count tins on paper.")
    page.get_by_label("The tool to build").fill("A stock log with low-stock alerts.")
    page.get_by_label("Who benefits").fill("Volunteers and families.")
    page.get_by_label("Data and privacy").fill("Stock only, no personal data.")
    page.get_by_label("How many").fill("2")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator("h1")).to_have_text("Thank you: your proposal is with us")
    expect(page.locator("main")).to_contain_text("amira@riverside.example.org")
    axe_check(page)
    assert OutboundEmail.objects.filter(purpose="theses.partner_proposal_received").count() == 1

    # Staff give it a cohort and supervisor, then approve and open it.
    log_in(page, live_server, staff.email)
    page.goto(live_server.url + "/staff/theses/")
    expect(page.locator("h1")).to_have_text("Thesis projects (staff)")
    axe_check(page)
    page.get_by_role("link", name="Food bank stock tracker").click()
    expect(page.locator("h1")).to_have_text("Food bank stock tracker")
    axe_check(page)
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Cohort").select_option(label=round_.cohort.name)
    page.get_by_label("Supervisor").select_option(label="Dr Ada Okafor")
    axe_check(page)
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Approve and open for preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Approved and open")
    assert Proposal.objects.get(title="Food bank stock tracker").status == "open"

    # Three students rank: the first orders by keyboard (arrow keys on a
    # handle, then a Move button), the second by dragging, the third by selects.
    for student, choices in zip(students, [
            ["Search council minutes", "Food bank stock tracker"],
            ["Food bank stock tracker", "Search council minutes"],
            ["Food bank stock tracker"]], strict=True):
        log_in(page, live_server, student.email)
        page.goto(live_server.url + "/theses/my/")
        expect(page.locator("h1")).to_have_text("My thesis")
        page.get_by_role("link", name="Rank projects").click()
        expect(page.locator("h1")).to_have_text("Rank thesis projects")
        axe_check(page)
        first, second = page.get_by_label("1st choice", exact=True), page.get_by_label("2nd choice", exact=True)
        live = page.locator("#ranking-status")
        if student is students[0]:
            first.select_option(label=choices[1])
            second.select_option(label=choices[0])
            handle = page.get_by_role("button", name="Reorder 2nd choice: Search council minutes")
            handle.focus()
            page.keyboard.press("ArrowUp")
            expect(live).to_have_text("Search council minutes moved to 1st of 2.")
            expect(page.get_by_label("1st choice", exact=True)).to_have_value(str(existing.pk))
            expect(page.get_by_role("button", name="Reorder 1st choice: Search council minutes")).to_be_focused()
            page.keyboard.press("ArrowDown")
            expect(live).to_have_text("Search council minutes moved to 2nd of 2.")
            page.get_by_role("button", name="Move up: 2nd choice, Search council minutes").focus()
            page.keyboard.press("Enter")
            expect(live).to_have_text("Search council minutes moved to 1st of 2.")
            expect(page.get_by_label("2nd choice", exact=True)).to_have_value(
                str(Proposal.objects.get(title="Food bank stock tracker").pk))
            axe_check(page)
        elif student is students[1]:
            first.select_option(label=choices[1])
            second.select_option(label=choices[0])
            page.get_by_role("button", name="Reorder 2nd choice: Food bank stock tracker").drag_to(
                page.get_by_role("button", name="Reorder 1st choice: Search council minutes"))
            expect(live).to_have_text("Food bank stock tracker moved to 1st of 2.")
            expect(page.get_by_label("1st choice", exact=True)).to_have_value(
                str(Proposal.objects.get(title="Food bank stock tracker").pk))
        else:
            first.select_option(label=choices[0])
        page.get_by_role("button", name="Save my ranking").click()
        expect(page.get_by_role("status")).to_contain_text("Your ranking is saved")
        axe_check(page)
    assert [list(p.choices.order_by("rank").values_list("proposal__title", flat=True))
            for p in PreferenceList.objects.order_by("student__full_name")] == [
        ["Search council minutes", "Food bank stock tracker"],
        ["Food bank stock tracker"],
        ["Food bank stock tracker", "Search council minutes"],
    ]  # Jo Marsh, Kemi Bello, Sam Patel

    # Staff run the allocation, read the report and publish it.
    log_in(page, live_server, staff.email)
    page.goto(live_server.url + f"/staff/theses/rounds/{round_.pk}/")
    expect(page.locator("h1")).to_have_text(round_.cohort.name)
    expect(page.locator("main")).to_contain_text("3 studying; 3 have ranked projects")
    axe_check(page)
    page.get_by_role("link", name="Supervisor limits").click()
    expect(page.locator("h1")).to_have_text("How many students each supervisor takes")
    axe_check(page)
    page.get_by_label("Students for Dr Ada Okafor").fill("3")
    page.get_by_role("button", name="Save supervisor limits").click()
    expect(page.get_by_role("status")).to_contain_text("Supervisor limits saved (1 changed)")
    page.get_by_label("Fewest and best-ranked disappointments").check()
    page.get_by_role("button", name="Run the allocation").click()
    expect(page.locator("h1")).to_have_text("Fewest and best-ranked disappointments")
    expect(page.locator("main")).to_contain_text("Placed 3 of 3 students")
    expect(page.get_by_role("table", name="How many students got their 1st, 2nd, … choice")).to_contain_text(
        "1st choice")
    axe_check(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish and email 3 students").click()
    expect(page.get_by_role("status")).to_contain_text("Published")
    axe_check(page)
    run = AllocationRun.objects.get()
    assert run.published_at is not None and run.rank_profile == [3, 0]
    assert OutboundEmail.objects.filter(purpose="theses.allocation_student").count() == 3

    # Jo sees their project (their first choice) and the milestone dates.
    log_in(page, live_server, students[0].email)
    page.get_by_role("navigation", name="Your work").get_by_role("link", name="My thesis").click()
    expect(page.locator("h1")).to_have_text("My thesis")
    expect(page.locator(".project-panel")).to_contain_text("Search council minutes")
    expect(page.locator(".project-panel")).to_contain_text("Dr Ada Okafor")
    expect(page.get_by_role("table")).to_contain_text("Interim demo")
    expect(page.get_by_role("table")).to_contain_text("Friday 12 March 2027, 17:00")
    axe_check(page)
