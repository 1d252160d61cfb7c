"""Health checks: what /healthz reports and what the outbox page warns of.

The checks read settings and the cache, and reach the broker through Celery's
current app, so they import nothing of MPT's wiring."""

import logging
import os

from celery import current_app
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

# Where the worker's heartbeat task writes, and the checks read, the time it last ran.
HEARTBEAT_KEY = "mpt:worker-heartbeat"


def worker_silent_after():
    """Seconds without a heartbeat after which the worker counts as gone (a few missed beats)."""
    return settings.MPT_WORKER_SILENT_AFTER


def _check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _check_broker():
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "eager"}
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return _check_broker_folder()
    try:
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def _check_broker_folder():
    # kombu's filesystem transport "connects" whatever the disk holds; what can
    # fail is the folder that both processes write the tasks to.
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_out", "")
    if not (os.path.isdir(folder) and os.access(folder, os.W_OK)):
        return {"ok": False, "error": f"the broker folder {folder} is missing or not writable"}
    return {"ok": True, "mode": "filesystem"}


def worker_heartbeat_age():
    """Seconds since a Celery worker last reported, or None if none has (or the cache cannot say)."""
    try:
        raw = cache.get(HEARTBEAT_KEY)
    except Exception:  # any cache backend: the staff pages that ask must still render
        logger.warning("could not read the worker heartbeat from the cache", exc_info=True)
        return None
    seen = parse_datetime(raw) if isinstance(raw, str) else None
    if seen is None:
        return None
    return (timezone.now() - seen).total_seconds()


def _redis_client():
    """The cache's own Redis client, or None when the cache is not Redis."""
    backend = caches["default"]
    return backend._cache.get_client(write=True) if isinstance(backend, RedisCache) else None


def _check_cache():
    # The Redis client itself, not the cache API: that fails open and would hide the outage.
    client = _redis_client()
    if client is None:
        return {"ok": True, "mode": "local"}
    try:
        client.ping()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def cache_reachable():
    """False when the cache is Redis and Redis does not answer (the fail-open cache would hide it)."""
    return _guarded(_check_cache)["ok"]


def _check_worker(cache_check):
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "mode": "eager"}
    if not cache_check["ok"]:
        return {"ok": False, "error": "unknown: the heartbeat is kept in the cache, which is down"}
    age = worker_heartbeat_age()
    if age is None:
        return {"ok": False, "error": "no worker has reported"}
    return {"ok": age < worker_silent_after(), "last_seen_seconds": round(age)}


def _guarded(check, *args):
    """A check that raised is a failed check, never a 500 from the health page."""
    try:
        return check(*args)
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}


@never_cache
@require_safe
def healthz(request):
    cache_check = _guarded(_check_cache)
    checks = {
        "database": _guarded(_check_database),
        "cache": cache_check,
        "broker": _guarded(_check_broker),
        "worker": _guarded(_check_worker, cache_check),
    }
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )
