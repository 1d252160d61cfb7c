"""An admissions admin invites a colleague as staff from the people page; the colleague
opens the link in the invitation email, chooses a password and lands in the staff area
with the role. axe checks every page; the people list and the welcome are seen at 360 px."""

import os

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import TEST_PASSWORD, UserFactory
from e2e.steps import log_in

SCREENSHOTS = os.environ.get("MPT_SCREENSHOTS_DIR")


@pytest.fixture
def admin(transactional_db):
    UserFactory(email="ada@example.org", full_name="Ada Okafor", roles=[Role.STAFF])
    return UserFactory(email="admissions@example.org", full_name="Priya Raman", roles=[Role.ADMISSIONS_ADMIN])


def _shot(page, tmp_path, name):
    folder = SCREENSHOTS or str(tmp_path)
    page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_an_admissions_admin_invites_a_colleague_who_joins_as_staff(page, live_server, axe_check, admin, tmp_path):
    log_in(page, live_server, admin.email)
    axe_check(page)

    # From the staff home's card to the people page.
    people = page.get_by_role("region", name="People and roles")
    people.get_by_role("link", name="See everyone and their roles").click()
    expect(page.locator("h1")).to_have_text("People and roles")
    expect(page.locator("table").first).to_contain_text("Ada Okafor")
    axe_check(page)

    # A person's page: their roles, the form to change them, their history.
    page.get_by_role("link", name="Ada Okafor").click()
    expect(page.locator("h1")).to_have_text("Ada Okafor")
    expect(page.get_by_label("Staff", exact=True)).to_be_checked()
    axe_check(page)
    page.set_viewport_size({"width": 360, "height": 800})
    _shot(page, tmp_path, "person-360.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Invite a colleague").first.click()
    expect(page.locator("h1")).to_have_text("Invite a colleague")
    axe_check(page)

    # A mistyped address is named beside the field and in the summary; nothing is sent.
    page.get_by_label("Full name").fill("Noor Haddad")
    page.get_by_label("Email address").fill("noor.example.org")
    page.get_by_label("Staff", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page).to_have_title("Error: Invite a colleague · MPT")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Enter the email address in the correct format")
    expect(page.locator("#id_email-error")).to_contain_text("Enter the email address in the correct format")
    assert mail.outbox == []
    axe_check(page)

    page.get_by_label("Email address").fill("noor@example.org")
    expect(page.get_by_label("Staff", exact=True)).to_be_checked()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("We have sent an invitation to noor@example.org")
    expect(page.locator("#invitations + .table-responsive")).to_contain_text("Noor Haddad")
    axe_check(page)
    page.set_viewport_size({"width": 360, "height": 800})
    _shot(page, tmp_path, "people-list-360.png")
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # The colleague, on their own browser, opens the link from the email.
    [invitation] = mail.outbox
    assert invitation.to == ["noor@example.org"]
    page.context.clear_cookies()
    page.goto(invitation.context["invite_url"])
    expect(page.locator("h1")).to_have_text("Join Masters in Public Technology")
    expect(page.locator(".lead")).to_contain_text("Priya Raman invited noor@example.org, with the roles Staff.")
    axe_check(page)

    page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
    page.get_by_label("Confirm password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Create my account").click()

    expect(page.locator("h1")).to_have_text("What needs you")
    expect(page.get_by_role("status")).to_contain_text("Welcome, Noor. Your account is ready, with the roles Staff.")
    expect(page.get_by_role("link", name="Modules (staff)").first).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 360, "height": 800})
    _shot(page, tmp_path, "joined-360.png")
    axe_check(page)

    noor = User.objects.get(email="noor@example.org")
    assert noor.is_active and noor.role_names() == {"staff"}
