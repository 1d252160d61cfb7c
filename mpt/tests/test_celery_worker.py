"""A real Celery worker, on the real broker, on this test run's own queue."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from mpt.celery import app, ping

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mpt", "worker", "-Q", queue, "--pool=solo",
         "--concurrency=1", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "WARNING"],
        cwd=ROOT,
        env={**os.environ, "CELERY_TASK_DEFAULT_QUEUE": queue},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.broker
def test_a_real_worker_on_the_real_broker_returns_a_tasks_result(worker):
    assert not app.conf.task_always_eager
    result = ping.apply_async(args=["hello"], queue=worker)
    # A worker starting on a busy machine can take a while to import Django; the wait is bounded.
    assert result.get(timeout=240) == {"pong": "hello"}
