"""The five guarantees on the real thing: a Celery worker process on the real Redis,
a real SMTP server in this process, committed rows in PostgreSQL."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from mpt.celery import app as celery_app
from notifications.delivery import outbox_sweep
from notifications.models import OutboundEmail, SentReminder
from notifications.registry import ReminderMessage, register_reminder_source, unregister_reminder_source
from notifications.reminder_engine import reminders_run
from notifications.services import queue_email
from notifications.tests.factories import TEST_ACK
from notifications.tests.smtp import SMTPServer, Worker, wait_for

pytestmark = [pytest.mark.broker, pytest.mark.postgres]
State = OutboundEmail.State


@pytest.fixture
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


@pytest.fixture
def through_smtp(settings, smtp):
    """This process hands mail to the broker (not locmem) and would send to `smtp`."""
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


@pytest.fixture
def start_worker(transactional_db, smtp, tmp_path):
    workers = []

    def start(**extra_env):
        worker = Worker(smtp_port=smtp.port, log_path=tmp_path / "worker.log", extra_env=extra_env)
        workers.append(worker)
        return worker.wait_ready()

    yield start
    for worker in workers:
        worker.stop()
    # Shown by pytest only when the test failed.
    print((tmp_path / "worker.log").read_text(errors="replace")[-6000:])


def _queue(key, to="sam@example.org"):
    return queue_email(purpose=TEST_ACK, to=[to], context={"name": "Sam", "programme": "MPT"}, idempotency_key=key)


def _state(email):
    email.refresh_from_db()
    return email.state


def test_refused_connections_then_the_mail_arrives_later_exactly_once(through_smtp, smtp, start_worker):
    start_worker()  # nothing listens on smtp.port yet: every attempt is refused
    email = _queue("refused-then-ok")
    wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).attempts >= 2, what="two refused attempts")
    email.refresh_from_db()
    assert email.state in (State.QUEUED, State.SENDING)
    assert "ConnectionRefusedError" in email.last_error
    smtp.start()
    wait_for(lambda: _state(email) == State.SENT, what="delivery after the server came up")
    assert smtp.recorder.message_ids() == [email.message_id]
    assert email.attempts >= 3
    assert email.last_error == ""


def test_550_fails_with_the_answer_shown_and_a_retry_after_fixing_delivers(
    through_smtp, smtp, start_worker, client, roles
):
    smtp.start()
    start_worker()
    email = _queue("bounce", to="nosuch@example.org")
    wait_for(lambda: _state(email) == State.FAILED, what="permanent failure")
    assert email.attempts == 1
    assert email.last_error == "nosuch@example.org: 550 5.1.1 <nosuch@example.org>: no such user here"
    client.force_login(UserFactory(roles=[Role.STAFF]))
    page = client.get(reverse("notifications:outbox-detail", args=[email.pk])).content.decode()
    assert "550 5.1.1 &lt;nosuch@example.org&gt;: no such user here" in page
    client.post(
        reverse("notifications:outbox-edit", args=[email.pk]),
        {"to": "sam@example.org", "subject": email.subject, "body_text": email.body_text},
    )
    client.post(reverse("notifications:outbox-retry", args=[email.pk]))
    wait_for(lambda: _state(email) == State.SENT, what="delivery after the retry")
    assert smtp.recorder.received == [
        {"to": ["sam@example.org"], "message_id": email.message_id, "subject": email.subject}
    ]


@pytest.fixture
def broker(monkeypatch):
    """broker(False) points this process's Celery app at a port nothing listens on; broker(True) undoes it."""
    good = celery_app.conf.broker_url

    def point_at(url):
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        celery_app.conf.broker_url = url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield lambda up: point_at(good if up else "redis://127.0.0.1:1/0")
    point_at(good)


def test_broker_down_the_request_succeeds_and_the_sweeper_delivers_later(
    through_smtp, smtp, start_worker, client, roles, broker, settings
):
    smtp.start()
    start_worker()
    broker(False)
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Sam Lee",
            "email": "sam@example.org",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302
    email = OutboundEmail.objects.get(purpose="account_verification")
    assert (email.state, email.dispatched_at) == (State.QUEUED, None)
    broker(True)
    settings.MPT_OUTBOX_DISPATCH_GRACE = 0
    assert outbox_sweep() == {"requeued": 0, "due": 1, "dispatched": 1}
    wait_for(lambda: _state(email) == State.SENT, what="delivery after the broker came back")
    assert smtp.recorder.message_ids() == [email.message_id]


def test_worker_killed_while_sending_is_requeued_and_resent_with_the_same_message_id(
    through_smtp, smtp, start_worker, settings
):
    smtp.recorder.stall_seconds = 30
    smtp.start()
    first = start_worker()
    email = _queue("killed-mid-send")
    wait_for(lambda: smtp.recorder.received, what="the server to have the mail")
    assert _state(email) == State.SENDING
    first.kill()
    smtp.recorder.stall_seconds = 0
    start_worker()
    settings.MPT_OUTBOX_STUCK_AFTER = 0
    assert outbox_sweep(now=timezone.now() + timedelta(seconds=1))["requeued"] == 1
    wait_for(lambda: _state(email) == State.SENT, what="the resend")
    assert smtp.recorder.message_ids() == [email.message_id, email.message_id]
    assert email.attempts == 2


@pytest.fixture
def overlapping_source(transactional_db):
    """A source whose runs wait for each other inside the loop, so two runs truly overlap."""
    users = UserFactory.create_batch(3)
    due = timezone.now() + timedelta(minutes=30)
    barrier = threading.Barrier(2, timeout=10)

    def due_between(start, end):
        if threading.current_thread() is not threading.main_thread():
            barrier.wait()
        return [(user, due) for user in users if start <= due <= end]

    register_reminder_source(
        "tests.overlap",
        label="Overlap",
        purpose=TEST_ACK,
        offsets=(timedelta(hours=1),),
        due_between=due_between,
        message=lambda user, offset: ReminderMessage(to=[user], context={"name": "x", "programme": "MPT"}),
    )
    yield users
    unregister_reminder_source("tests.overlap")


def test_reminder_job_run_twice_or_twice_at_once_queues_each_once(overlapping_source):
    results, errors = [], []

    def run():
        try:
            results.append(reminders_run())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sum(results) == 3
    assert reminders_run() == 0  # and a third, later run adds nothing
    assert SentReminder.objects.count() == 3
    assert OutboundEmail.objects.filter(idempotency_key__startswith="reminder:tests.overlap:").count() == 3


def test_queuing_costs_the_request_one_insert_and_one_publish(through_smtp, transactional_db, monkeypatch):
    """What the event's request pays for a mail once the template is cached: one
    INSERT (the account looked up inside it, no savepoint), then one publish to
    the real broker after commit. Wall-clock cost is measured by bench/outbox.py;
    a timing assertion here would fail whenever the CI box is busy."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from notifications.tasks import deliver_email

    published = []
    real_apply_async = deliver_email.apply_async
    monkeypatch.setattr(
        deliver_email, "apply_async", lambda *a, **kw: published.append(a) or real_apply_async(*a, **kw)
    )
    with transaction.atomic():
        _queue("warm-the-template-cache")
    published.clear()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        email = _queue("cost")
    statements = [q["sql"].split()[0] for q in queries.captured_queries]
    assert [s for s in statements if s != "BEGIN"] == ["INSERT", "COMMIT"]
    assert published == [((email.pk,),)]
