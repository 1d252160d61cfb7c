"""The SMTP server down, then answering 451 to some mail and 550 to other: pages stay
up and show the failures to staff; 451s are retried with backoff and delivered
once; 550s fail at once with the server's answer kept."""

from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from notifications.models import OutboundEmail
from notifications.services import queue_email
from notifications.tests.factories import TEST_ACK

from .services import CuedRecorder, Worker, free_port, smtp_server, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.broker, pytest.mark.postgres]
State = OutboundEmail.State
FLAKY, BOUNCING = 10, 5


@pytest.fixture
def through_smtp(settings):
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def _queue(address):
    return queue_email(purpose=TEST_ACK, to=[address], context={"name": "Sam", "programme": "MPT"},
                       idempotency_key=f"chaos-smtp-{address}")


def test_smtp_down_then_451_and_550_retries_the_temporary_fails_the_permanent_and_staff_see_it(
    through_smtp, transactional_db, client, tmp_path
):
    for role in Role:
        Group.objects.get_or_create(name=str(role))
    port = free_port()  # nothing listens yet: every connection is refused
    worker = Worker(smtp_port=port, log_path=tmp_path / "worker.log").wait_ready(timeout=120)
    smtp = None
    try:
        with transaction.atomic():
            flaky = [_queue(f"flaky{n}@example.org") for n in range(FLAKY)]
            bouncing = [_queue(f"bounce{n}@example.org") for n in range(BOUNCING)]
        everyone = flaky + bouncing
        wait_for(lambda: OutboundEmail.objects.filter(pk__in=[m.pk for m in everyone], attempts__gte=1,
                                                      state=State.QUEUED).count() == len(everyone),
                 timeout=60, what="a refused first attempt for every mail")
        client.force_login(UserFactory(roles=[Role.STAFF]))
        outbox = client.get(reverse("notifications:outbox"), {"state": State.QUEUED})
        assert outbox.status_code == 200
        detail = client.get(reverse("notifications:outbox-detail", args=[flaky[0].pk])).content.decode()
        assert "ConnectionRefusedError" in detail

        recorder = CuedRecorder()
        smtp = smtp_server(recorder)
        smtp.port = port
        smtp.start()
        wait_for(lambda: OutboundEmail.objects.filter(pk__in=[m.pk for m in flaky], state=State.SENT).count() == FLAKY
                 and OutboundEmail.objects.filter(pk__in=[m.pk for m in bouncing], state=State.FAILED).count()
                 == BOUNCING, timeout=90, interval=0.2, what="the 451s delivered and the 550s failed")
    finally:
        worker.stop()
        if smtp is not None:
            smtp.stop()

    assert recorder.answers == Counter({"451": FLAKY, "550": BOUNCING})
    assert Counter(recorder.message_ids()) == Counter(m.message_id for m in flaky)
    for mail in flaky:
        mail.refresh_from_db()
        # refused (once or more, while the server was down), 451, then delivered
        assert (mail.state, mail.last_error) == (State.SENT, "")
        assert mail.attempts >= 3
    for n, mail in enumerate(bouncing):
        mail.refresh_from_db()
        assert mail.state == State.FAILED
        assert mail.attempts >= 2  # refused, then one 550 (answers above): failed at once
        assert mail.last_error == f"bounce{n}@example.org: 550 5.1.1 <bounce{n}@example.org>: no such mailbox"
    page = client.get(reverse("notifications:outbox-detail", args=[bouncing[0].pk])).content.decode()
    assert "550 5.1.1 &lt;bounce0@example.org&gt;: no such mailbox" in page
    failed = client.get(reverse("notifications:outbox"), {"state": State.FAILED}).content.decode()
    assert failed.count("bounce") >= BOUNCING
