from django.test import override_settings

from mpt.tests.url_permissions import PUBLIC, UrlCase, only


def _eager_mode():
    """/healthz answers 503 when no worker has reported, as in CI where the broker
    is real but no worker runs; in eager mode it is healthy, so the case pins
    access, not the environment (test_site.py covers the checks themselves)."""
    return override_settings(CELERY_BROKER_URL="")


CASES = [
    UrlCase("home", PUBLIC),
    UrlCase("healthz", PUBLIC, context=_eager_mode),
    UrlCase("accessibility", PUBLIC),
    UrlCase("privacy", PUBLIC),
    UrlCase("staff-home", only("staff", "reviewer", "admissions_admin")),
    UrlCase("admin:index", only(anonymous=302, denied=302), note="superusers only"),
]
