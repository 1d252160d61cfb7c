"""Staff's saved template per purpose, kept in Django's cache (Redis in production).

`queue_email` needs the template of its purpose on every call; reading it from
the cache instead of the database takes a query off every request that sends
mail. Correctness rules:

- Every save or delete of an `EmailTemplate` (the staff editor, reset, the
  admin, a fixture) writes the new text to the cache *after its transaction
  commits* (post_save/post_delete → on_commit). A rolled-back edit never
  reaches the cache.
- A transaction that changed a template and has not committed yet reads that
  template from the database (it sees its own write) and does not cache what
  it read, so an uncommitted text can never be cached either.
- A reader that missed fills the cache with `add`, never `set`: if an edit
  committed (and wrote the cache) while the reader was reading the old row,
  the reader's older value does not overwrite the newer one.
- Entries expire after MPT_TEMPLATE_CACHE_SECONDS (default 600) as a backstop
  (two staff saving the same template at the same instant, a row changed by
  hand in SQL).
- An unreachable cache (Redis down) never fails a request: the template is
  read from the database, and an edit that could not be written to the cache
  is logged (the old text may then be used until the entry expires).
- The cache must be one every process shares. Django's in-process (locmem)
  cache is used only where there is one process: no broker, so mail is
  delivered in the process that queued it (development, tests). A deployment
  with a broker but no Redis cache reads the database every time.
"""

import logging

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections, transaction

from .models import EmailTemplate

logger = logging.getLogger(__name__)

# () = staff saved nothing for this purpose: the registered default applies.
NO_TEMPLATE = ()


def cache_key(purpose_key):
    return f"notifications:template:v1:{purpose_key}"


def timeout():
    return getattr(settings, "MPT_TEMPLATE_CACHE_SECONDS", 600)


class _PublishTemplate:
    """An on-commit callback that writes one purpose's committed text to the cache."""

    def __init__(self, purpose_key, value):
        self.purpose_key = purpose_key
        self.value = value

    def __call__(self):
        try:
            cache.set(cache_key(self.purpose_key), self.value, timeout())
        except Exception:  # the edit is committed; an unreachable cache must not fail the request
            logger.warning(
                "could not write the %s template to the cache; the old one may be used for up to %ss",
                self.purpose_key,
                timeout(),
                exc_info=True,
            )


def changed_in_this_transaction(purpose_key, using="default"):
    """True while this connection's open transaction holds an uncommitted change to the template.

    Django drops a transaction's on-commit callbacks when it (or the savepoint
    that registered them) rolls back, so their presence is exactly that.
    """
    connection = connections[using]
    return connection.in_atomic_block and any(
        isinstance(func, _PublishTemplate) and func.purpose_key == purpose_key
        for _sids, func, _robust in connection.run_on_commit
    )


def cache_is_shared():
    return not (settings.CELERY_BROKER_URL and isinstance(caches["default"], LocMemCache))


def saved_template(purpose_key, using="default"):
    """(subject, body, send_html) staff saved for the purpose, or NO_TEMPLATE."""
    if changed_in_this_transaction(purpose_key, using) or not cache_is_shared():
        return _read(purpose_key, using)
    key = cache_key(purpose_key)
    try:
        value = cache.get(key)
    except Exception:  # Redis unreachable: the mail must still be queued
        logger.warning("template cache unreachable; reading %s from the database", purpose_key, exc_info=True)
        return _read(purpose_key, using)
    if value is None:
        value = _read(purpose_key, using)
        try:
            cache.add(key, value, timeout())
        except Exception:
            logger.warning("could not cache the %s template", purpose_key, exc_info=True)
    return tuple(value)


def _read(purpose_key, using):
    row = (
        EmailTemplate.objects.using(using)
        .filter(purpose=purpose_key)
        .values_list("subject", "body", "send_html")
        .first()
    )
    return tuple(row) if row else NO_TEMPLATE


def template_saved(sender, instance, using, **kwargs):
    _publish_on_commit(instance.purpose, (instance.subject, instance.body, instance.send_html), using)


def template_deleted(sender, instance, using, **kwargs):
    _publish_on_commit(instance.purpose, NO_TEMPLATE, using)


def _publish_on_commit(purpose_key, value, using):
    # Outside a transaction the change is already committed: on_commit runs it now.
    transaction.on_commit(_PublishTemplate(purpose_key, value), using=using)
