"""Rate limits on login, sign-up and password reset: per client address and per account."""

import datetime
import socket
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# 14:30:00 in London on a Tuesday: every window below ends later the same day.
NOW = datetime.datetime(2027, 3, 9, 14, 30, tzinfo=LONDON)


def login(client, email, password=TEST_PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def limits(settings, action, *, address, account):
    settings.MPT_RATE_LIMITS = {**settings.MPT_RATE_LIMITS, action: {"address": address, "account": account}}


def expected_when(response):
    """The time the page must name: now plus Retry-After, rounded up to the minute, in London."""
    retry_at = NOW + datetime.timedelta(seconds=int(response["Retry-After"]))
    if retry_at.second:
        retry_at = retry_at.replace(second=0) + datetime.timedelta(minutes=1)
    return retry_at.strftime("%H:%M")


@time_machine.travel(NOW, tick=False)
def test_the_right_password_too_is_refused_after_the_accounts_limit_with_a_page_saying_when(client, settings):
    limits(settings, "login", address="100/5m", account="3/5m")
    user = UserFactory(email="ada@example.org")
    for _ in range(3):
        assert login(client, "ada@example.org").status_code == 302
        client.post(reverse("accounts:logout"))

    refused = login(client, "ADA@example.org")

    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 300
    html = refused.content.decode()
    assert f"You have tried to log in too many times. Try again after {expected_when(refused)}." in html
    assert f"<title>Too many attempts: try again after {expected_when(refused)}" in html
    assert '<a href="/accounts/password/reset/">reset it</a>' in html
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not held back by this one's limit.
    other = UserFactory(email="other@example.org")
    assert login(client, other.email).status_code == 302
    assert user.pk != int(client.session["_auth_user_id"])


def test_a_refused_login_hashes_no_password(client, settings, monkeypatch):
    limits(settings, "login", address="100/5m", account="1/5m")
    UserFactory(email="ada@example.org")
    assert login(client, "ada@example.org", "wrong-password").status_code == 200

    def no_hashing(*args, **kwargs):
        raise AssertionError("a refused attempt must not reach the password hasher")

    monkeypatch.setattr(MD5PasswordHasher, "verify", no_hashing)
    monkeypatch.setattr(MD5PasswordHasher, "encode", no_hashing)
    assert login(client, "ada@example.org").status_code == 429


def test_one_address_trying_many_accounts_is_refused_and_other_addresses_are_not(client, settings):
    limits(settings, "login", address="4/5m", account="100/5m")
    statuses = [login(client, f"person{n}@example.org", "wrong-password").status_code for n in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    user = UserFactory(email="ada@example.org")
    assert login(client, user.email, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw_not_what_the_client_wrote(client, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    limits(settings, "login", address="2/5m", account="100/5m")
    statuses = [
        login(client, f"person{n}@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.5").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    # The same proxy, another client behind it: counted on its own.
    assert login(client, "x@example.org", "wrong", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 200


def test_signup_is_limited_per_address_typed_in_and_sends_no_more_mail(client, settings):
    limits(settings, "signup", address="100/h", account="2/h")
    UserFactory(email="ada@example.org")
    post = {"full_name": "Someone", "email": "ada@example.org", "password1": "a-quiet-harbour-42",
            "password2": "a-quiet-harbour-42"}
    statuses = [client.post(reverse("accounts:signup"), {**post, "email": email}).status_code
                for email in ("ada@example.org", "ADA@example.org", "ada@example.org")]
    assert statuses == [302, 302, 429]
    assert [m.to for m in mail.outbox] == [["ada@example.org"], ["ada@example.org"]]
    refused = client.post(reverse("accounts:signup"), post)
    assert "You have tried to create an account too many times. Try again after" in refused.content.decode()


def test_signup_is_limited_per_client_address(client, settings):
    limits(settings, "signup", address="2/h", account="100/h")
    post = {"full_name": "Someone", "password1": "a-quiet-harbour-42", "password2": "a-quiet-harbour-42"}
    statuses = [client.post(reverse("accounts:signup"), {**post, "email": f"new{n}@example.org"}).status_code
                for n in range(3)]
    assert statuses == [302, 302, 429]
    assert User.objects.count() == 2


def test_password_reset_is_limited_per_account_and_per_address(client, settings, django_capture_on_commit_callbacks):
    limits(settings, "password_reset", address="4/h", account="2/h")
    UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(reverse("accounts:password-reset"), {"email": email}).status_code
                    for email in ("ada@example.org", "ada@example.org", "ada@example.org", "bo@example.org",
                                  "cy@example.org")]
    # The third for ada is over her limit; refused or not, every post counts for
    # the address, so the fifth is over its limit.
    assert statuses == [302, 302, 429, 302, 429]
    assert [m.to for m in mail.outbox] == [["ada@example.org"], ["ada@example.org"]]
    refused = client.post(reverse("accounts:password-reset"), {"email": "ada@example.org"})
    assert "You have asked for a password reset link too many times. Try again after" in refused.content.decode()


def test_with_the_limits_switched_off_nothing_is_refused(client, settings):
    settings.RATELIMIT_ENABLE = False
    limits(settings, "login", address="1/5m", account="1/5m")
    UserFactory(email="ada@example.org")
    assert [login(client, "ada@example.org", "wrong").status_code for _ in range(3)] == [200, 200, 200]


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_with_redis_unreachable_logins_are_let_through_not_refused_or_crashed(client, settings):
    # A plain Redis cache raises on every call: the limiter must treat that as "not counted".
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    limits(settings, "login", address="1/5m", account="1/5m")
    UserFactory(email="ada@example.org")
    assert login(client, "ada@example.org").status_code == 302
    client.post(reverse("accounts:logout"))
    assert login(client, "ada@example.org").status_code == 302


def test_with_the_sites_fail_open_cache_and_redis_down_the_limits_let_everyone_through(client, settings):
    # The site's own backend answers "miss" while Redis is down: nothing can be counted.
    settings.CACHES = {"default": {"BACKEND": "core.cache.FailOpenRedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    limits(settings, "login", address="1/5m", account="1/5m")
    limits(settings, "signup", address="1/h", account="1/h")
    UserFactory(email="ada@example.org")
    statuses = [login(client, "ada@example.org", "wrong").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    post = {"full_name": "Noor", "password1": "a-quiet-harbour-42", "password2": "a-quiet-harbour-42"}
    statuses = [client.post(reverse("accounts:signup"), {**post, "email": f"new{n}@example.org"}).status_code
                for n in range(3)]
    assert statuses == [302, 302, 302]
