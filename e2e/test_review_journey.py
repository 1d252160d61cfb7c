"""The review phase end to end: an admissions admin runs the automatic assignment;
two reviewers score the same application ("Save and next"); the admin stages a
conditional offer, applies it and sends its email; the applicant accepts and
uploads evidence for the condition; the admin marks it met, and the applicant is
now a student of the intake's cohort. axe runs on every page, with no violation
of any impact allowed."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from admissions.models import (
    Application,
    ApplicationEnrolment,
    Decision,
    OfferCondition,
    Review,
    ReviewAssignment,
    RubricCriterion,
)
from admissions.tests.builders import submitted
from admissions.tests.factories import IntakeFactory, pdf_bytes
from curriculum.models import Enrolment
from curriculum.tests.factories import CohortFactory
from e2e.steps import fill_date
from notifications.models import OutboundEmail

CONDITION = "Your degree is awarded with at least a 2:1"


@pytest.fixture
def no_violations(axe_check):
    """axe_check fails on serious problems; this journey allows none at all."""

    def check(page):
        violations = axe_check(page)
        assert violations == [], f"axe found problems on {page.url}: {violations}"

    return check


def _log_in(page, live_server, email, no_violations):
    page.goto(live_server.url + "/accounts/login/")
    no_violations(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out")).to_be_visible()


def _log_out(page):
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")).to_be_visible()


def _score(page, no_violations, *, values, recommendation, comment):
    expect(page.locator("h1")).to_have_text("Noor Haddad")
    no_violations(page)
    for criterion, value in values.items():
        page.get_by_role("group", name=f"{criterion}: score from 1 to 5").get_by_label(str(value), exact=True).check()
    page.get_by_label(recommendation, exact=True).check()
    page.get_by_label("Comment for the panel").fill(comment)
    page.get_by_role("button", name="Save and next").click()
    # The next application in the queue opens, with the confirmation on top.
    expect(page.get_by_role("status")).to_contain_text("Your review of Noor Haddad is saved.")
    expect(page.locator("h1")).to_have_text("Sam Lee")
    no_violations(page)


@pytest.fixture
def intake_with_applications(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # An earlier transactional test's flush empties what migrations created.
    ContentType.objects.clear_cache()
    for role in Role:
        Group.objects.get_or_create(name=str(role))
    intake = IntakeFactory(title="MSc Public Technology, full-time, 2027/28", capacity=20)
    intake.cohort = CohortFactory(
        programme=intake.programme, academic_year=intake.academic_year, name="MSc Public Technology 2027/28 full-time"
    )
    intake.save()
    for order, name in enumerate(["Coding ability", "Motivation for public-good technology"], start=1):
        RubricCriterion.objects.create(
            intake=intake,
            order=order,
            name=name,
            scale_max=5,
            weight=Decimal(3 - order),
            guidance=f"1: little evidence of {name.lower()}. 5: plenty.",
        )
    noor = UserFactory(email="noor@example.org", full_name="Noor Haddad", roles=[Role.APPLICANT])
    application = submitted(intake=intake, applicant=noor, legal_name="Noor Haddad")
    submitted(intake=intake)  # Sam Lee, the next in every queue
    return intake, application


def test_assign_review_decide_and_enrol(intake_with_applications, page, live_server, no_violations, tmp_path):
    intake, application = intake_with_applications
    admin = UserFactory(email="ada@example.org", full_name="Ada Okafor", roles=[Role.ADMISSIONS_ADMIN])
    kavita = UserFactory(email="kavita@example.org", full_name="Dr Kavita Shah", roles=[Role.REVIEWER])
    marcus = UserFactory(email="marcus@example.org", full_name="Marcus Bell", roles=[Role.REVIEWER])

    # The admin finds the intake's set-up from the applications list and runs the assignment.
    _log_in(page, live_server, admin.email, no_violations)
    page.get_by_role("navigation", name="Your work").get_by_role("link", name="Admissions").click()
    expect(page.locator("h1")).to_have_text("Applications")
    no_violations(page)
    page.get_by_label("Intake").select_option(label=intake.title)
    page.get_by_role("button", name="Show applications").click()
    expect(page.locator(".rv-count")).to_contain_text("2 applications")
    page.get_by_role("navigation", name="Admissions").get_by_role("link", name="Review set-up and assignment").click()
    expect(page.locator("h1")).to_have_text("Review set-up and assignment")
    expect(page.locator("main")).to_contain_text("2 applications to review, 0 assignments so far")
    no_violations(page)
    page.get_by_role("button", name="Run the automatic assignment").click()
    expect(page.get_by_role("status")).to_contain_text("Made 4 new assignments")
    expect(page.locator("main")).to_contain_text("2 applications to review, 4 assignments so far")
    no_violations(page)
    assert set(ReviewAssignment.objects.filter(application=application).values_list("reviewer", flat=True)) == {
        kavita.pk,
        marcus.pk,
    }
    assert OutboundEmail.objects.filter(purpose="admissions.review_digest").count() == 2
    _log_out(page)

    # Each reviewer scores Noor's application and moves on to the next.
    for reviewer, values, recommendation in (
        (kavita, {"Coding ability": 5, "Motivation for public-good technology": 4}, "Offer a place"),
        (marcus, {"Coding ability": 4, "Motivation for public-good technology": 4}, "Offer a place"),
    ):
        _log_in(page, live_server, reviewer.email, no_violations)
        page.get_by_role("navigation", name="Your work").get_by_role("link", name="My reviews").click()
        expect(page.locator("h1")).to_have_text("Applications to review")
        no_violations(page)
        page.get_by_role("link", name="Noor Haddad").click()
        _score(
            page,
            no_violations,
            values=values,
            recommendation=recommendation,
            comment=f"{reviewer.full_name}: careful, tested code.",
        )
        _log_out(page)
    assert Review.objects.filter(application=application).count() == 2
    application.review_summary.refresh_from_db()
    assert application.review_summary.review_count == 2

    # The admin stages a conditional offer from the application's page.
    _log_in(page, live_server, admin.email, no_violations)
    page.goto(f"{live_server.url}/admissions/?intake={intake.pk}&sort=-mean")
    no_violations(page)
    page.get_by_role("link", name="Noor Haddad").click()
    expect(page.locator("h1")).to_have_text("Noor Haddad")
    expect(page.locator("main")).to_contain_text("Dr Kavita Shah: careful, tested code.")
    no_violations(page)
    page.get_by_role("link", name="Stage a decision").click()
    expect(page.locator("h1")).to_have_text("Decision for Noor Haddad")
    no_violations(page)
    page.get_by_label("Offer", exact=True).check()
    page.get_by_label("Condition 1 of a conditional offer").fill(CONDITION)
    fill_date(page.get_by_role("group", name="Condition 1 due date"), datetime.date(2027, 8, 31))
    page.get_by_role("button", name="Stage this decision").click()
    expect(page.get_by_role("status")).to_contain_text("Decision staged")
    expect(page.locator("main")).to_contain_text("Not applied: the applicant sees nothing yet.")
    no_violations(page)

    # Apply it on the decisions page, then send its email.
    page.get_by_role("link", name="Apply this intake's staged decisions").click()
    expect(page.locator("h1")).to_have_text("Decisions and places")
    expect(page.get_by_role("row", name=re.compile("Noor Haddad"))).to_contain_text(CONDITION)
    no_violations(page)
    # Applying and sending each ask once, naming the consequence.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Apply 1 decision and stage its email").click()
    expect(page.get_by_role("status")).to_contain_text("Applied 1 decision.")
    mail = OutboundEmail.objects.get(purpose="admissions.decision.conditional_offer", to=["noor@example.org"])
    assert mail.state == "staged"
    no_violations(page)
    expect(page.get_by_role("table", name="Decision emails waiting to be sent")).to_contain_text("Noor Haddad")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send 1 decision email").click()
    expect(page.get_by_role("status")).to_contain_text("Sent 1 decision email.")
    no_violations(page)
    mail.refresh_from_db()
    assert mail.state != "staged" and mail.released_by == admin
    _log_out(page)

    # The applicant reads the offer, accepts it and uploads evidence for the condition.
    evidence = tmp_path / "Degree certificate.pdf"
    evidence.write_bytes(pdf_bytes())
    _log_in(page, live_server, "noor@example.org", no_violations)
    page.get_by_role("navigation", name="Your work").get_by_role("link", name="My applications").click()
    expect(page.locator("h1")).to_have_text("Your applications")
    expect(page.locator("main")).to_contain_text("Offer.")
    no_violations(page)
    page.get_by_role("link", name="Read your offer and answer it").click()
    expect(page.locator("h1")).to_have_text("Your conditional offer")
    expect(page.locator("main")).to_contain_text(CONDITION)
    no_violations(page)
    page.get_by_label("I accept the offer").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("status")).to_contain_text("You have accepted your offer.")
    no_violations(page)
    page.get_by_label("Upload evidence (PDF)").set_input_files(str(evidence))
    page.get_by_role("button", name=f"Upload evidence for {CONDITION}").click()
    expect(page.get_by_role("status")).to_contain_text(f"Evidence uploaded for “{CONDITION}”")
    expect(page.locator("main")).to_contain_text("Degree certificate.pdf")
    no_violations(page)
    application.refresh_from_db()
    assert application.state == Application.State.DECIDED  # accepted, but the condition is outstanding
    _log_out(page)

    # The admin sees the evidence and marks the condition met: Noor becomes a student.
    _log_in(page, live_server, admin.email, no_violations)
    page.goto(f"{live_server.url}/admissions/application/{application.pk}/")
    row = page.get_by_role("table", name="Conditions").get_by_role("row", name=re.compile(CONDITION))
    expect(row).to_contain_text("Degree certificate.pdf")
    no_violations(page)
    row.get_by_label(f"Status of “{CONDITION}”").select_option(label="Met")
    row.get_by_role("button", name=f"Save status of “{CONDITION}”").click()
    expect(page.get_by_role("status")).to_contain_text("The applicant is now enrolled as a student.")
    expect(page.locator(".rv-decision")).to_contain_text(f"Student Enrolled in {intake.cohort.name}")
    no_violations(page)
    _log_out(page)

    condition = OfferCondition.objects.get(offer__application=application)
    assert (condition.status, condition.decided_by) == ("met", admin)
    application.refresh_from_db()
    assert application.state == Application.State.ENROLLED
    enrolment = Enrolment.objects.get(student__email="noor@example.org")
    assert enrolment.cohort == intake.cohort
    assert ApplicationEnrolment.objects.get(application=application).enrolment == enrolment
    assert set(application.applicant.groups.values_list("name", flat=True)) == {Role.APPLICANT, Role.STUDENT}
    assert Decision.objects.get(application=application).outcome == Decision.Outcome.OFFER

    # The applicant's own page now says so.
    _log_in(page, live_server, "noor@example.org", no_violations)
    page.goto(live_server.url + "/apply/status/")
    expect(page.locator("main")).to_contain_text(f"You are a student of {intake.cohort.name}")
    no_violations(page)
