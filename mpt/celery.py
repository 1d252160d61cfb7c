"""The Celery app. Tasks live in each app's tasks.py and are found automatically."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpt.settings")

app = Celery("mpt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

@app.task(name="mpt.celery.heartbeat", ignore_result=True)
def heartbeat():
    """Record that a worker is alive; /healthz and the outbox page read it.

    With the cache unreachable the write is lost and the worker looks silent:
    /healthz then also names the cache, so the operator sees why."""
    from django.core.cache import cache
    from django.utils import timezone

    from core.health import HEARTBEAT_KEY

    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=None)


@worker_ready.connect
def _report_at_start(**kwargs):
    # Beat's first heartbeat comes one interval after it starts; a worker that
    # has just started is alive now, so /healthz need not call it silent till then.
    heartbeat()


@app.task(name="mpt.celery.ping")
def ping(value):
    """Echo a value back: proves a worker consumes this queue."""
    return {"pong": value}
