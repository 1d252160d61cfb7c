"""The staff edit page of a lecturer with a photo: it shows the photo, and keeps, replaces or removes it."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from lecturers import services

from .factories import GuestLecturerFactory, cleaned_photo, jpeg_bytes, staff_user, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(staff_user())
    return client


@pytest.fixture
def lecturer():
    lecturer = GuestLecturerFactory(full_name="Dr Amara Osei", email="amara@example.net")
    services.lecturer_update(lecturer=lecturer, by=staff_user(), photo=cleaned_photo())
    lecturer.refresh_from_db()
    return lecturer


def form_data(lecturer, **changes):
    return {"full_name": lecturer.full_name, "organisation": lecturer.organisation, "role": lecturer.role,
            "topics": "", "bio": lecturer.bio, "links": "", "email": lecturer.email, "phone": "",
            "access_needs": "", "staff_notes": "", "public_profile_consent": "on", **changes}


def edit_url(lecturer):
    return reverse("lecturers:person-edit", args=[lecturer.pk])


def test_the_edit_page_of_a_lecturer_with_a_photo_shows_it_through_the_staff_view(staff_client, lecturer):
    response = staff_client.get(edit_url(lecturer))
    assert response.status_code == 200
    page = response.content.decode()
    photo_url = reverse("lecturers:person-photo", args=[lecturer.pk])
    assert (f'<img class="lect-photo" src="{photo_url}" alt="Current photo of Dr Amara Osei"'
            in page)
    assert 'type="file" name="photo"' in page
    assert 'name="remove_photo"' in page
    assert staff_client.get(photo_url)["Content-Type"] == "image/jpeg"


def test_the_edit_page_of_a_lecturer_without_a_photo_offers_only_the_upload(staff_client):
    lecturer = GuestLecturerFactory()
    page = staff_client.get(edit_url(lecturer)).content.decode()
    assert 'type="file" name="photo"' in page
    assert "Current photo of" not in page
    assert 'name="remove_photo"' not in page


def test_saving_without_a_new_file_keeps_the_photo(staff_client, lecturer):
    before = lecturer.photo.name
    response = staff_client.post(edit_url(lecturer), form_data(lecturer, role="Chief Data Officer"))
    assert response.status_code == 302
    lecturer.refresh_from_db()
    assert lecturer.role == "Chief Data Officer"
    assert lecturer.photo.name == before


def test_a_new_file_replaces_the_photo_and_the_old_file_is_gone(staff_client, lecturer):
    before = lecturer.photo.name
    storage = lecturer.photo.storage
    response = staff_client.post(edit_url(lecturer), form_data(lecturer, photo=upload(jpeg_bytes(size=(300, 200)))))
    assert response.status_code == 302
    lecturer.refresh_from_db()
    assert lecturer.photo.name != before
    assert not storage.exists(before)
    with lecturer.photo.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.size == (300, 200)
        assert not stored.getexif()


def test_remove_deletes_the_photo(staff_client, lecturer):
    before = lecturer.photo.name
    storage = lecturer.photo.storage
    response = staff_client.post(edit_url(lecturer), form_data(lecturer, remove_photo="on"))
    assert response.status_code == 302
    lecturer.refresh_from_db()
    assert not lecturer.photo
    assert not storage.exists(before)
    assert "Current photo of" not in staff_client.get(edit_url(lecturer)).content.decode()


def test_a_refused_replacement_keeps_the_photo_and_shows_it(staff_client, lecturer):
    before = lecturer.photo.name
    response = staff_client.post(edit_url(lecturer), form_data(lecturer, photo=upload(b"not an image")))
    assert response.status_code == 200
    page = response.content.decode()
    assert "is not a photo we can read" in page
    assert "Current photo of Dr Amara Osei" in page
    lecturer.refresh_from_db()
    assert lecturer.photo.name == before
