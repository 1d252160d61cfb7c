from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from notifications.models import OutboundEmail
from notifications.staff_cards import outbox_card
from notifications.tests.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db
State = OutboundEmail.State


def test_staff_see_mail_to_release_failed_and_stuck():
    long_ago = timezone.now() - timedelta(minutes=25)
    OutboundEmailFactory.create_batch(2, staged=True)
    OutboundEmailFactory(failed=True)
    OutboundEmailFactory(queued_at=long_ago, created_at=long_ago)  # queued 25 minutes ago
    OutboundEmailFactory()  # queued just now: not stuck

    card = outbox_card(UserFactory(roles=[Role.STAFF]))

    assert [(line.count, line.label, line.url) for line in card.lines] == [
        (2, "mails waiting for you to release them", "/staff/outbox/?state=staged"),
        (1, "mail that failed: look and retry", "/staff/outbox/?state=failed"),
        (1, "mail queued for over ten minutes", "/staff/outbox/?state=queued"),
    ]


def test_only_outbox_staff_get_the_card():
    assert outbox_card(UserFactory(roles=[Role.ADMISSIONS_ADMIN])) is None
