"""With Redis unreachable the cache answers "miss", pages are built uncached, and
the staff warning names the cause. Nothing listens on port 1, so every
connection is refused at once: no Redis needs to be stopped for these."""

import logging
import time
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from core.cache import FailOpenRedisCache
from core.health import HEARTBEAT_KEY
from curriculum.tests.factories import ModuleFactory, ProgrammeFactory
from mpt.celery import heartbeat

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


def fail_open_cache(location, **options):
    return {
        "default": {
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "mpt-cache-down-test",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, **options},
        }
    }


@pytest.fixture
def redis_down(settings):
    settings.CACHES = fail_open_cache(DEAD_REDIS)
    assert isinstance(caches["default"], FailOpenRedisCache)
    return settings


def test_every_cache_operation_is_a_miss_or_a_no_op_when_redis_is_down(redis_down):
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is None
    assert cache.add("k", 1) is False
    assert cache.get_or_set("k", lambda: "built") == "built"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert cache.has_key("k") is False
    assert cache.delete("k") is False
    assert cache.touch("k") is False
    cache.delete_many(["a"])
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")
    with pytest.raises(ValueError, match="not found"):
        cache.decr("k")


def test_a_dead_redis_is_tried_once_per_retry_interval_and_warned_about_once(redis_down, caplog):
    caplog.set_level(logging.WARNING, logger="core.cache")
    started = time.monotonic()
    for n in range(200):
        cache.get(f"key-{n}")
    elapsed = time.monotonic() - started
    assert caches["default"].available is False
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1
    assert warnings[0].startswith("cache unavailable (get failed: ConnectionError")
    # One refused connection, then 199 skips: nowhere near one timeout per call.
    assert elapsed < 1.0


def test_the_cache_is_tried_again_after_the_retry_interval(settings):
    settings.CACHES = fail_open_cache(DEAD_REDIS, retry_after=0)
    backend = caches["default"]
    cache.get("k")
    assert backend.available is True  # retry_after=0: the next call tries Redis again


def test_front_page_catalogue_staff_home_and_outbox_answer_with_redis_down(redis_down, client):
    redis_down.CELERY_BROKER_URL = DEAD_REDIS
    ProgrammeFactory(title="Masters in Public Technology")
    ModuleFactory(title="Designing public services")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Masters in Public Technology" in home.content.decode()
    catalogue = client.get(reverse("curriculum:module-list"))
    assert catalogue.status_code == 200
    assert "Designing public services" in catalogue.content.decode()
    client.force_login(UserFactory(roles=[Role.STAFF]))
    assert client.get(reverse("staff-home")).status_code == 200
    outbox = client.get(reverse("notifications:outbox"))
    assert outbox.status_code == 200
    assert "The cache (Redis) is not answering" in outbox.content.decode()


def test_healthz_answers_503_json_naming_the_cache_and_broker_when_redis_is_down(redis_down, client):
    redis_down.CELERY_BROKER_URL = DEAD_REDIS
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "unhealthy",
        "checks": {
            "database": {"ok": True},
            "cache": {"ok": False, "error": "ConnectionError"},
            "broker": {"ok": False, "error": "OperationalError"},
            "worker": {"ok": False, "error": "unknown: the heartbeat is kept in the cache, which is down"},
        },
    }


STAFF_WARNING = "No background worker has reported for"


@pytest.mark.parametrize("silent_for, warned", [(99, False), (101, True)])
def test_outbox_warns_within_two_minutes_of_the_last_heartbeat(client, settings, silent_for, warned):
    settings.CELERY_BROKER_URL = DEAD_REDIS  # a broker is configured, so a worker is expected
    client.force_login(UserFactory(roles=[Role.STAFF]))
    with time_machine.travel(timezone.now(), tick=False) as clock:
        heartbeat()
        clock.shift(timedelta(seconds=silent_for))
        page = client.get(reverse("notifications:outbox")).content.decode()
    assert (STAFF_WARNING in page) is warned
    if warned:
        assert f"{STAFF_WARNING} {silent_for} seconds." in page


def test_heartbeat_every_30_seconds_keeps_the_worker_counted_alive(client, settings):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    assert settings.MPT_HEARTBEAT_SECONDS == 30
    assert settings.CELERY_BEAT_SCHEDULE["worker-heartbeat"]["schedule"] == 30
    assert settings.MPT_WORKER_SILENT_AFTER == 100
    with time_machine.travel(timezone.now(), tick=False) as clock:
        heartbeat()
        clock.shift(timedelta(seconds=3 * 30 - 1))  # two beats missed: still alive
        body = client.get(reverse("healthz")).json()
    assert body["checks"]["worker"] == {"ok": True, "last_seen_seconds": 89}
    assert cache.get(HEARTBEAT_KEY) is not None


def test_logging_in_and_staying_logged_in_work_with_redis_down(redis_down, client):
    from accounts.tests.factories import TEST_PASSWORD

    UserFactory(email="ada@example.org", roles=[Role.STAFF])
    response = client.post(reverse("accounts:login"), {"username": "ada@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff-home")  # where staff land after login
    # Sessions are in the database: the next request is still signed in.
    staff_home = client.get(reverse("staff-home"))
    assert staff_home.status_code == 200
    assert staff_home.wsgi_request.user.email == "ada@example.org"
