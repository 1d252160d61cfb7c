"""Site-wide pages that belong to no one app: health, errors, policies, and the
staff area's front page (each app adds its panel to the "staff_home" slot).

The front page is the catalogue's (curriculum.views.home)."""

import logging
import os

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import permissions

from .celery import HEARTBEAT_KEY
from .celery import app as celery_app

logger = logging.getLogger(__name__)


def worker_silent_after():
    """Seconds without a heartbeat after which the worker counts as gone (a few missed beats)."""
    return settings.MPT_WORKER_SILENT_AFTER


@require_safe
def accessibility(request):
    return render(request, "pages/accessibility.html")


@require_safe
def privacy(request):
    return render(request, "pages/privacy.html")


@login_required
@require_safe
def staff_home(request):
    """What needs the signed-in member of staff now, one panel per app (slot "staff_home")."""
    if not permissions.runs_the_programme(request.user):
        raise PermissionDenied
    return render(request, "pages/staff_home.html")


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
        with celery_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
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


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form that was open too long, or sent after logging in or out elsewhere.

    The page says what to do in plain words; Django's reason stays in the log, not on the page.
    """
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    return render(request, "errors/csrf.html", {"back_url": back}, status=403)


def server_error(request):
    # No request context: a context processor could itself be what failed.
    template = loader.get_template("errors/500.html")
    return HttpResponseServerError(template.render({"site_name": settings.SITE_NAME}))
