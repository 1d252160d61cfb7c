"""What every app builds on: forms and their words, the panel and staff-card
registries, Markdown, PDF screening, the fail-open cache, request guards,
health checks and error pages.

It imports no app of MPT, so every app may import it; `mpt/` is the wiring
(settings, URLs, Celery, WSGI) that imports the apps.
"""

from . import lookups  # noqa: F401 - registers the integer `__in` lookup for every model
