import os

import pytest
from django.conf import settings


def test_each_test_process_has_its_own_cache_prefix_and_queue():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert os.environ["MPT_CACHE_PREFIX"].endswith(f"-{worker}")
    assert settings.CELERY_TASK_DEFAULT_QUEUE.endswith(f"-{worker}")


@pytest.mark.broker
def test_clearing_the_cache_between_tests_leaves_other_processes_keys_alone():
    # With the broker set the cache is Redis, shared by every test process and by
    # the broker's queues: emptying it must delete only this process's keys.
    from django.core.cache import caches

    from conftest import clear_cache

    cache = caches["default"]
    client = cache._cache.get_client(write=True)
    other = "mpt-test-another-process:1:kept"
    client.set(other, b"1", ex=60)
    cache.set("mine", 1)
    try:
        clear_cache()
        assert cache.get("mine") is None
        assert client.get(other) == b"1"
    finally:
        client.delete(other)
