"""A pytest plugin loaded before Django reads its settings (pytest.ini: -p mpt.testing).

It supplies the variables a test run needs and that a developer should not
have to set: a throwaway secret, plain static storage, HTTP (not HTTPS)
redirects, and a cache prefix and queue name of this run's own, so parallel
runs sharing one Redis never see each other's keys or tasks.
"""

import os
import uuid

# One id per run, shared by its xdist workers, plus the worker's own name.
_run = os.environ.setdefault("MPT_TEST_RUN_ID", uuid.uuid4().hex[:8])
_run = f"{_run}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)
os.environ.setdefault("DJANGO_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# Assigned, not defaulted: xdist workers inherit the controller's environment,
# and a shared prefix or queue would let one worker's tests eat the other's
# cache keys and tasks.
os.environ["MPT_CACHE_PREFIX"] = f"mpt-test-{_run}"
os.environ["CELERY_TASK_DEFAULT_QUEUE"] = f"mpt-test-{_run}"
os.environ.setdefault("MPT_SITE_URL", "http://testserver")
# Playwright's sync API runs an event loop in the test thread; Django's ORM
# refuses to run beside one unless told it is safe (it is, in tests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
