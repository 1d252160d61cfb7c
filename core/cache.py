"""A Redis cache that fails open: with Redis unreachable, every read is a miss
and every write does nothing, so pages are served uncached instead of failing.

Everything MPT keeps in the cache can be rebuilt or lost: catalogue pages, the
email template copy, the worker heartbeat, rate-limit counters (which then let
requests through). Sessions and login-failure counts live in the database.

Two things keep a dead Redis cheap for a request:

- short socket timeouts (OPTIONS `socket_connect_timeout`, `socket_timeout`),
  so a host that drops packets costs a fraction of a second, not the OS's
  minutes;
- after a failure this process skips Redis for `retry_after` seconds, so a
  page that makes several cache calls pays for one failed attempt, not one
  per call.

A warning is logged at most once per `warn_every` seconds per process, and an
"available again" line when Redis answers after an outage.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailOpenRedisCache(RedisCache):
    """Django's RedisCache whose operations behave as a miss or a no-op while Redis is unreachable."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS", {}))}
        self.retry_after = float(params["OPTIONS"].pop("retry_after", 2.0))
        self.warn_every = float(params["OPTIONS"].pop("warn_every", 60.0))
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._warned_at = None
        self._outage_started = None

    @property
    def available(self):
        """False while this process is skipping Redis after a failure."""
        return time.monotonic() >= self._down_until

    def _failed(self, operation, error):
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_after
            if self._outage_started is None:
                self._outage_started = now
            warn = self._warned_at is None or now - self._warned_at >= self.warn_every
            if warn:
                self._warned_at = now
        if warn:
            logger.warning(
                "cache unavailable (%s failed: %s: %s); serving without it, next attempt in %.0f s",
                operation,
                error.__class__.__name__,
                error,
                self.retry_after,
            )

    def _succeeded(self):
        if self._outage_started is None:
            return
        with self._lock:
            started, self._outage_started, self._warned_at = self._outage_started, None, None
        if started is not None:
            logger.warning("cache available again after %.1f s", time.monotonic() - started)

    def _call(self, operation, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            result = getattr(super(), operation)(*args, **kwargs)
        except RedisError as error:
            self._failed(operation, error)
            return fallback
        self._succeeded()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, key, delta, version)
        if result is missing:
            # What Django raises for a key that is not there: callers already handle it.
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
