import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.delivery import claim, classify, email_deliver, outbox_sweep, retry_delay
from notifications.models import OutboundEmail
from notifications.tests.factories import OutboundEmailFactory
from notifications.tests.smtp import SMTPServer

pytestmark = pytest.mark.django_db
State = OutboundEmail.State


@pytest.mark.parametrize(
    ("error", "permanent", "answer"),
    [
        (smtplib.SMTPRecipientsRefused({"a@x": (550, b"5.1.1 no such user")}), True, "a@x: 550 5.1.1 no such user"),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"4.2.0 mailbox busy")}), False, "a@x: 450 4.2.0 mailbox busy"),
        (smtplib.SMTPDataError(554, b"5.7.1 rejected as spam"), True, "554 5.7.1 rejected as spam"),
        (smtplib.SMTPDataError(421, b"4.7.0 try again later"), False, "421 4.7.0 try again later"),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False, "535 bad credentials"),
        (
            ConnectionRefusedError(111, "Connection refused"),
            False,
            "ConnectionRefusedError: [Errno 111] Connection refused",
        ),
        (TimeoutError("timed out"), False, "TimeoutError: timed out"),
    ],
)
def test_errors_are_classified_by_the_server_answer(error, permanent, answer):
    assert classify(error) == (permanent, answer)


def test_retry_delays_double_up_to_the_cap(settings):
    settings.MPT_OUTBOX_RETRY_BASE_SECONDS, settings.MPT_OUTBOX_RETRY_MAX_SECONDS = 30, 200
    assert [retry_delay(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_only_one_claim_wins():
    email = OutboundEmailFactory()
    now = timezone.now()
    assert claim(email.pk, now).state == State.SENDING
    assert claim(email.pk, now) is None
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENDING, 1)


def test_mail_not_yet_due_is_not_claimed():
    email = OutboundEmailFactory(send_after=timezone.now() + timedelta(minutes=5))
    assert claim(email.pk, timezone.now()) is None


def test_staged_mail_is_never_delivered():
    email = OutboundEmailFactory(staged=True)
    assert email_deliver(email_id=email.pk).state == "skipped"
    assert mail.outbox == []


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def test_delivery_over_smtp_carries_the_stable_message_id(smtp):
    smtp.start()
    email = OutboundEmailFactory(to=["jo@example.org"], body_html="<p>Hi</p>")
    assert email_deliver(email_id=email.pk).state == "sent"
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == (State.SENT, 1, "")
    assert smtp.recorder.received == [
        {"to": ["jo@example.org"], "message_id": email.message_id, "subject": email.subject}
    ]


def test_550_fails_at_once_with_the_answer_kept(smtp):
    smtp.start()
    email = OutboundEmailFactory(to=["nosuch@example.org"])
    outcome = email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (outcome.state, email.state, email.attempts) == ("failed", State.FAILED, 1)
    assert email.last_error == "nosuch@example.org: 550 5.1.1 <nosuch@example.org>: no such user here"
    assert email.failed_at is not None


def test_refused_connection_is_retried_later(smtp, settings):
    settings.MPT_OUTBOX_RETRY_BASE_SECONDS = 30
    email = OutboundEmailFactory()  # nothing listens on smtp.port
    before = timezone.now()
    outcome = email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert (outcome.state, outcome.retry_in, email.state, email.attempts) == ("retry", 30, State.QUEUED, 1)
    assert "ConnectionRefusedError" in email.last_error
    assert before + timedelta(seconds=29) < email.send_after < timezone.now() + timedelta(seconds=31)


def test_temporary_failures_give_up_after_the_last_attempt(smtp, settings):
    settings.MPT_OUTBOX_MAX_ATTEMPTS = 3
    email = OutboundEmailFactory(attempts=2)
    assert email_deliver(email_id=email.pk).state == "failed"
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.FAILED, 3)


def test_sweeper_requeues_stuck_mail_and_sends_due_undispatched_mail(settings):
    settings.MPT_OUTBOX_STUCK_AFTER = 600
    settings.MPT_OUTBOX_DISPATCH_GRACE = 30
    now = timezone.now()
    stuck = OutboundEmailFactory(state=State.SENDING, claimed_at=now - timedelta(minutes=11), attempts=1)
    busy = OutboundEmailFactory(state=State.SENDING, claimed_at=now - timedelta(minutes=1), attempts=1)
    never = OutboundEmailFactory(dispatched_at=None, queued_at=now - timedelta(minutes=2))
    fresh = OutboundEmailFactory(dispatched_at=None, queued_at=now)  # its on-commit dispatch is on the way
    scheduled = OutboundEmailFactory(dispatched_at=None, send_after=now - timedelta(seconds=1), queued_at=now)
    later = OutboundEmailFactory(dispatched_at=None, send_after=now + timedelta(hours=1))
    result = outbox_sweep(now=now)
    assert result == {"requeued": 1, "due": 3, "dispatched": 3}
    states = {e.pk: e.state for e in OutboundEmail.objects.all()}
    assert states == {
        stuck.pk: State.SENT,
        busy.pk: State.SENDING,
        never.pk: State.SENT,
        fresh.pk: State.QUEUED,
        scheduled.pk: State.SENT,
        later.pk: State.QUEUED,
    }
    stuck.refresh_from_db()
    assert stuck.attempts == 2
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        [stuck.message_id, never.message_id, scheduled.message_id]
    )


def test_a_dead_workers_mail_is_requeued_60_seconds_after_its_claim_by_default(settings):
    assert settings.MPT_OUTBOX_STUCK_AFTER == 60
    assert settings.CELERY_BEAT_SCHEDULE["outbox-sweep"]["schedule"] == 30
    now = timezone.now()
    dead = OutboundEmailFactory(state=State.SENDING, claimed_at=now - timedelta(seconds=61), attempts=1)
    recent = OutboundEmailFactory(state=State.SENDING, claimed_at=now - timedelta(seconds=59), attempts=1)
    assert outbox_sweep(now=now)["requeued"] == 1
    dead.refresh_from_db()
    recent.refresh_from_db()
    assert (dead.state, dead.attempts) == (State.SENT, 2)
    assert dead.last_error == ""
    assert recent.state == State.SENDING
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [dead.message_id]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_live_workers_mail_is_never_taken_back_however_long_its_server_takes():
    """The worker's row lock, not the clock, decides: here another connection holds
    the lock, as a worker waiting on a slow SMTP server does, long past the threshold."""
    import threading

    from django.db import connections, transaction

    email = OutboundEmailFactory(state=State.SENDING, claimed_at=timezone.now() - timedelta(hours=1), attempts=1)
    locked, release = threading.Event(), threading.Event()

    def slow_worker():
        try:
            with transaction.atomic():
                list(OutboundEmail.objects.select_for_update().filter(pk=email.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=slow_worker)
    worker.start()
    try:
        assert locked.wait(timeout=10)
        assert outbox_sweep()["requeued"] == 0
        email.refresh_from_db()
        assert (email.state, email.attempts) == (State.SENDING, 1)
    finally:
        release.set()
        worker.join(timeout=30)
    # The worker gone (its connection closed, its lock with it), the sweeper takes the mail back.
    assert outbox_sweep()["requeued"] == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (State.SENT, 2)
