"""What the benchmarks share: production-like settings and a percentile.

Import it first in a benchmark (`import _common` works because Python puts the
script's folder on sys.path); it also puts the project on sys.path.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def production_like_settings():
    """DEBUG off (no query log), plain HTTP for the test client, no static manifest
    needed. Variables already set win."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpt.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage")


def percentile(values, fraction):
    """The value at `fraction` (0.95 for p95) of the sorted values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]
