"""Redis (cache and broker) killed between two requests of a walk over every page,
and during an application submit: every page answers as it does with Redis up,
the submit is kept and its mail queued in the database, and once Redis is back
the worker's beat sweeps the mail out, each exactly once."""

import time
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse

from accounts.roles import Role
from admissions.models import Application
from admissions.tests.factories import PrivacyNoticeFactory, complete_application
from conftest import ROLE_NAMES
from mpt.celery import app as celery_app
from mpt.tests.test_url_permissions import CASES
from notifications.models import OutboundEmail

from .services import RedisServer, SMTPServer, Worker, wait_for

pytestmark = [pytest.mark.chaos, pytest.mark.broker, pytest.mark.postgres]
State = OutboundEmail.State
WALKERS = ["anonymous", str(Role.APPLICANT), str(Role.STAFF)]
# A request may not be stalled by a dead broker for longer than this (publishing gives up fast).
SUBMIT_BOUND_SECONDS = 3.0
# Redis back → every mail sent: one sweep (1 s here) plus a worker's start on a busy machine.
RECOVERY_BOUND_SECONDS = 60.0


@pytest.fixture
def chaos_redis(tmp_path, settings, monkeypatch):
    """This process's cache and broker on a redis-server of the test's own."""
    server = RedisServer(tmp_path).start()
    url = server.url()
    good = celery_app.conf.broker_url
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "mpt-chaos",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, "retry_after": 1.0},
        }
    }
    settings.CELERY_BROKER_URL = url

    def point_celery_at(broker_url):
        # Celery reads the variable before its own setting.
        monkeypatch.setenv("CELERY_BROKER_URL", broker_url)
        celery_app.conf.broker_url = broker_url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    point_celery_at(url)
    yield server
    point_celery_at(good)
    server.kill()


@pytest.fixture
def through_smtp(settings):
    """This process hands mail to the broker (not locmem), as production does."""
    settings.EMAIL_BACKEND = "notifications.backends.OutboxBackend"
    settings.MPT_DELIVERY_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def walk(client, users, cases, *, kill_after=None, kill=None):
    """Request each GET case as each walker; kill(), if given, after `kill_after` requests.

    Each case's objects are made and rolled back around its requests, as if it
    were its own test: some cases' factories would clash with another's."""
    got, expected, done = {}, {}, 0
    for case in cases:
        with transaction.atomic():
            url = reverse(case.name, kwargs=case.resolve_kwargs(users))
            with case.around_requests():
                for role in WALKERS:
                    if kill is not None and done == kill_after:
                        kill()
                    client.logout()
                    if users[role] is not None:
                        client.force_login(users[role])
                    got[(case.name, role)] = client.get(url).status_code
                    expected[(case.name, role)] = case.status_for(role)
                    done += 1
            transaction.set_rollback(True)
    return got, expected


def test_redis_killed_mid_walk_and_mid_submit_pages_answer_and_the_mail_goes_once_it_is_back(
    chaos_redis, through_smtp, transactional_db, client, make_user, tmp_path, settings
):
    for role in Role:
        Group.objects.get_or_create(name=str(role))
    smtp = SMTPServer().start()
    users = {role: make_user(role) for role in ROLE_NAMES}
    # /healthz is meant to change its answer (503, asserted below); every other page may not.
    pages = [case for case in CASES if case.method == "get" and case.name != "healthz"]
    assert len(pages) > 50

    # A few pages with Redis up (caches filled, connections pooled), killed between two
    # requests, the rest down; then the first few again, down.
    before = 5
    got, expected = walk(client, users, pages, kill_after=before * len(WALKERS), kill=chaos_redis.kill)
    again, expected_again = walk(client, users, pages[:before])
    assert Counter(got.values())[500] == 0 and Counter(again.values())[500] == 0
    assert got == expected
    assert again == expected_again

    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert health["Content-Type"] == "application/json"
    assert health.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    assert health.json()["checks"]["broker"]["ok"] is False

    notice = PrivacyNoticeFactory()
    application = complete_application()
    client.force_login(application.applicant)
    started = time.monotonic()
    response = client.post(
        reverse("admissions:application-submit", args=[application.pk]),
        {"declaration": "on", "privacy": "on", "notice_version": notice.version},
    )
    submit_seconds = time.monotonic() - started
    assert response.status_code == 302
    assert response.url == reverse("admissions:status")
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    mails = list(OutboundEmail.objects.filter(purpose__startswith="admissions.").order_by("pk"))
    assert [m.purpose for m in mails] == [
        "admissions.acknowledgement", "admissions.reference_request", "admissions.reference_request",
    ]
    assert {(m.state, m.dispatched_at) for m in mails} == {(State.QUEUED, None)}
    assert submit_seconds < SUBMIT_BOUND_SECONDS, f"the submit took {submit_seconds:.2f} s with the broker down"
    print(f"submit with Redis down: {submit_seconds * 1000:.0f} ms")

    chaos_redis.start()  # same port, empty: as after a crash
    back = time.monotonic()
    worker = Worker(
        smtp_port=smtp.port,
        log_path=tmp_path / "worker.log",
        beat_schedule=tmp_path / "beat-schedule",
        extra_env={"MPT_OUTBOX_SWEEP_SECONDS": "1", "MPT_OUTBOX_DISPATCH_GRACE": "0"},
    )
    try:
        wait_for(
            lambda: OutboundEmail.objects.filter(pk__in=[m.pk for m in mails], state=State.SENT).count() == 3,
            timeout=RECOVERY_BOUND_SECONDS,
            interval=0.2,
            what="the mails queued while Redis was down to be sent",
        )
        recovered = time.monotonic() - back
    finally:
        worker.stop()
        smtp.stop()
    print(f"Redis back → 3 mails sent: {recovered:.1f} s")
    assert Counter(smtp.recorder.message_ids()) == Counter(m.message_id for m in mails)
    assert client.get(reverse("healthz")).json()["checks"]["cache"] == {"ok": True}
