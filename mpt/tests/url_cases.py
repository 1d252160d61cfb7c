from mpt.celery import heartbeat
from mpt.tests.url_permissions import PUBLIC, UrlCase, only


def _with_a_live_worker(users):
    """/healthz answers 503 when no worker has reported (as in CI, where the
    broker is real but no worker runs); record a heartbeat so the case pins
    access, not the environment."""
    heartbeat()
    return {}


CASES = [
    UrlCase("home", PUBLIC),
    UrlCase("healthz", PUBLIC, kwargs=_with_a_live_worker),
    UrlCase("accessibility", PUBLIC),
    UrlCase("privacy", PUBLIC),
    UrlCase("admin:index", only(anonymous=302, denied=302), note="superusers only"),
]
