"""Caching of the public catalogue, invalidated by a generation counter.

Every cached catalogue read is stored under a key that includes the current
"catalogue generation". Publishing, unpublishing or saving anything public bumps
the generation, so every older entry is simply never read again (and expires).
The counter starts from the clock, so a cache that lost it never reuses a number.

Only curriculum data is cached: panels from other apps (sessions, guest
lectures, the next intake) are rendered live on every request.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "curriculum:catalogue-generation"


def timeout():
    return getattr(settings, "CURRICULUM_CACHE_SECONDS", 600)


def generation():
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, int(time.time() * 1000), None)
        value = cache.get(GENERATION_KEY)
    return value


def _bump():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, int(time.time() * 1000), None)


def bump_generation():
    """Invalidate every cached catalogue page: now, and again when the current
    transaction commits (so a reader between the two cannot cache stale rows
    under the new generation)."""
    _bump()
    transaction.on_commit(_bump)


def cached(name, parts, build):
    """`build()`'s result, cached under (name, parts, generation) when caching is on."""
    if timeout() <= 0:
        return build()
    digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    key = f"curriculum:{name}:{generation()}:{digest}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout())
    return value
