import io

import pytest
from django.apps import apps

from lecturers.models import GuestLecturer, Invitation


def seed():
    # Only the apps lecturers build on (and notifications, whose purposes the mail needs).
    for label in ("accounts", "notifications", "curriculum", "timetable", "lecturers"):
        apps.get_app_config(label).seed_demo(password="demo-password-123", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_has_a_dozen_lecturers_every_state_and_is_idempotent():
    seed()
    counts = (GuestLecturer.objects.count(), Invitation.objects.count(),
              Invitation.objects.exclude(session=None).count())
    seed()
    assert (GuestLecturer.objects.count(), Invitation.objects.count(),
            Invitation.objects.exclude(session=None).count()) == counts
    assert counts[0] == 12
    assert set(Invitation.objects.values_list("state", flat=True)) == set(Invitation.State.values)
    assert GuestLecturer.objects.values("disciplines").distinct().count() >= 7
    assert Invitation.objects.scheduled().filter(session__status="scheduled").count() >= 5


@pytest.mark.django_db
def test_every_demo_lecturer_has_a_portrait_the_same_every_time():
    from PIL import Image

    from lecturers.demo import demo_photo

    seed()
    lecturers = list(GuestLecturer.objects.all())
    assert len(lecturers) == 12
    names = {lecturer.pk: lecturer.photo.name for lecturer in lecturers}
    assert all(names.values())
    seed()
    assert {lecturer.pk: lecturer.photo.name for lecturer in GuestLecturer.objects.all()} == names
    first = lecturers[0]
    with first.photo.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert (stored.format, stored.size) == ("JPEG", (480, 480))
    assert demo_photo(first).read() == demo_photo(first).read()
