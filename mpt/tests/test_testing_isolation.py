import os

from django.conf import settings


def test_each_test_process_has_its_own_cache_prefix_and_queue():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert os.environ["MPT_CACHE_PREFIX"].endswith(f"-{worker}")
    assert settings.CELERY_TASK_DEFAULT_QUEUE.endswith(f"-{worker}")
