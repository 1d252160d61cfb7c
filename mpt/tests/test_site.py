import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.roles import Role
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def test_base_layout_has_landmarks_and_a_skip_link(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    assert '<nav class="navbar navbar-expand-lg" aria-label="Main">' in html
    assert '<footer class="site-footer">' in html
    assert 'lang="en-GB"' in html


def test_no_page_asks_another_host_for_anything(client):
    html = client.get(reverse("home")).content.decode()
    for attribute in ('src="http', "src='http", 'href="//', 'src="//'):
        assert attribute not in html
    assert '<link rel="stylesheet" href="http' not in html


def test_anonymous_navigation_offers_login_and_signup(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:login")}"' in html
    assert f'href="{reverse("accounts:signup")}"' in html
    assert 'aria-label="Your work"' not in html


def test_navigation_shows_each_role_its_own_entries(client, monkeypatch):
    from mpt import context_processors

    monkeypatch.setattr(context_processors, "ROLE_NAV", [
        (context_processors.permissions.is_staff_member, "Staff thing", "accessibility"),
        (context_processors.permissions.is_reviewer, "Reviewer thing", "privacy"),
        (context_processors.permissions.is_staff_member, "Not built yet", "nowhere:at-all"),
    ])
    client.force_login(UserFactory(roles=[Role.STAFF]))
    html = client.get(reverse("home")).content.decode()
    assert "Staff thing" in html
    assert "Reviewer thing" not in html
    assert "Not built yet" not in html
    assert "Log out" in html


def test_our_404_page(client):
    response = client.get("/there-is-nothing-here/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "<main" in response.content.decode()


@override_settings(DEBUG=False)
def test_our_500_page_renders_without_a_request_context():
    from django.test import RequestFactory

    from core.errors import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in response.content.decode()


def test_our_403_page(rf):
    from core.errors import permission_denied

    request = rf.get("/")
    request.user = UserFactory()
    response = permission_denied(request)
    assert response.status_code == 403
    assert "You cannot do that" in response.content.decode()


def test_healthz_reports_each_check(client, settings):
    settings.CELERY_BROKER_URL = ""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "cache": {"ok": True, "mode": "local"},
                   "broker": {"ok": True, "mode": "eager"}, "worker": {"ok": True, "mode": "eager"}},
    }


def test_healthz_answers_503_json_naming_the_database_when_it_is_down(client, settings, monkeypatch):
    from django.db import OperationalError, connection

    def refused():
        raise OperationalError("connection refused")

    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(connection, "ensure_connection", refused)
    response = client.get(reverse("healthz"))
    monkeypatch.undo()
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert response.json()["status"] == "unhealthy"


def test_healthz_is_unhealthy_when_no_worker_has_reported(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unhealthy"
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["worker"] == {"ok": False, "error": "no worker has reported"}


def test_healthz_reads_the_worker_heartbeat(client, settings):
    from mpt.celery import heartbeat

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    heartbeat()  # what a worker runs every minute
    body = client.get(reverse("healthz")).json()
    assert body["checks"]["worker"]["ok"] is True
    # Seen just now (the broker check before it may take a second or two to time out).
    assert 0 <= body["checks"]["worker"]["last_seen_seconds"] < 10


def test_static_pages(client):
    assert "Accessibility statement" in client.get(reverse("accessibility")).content.decode()
    assert "Privacy notice" in client.get(reverse("privacy")).content.decode()


def test_profile_page_costs_the_same_queries_whatever_the_roles(client, django_assert_num_queries):
    for roles in ([Role.APPLICANT], [Role.STAFF, Role.REVIEWER, Role.ADMISSIONS_ADMIN]):
        client.force_login(UserFactory(roles=roles))
        with django_assert_num_queries(3):  # session, user, roles
            client.get(reverse("accounts:profile"))
