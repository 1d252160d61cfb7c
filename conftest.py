"""Fixtures every app's tests share, and the rules for marked tests.

Tests marked `postgres` or `broker` need the real services. They are skipped
only where the service is absent (a newcomer's laptop); CI sets DATABASE_URL and
CELERY_BROKER_URL and fails on any skip.
"""

import pytest
from django.conf import settings

from accounts.roles import Role

ROLE_NAMES = ["anonymous", *[str(role) for role in Role], "superuser"]


def pytest_configure(config):
    # Hashing a password properly takes ~0.3 s by design; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_broker = bool(settings.CELERY_BROKER_URL)
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL"))
        if "broker" in item.keywords and not has_broker:
            item.add_marker(pytest.mark.skip(reason="needs a broker: set CELERY_BROKER_URL"))


def clear_cache():
    """Empty the cache. In Redis, delete only this run's keys: FLUSHDB would
    also wipe the broker's queues and other runs' keys."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    # `caches[...]`, not `django.core.cache.cache`: that is a proxy, never an
    # instance of RedisCache, and taking it for one sent FLUSHDB, which wiped
    # the other xdist process's keys mid-test.
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache, and with Django's in-process cache of
    content types forgotten: a live-server test ends by flushing the tables, and
    post_migrate then makes the content types again under new ids."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    clear_cache()
    yield


@pytest.fixture(autouse=True)
def _celery_eager_unless_marked_broker(request):
    """Tasks run inside the test unless it is marked `broker`: those talk to a
    real worker through the real broker, and nothing else should leave tasks
    waiting in a queue no worker reads."""
    from mpt.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = "broker" not in request.keywords
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def make_user(db):
    """make_user("staff") → a confirmed user with that role; "anonymous" → None."""
    from accounts.tests.factories import UserFactory

    def make(role_name, **kwargs):
        if role_name == "anonymous":
            return None
        if role_name == "superuser":
            return UserFactory(superuser=True, **kwargs)
        return UserFactory(roles=[Role(role_name)], **kwargs)

    return make


@pytest.fixture
def client_for(client, make_user):
    """client_for("reviewer") → a test client logged in as a new reviewer."""

    def for_role(role_name, **kwargs):
        user = make_user(role_name, **kwargs)
        if user is not None:
            client.force_login(user)
        client.user = user
        return client

    return for_role
