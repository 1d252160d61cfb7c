from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import UserFactory
from notifications.models import OutboundEmail, SentReminder
from notifications.registry import ReminderMessage, register_reminder_source, unregister_reminder_source
from notifications.reminder_engine import reminders_run
from notifications.tests.factories import TEST_ACK

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def due_users():
    """A reminder source over users, 'due' at their date_joined plus two days."""
    due = {}

    def due_between(start, end):
        return [(user, when) for user, when in due.values() if start <= when <= end]

    def message(user, offset):
        if user.full_name == "Answered":
            return None
        return ReminderMessage(to=[user], context={"name": user.full_name, "programme": "MPT"})

    register_reminder_source(
        "tests.users",
        label="Test users",
        purpose=TEST_ACK,
        offsets=(timedelta(days=1), timedelta(hours=1)),
        due_between=due_between,
        message=message,
    )
    yield due
    unregister_reminder_source("tests.users")


def _add(due, when, **kwargs):
    user = UserFactory(**kwargs)
    due[user.pk] = (user, when)
    return user


def test_each_offset_fires_once_when_its_moment_has_come(due_users):
    now = timezone.now()
    soon = _add(due_users, now + timedelta(minutes=30))  # both offsets passed
    later = _add(due_users, now + timedelta(hours=20))  # only "a day before" passed
    _add(due_users, now + timedelta(days=3))  # nothing yet
    assert reminders_run(now=now) == 3
    keys = sorted(SentReminder.objects.values_list("object_key", "offset_seconds"))
    assert keys == sorted(
        [(f"accounts.user:{soon.pk}", 86400), (f"accounts.user:{soon.pk}", 3600), (f"accounts.user:{later.pk}", 86400)]
    )
    assert OutboundEmail.objects.filter(purpose=TEST_ACK).count() == 3


def test_running_twice_queues_each_reminder_once(due_users):
    now = timezone.now()
    _add(due_users, now + timedelta(minutes=30))
    assert reminders_run(now=now) == 2
    assert reminders_run(now=now + timedelta(minutes=5)) == 0
    assert OutboundEmail.objects.count() == 2


def test_no_reminder_when_the_source_says_none_is_needed(due_users):
    _add(due_users, timezone.now() + timedelta(minutes=30), full_name="Answered")
    assert reminders_run() == 0
    assert SentReminder.objects.count() == 0


def test_a_moment_long_past_is_skipped_not_sent_late(due_users):
    _add(due_users, timezone.now() - timedelta(days=3))
    assert reminders_run() == 0
