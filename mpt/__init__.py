from . import lookups  # noqa: F401 - registers the integer `__in` lookup for every model
from .celery import app as celery_app

__all__ = ("celery_app",)
