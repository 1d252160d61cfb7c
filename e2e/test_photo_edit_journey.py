"""Staff edit a guest lecturer who has a photo: the page shows it, a new file replaces it, and
"Remove the current photo" takes it away."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from e2e.steps import log_in
from lecturers import services
from lecturers.tests.factories import GuestLecturerFactory, cleaned_photo, jpeg_bytes


@pytest.fixture
def lecturer(transactional_db, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # A live-server test empties every table afterwards, the roles' groups too: make them again.
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)
    staff = UserFactory(email="jo@example.org", full_name="Jo Bell", roles=[Role.STAFF])
    lecturer = GuestLecturerFactory(full_name="Dr Amara Osei", email="amara@example.net")
    services.lecturer_update(lecturer=lecturer, by=staff, photo=cleaned_photo())
    return lecturer


def photo_loaded(page, name):
    image = page.get_by_role("img", name=name)
    expect(image).to_be_visible()
    # Visible comes before loaded: wait for the image itself, up to the usual timeout.
    try:
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle(),
                               timeout=5000)
    except PlaywrightTimeoutError:
        return False
    return True


def test_staff_keep_replace_and_remove_a_lecturers_photo(page, live_server, axe_check, lecturer, tmp_path):
    log_in(page, live_server, "jo@example.org")
    page.goto(f"{live_server.url}/staff/lecturers/people/{lecturer.pk}/edit/")
    expect(page.locator("h1")).to_have_text("Edit Dr Amara Osei")
    assert photo_loaded(page, "Current photo of Dr Amara Osei")
    axe_check(page)

    new_photo = tmp_path / "new.png"
    new_photo.write_bytes(jpeg_bytes(size=(300, 300), fmt="PNG"))
    page.locator("input[name=photo]").set_input_files(str(new_photo))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("The profile is saved.")
    assert photo_loaded(page, "Photo of Dr Amara Osei")
    axe_check(page)

    page.goto(f"{live_server.url}/staff/lecturers/people/{lecturer.pk}/edit/")
    page.get_by_label("Remove the current photo").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("The profile is saved.")
    expect(page.get_by_role("img", name="Photo of Dr Amara Osei")).to_have_count(0)
    axe_check(page)
    page.goto(f"{live_server.url}/staff/lecturers/people/{lecturer.pk}/edit/")
    expect(page.get_by_role("img", name="Current photo of Dr Amara Osei")).to_have_count(0)
    axe_check(page)
