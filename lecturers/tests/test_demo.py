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
