"""Sign-up keeps the page someone came from (an intake) through the mail's link and login."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

INTAKE = "/apply/intake/mpt-2027-full-time/"
POST = {"full_name": "Noor Haddad", "email": "noor@example.org", "password1": "a-quiet-harbour-42",
        "password2": "a-quiet-harbour-42"}


def mailed_link():
    match = re.search(r"http://testserver(/accounts/verify/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_signup_verification_and_login_return_to_the_intake(client):
    form = client.get(reverse("accounts:signup"), {"next": INTAKE})
    assert f'<input type="hidden" name="next" value="{INTAKE}">' in form.content.decode()
    assert f'href="/accounts/login/?next={INTAKE}"' in form.content.decode()

    client.post(reverse("accounts:signup"), {**POST, "next": INTAKE})
    verified = client.get(mailed_link())

    assert verified["Location"] == f"/accounts/login/?next={INTAKE.replace('/', '%2F')}"
    login_page = client.get(verified["Location"])
    assert f'<input type="hidden" name="next" value="{INTAKE}">' in login_page.content.decode()
    logged_in = client.post(verified["Location"], {"username": "noor@example.org", "password": POST["password1"],
                                                   "next": INTAKE})
    assert logged_in["Location"] == INTAKE


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/apply/", "//evil.example/apply/", "/\\evil.example/", "http://testserver/apply/",
     "javascript:alert(1)", "apply/intake/x/", "/" + "a" * 600],
)
def test_a_next_that_is_not_a_path_on_this_site_is_dropped_everywhere(client, unsafe):
    form = client.get(reverse("accounts:signup"), {"next": unsafe})
    assert 'name="next"' not in form.content.decode()

    client.post(reverse("accounts:signup"), {**POST, "next": unsafe})
    verified = client.get(mailed_link())

    assert verified["Location"] == "/accounts/login/"
    assert services.safe_next(unsafe) == ""


def test_the_login_pages_create_an_account_link_keeps_the_page(client):
    page = client.get(reverse("accounts:login"), {"next": INTAKE})
    assert f'<a href="/accounts/signup/?next={INTAKE}">Create an account</a>' in page.content.decode()


def test_an_existing_accounts_mail_logs_them_in_to_the_intake(client):
    UserFactory(email="noor@example.org")
    client.post(reverse("accounts:signup"), {**POST, "next": INTAKE})
    assert f"\nhttp://testserver/accounts/login/?next={INTAKE}\n" in mail.outbox[-1].body


def test_a_fresh_link_asked_for_after_signing_up_keeps_the_intake(client):
    client.post(reverse("accounts:signup"), {**POST, "next": INTAKE})
    client.post(reverse("accounts:verify-resend"), {"email": "noor@example.org"})
    assert len(mail.outbox) == 2
    assert client.get(mailed_link())["Location"] == f"/accounts/login/?next={INTAKE.replace('/', '%2F')}"


def test_a_signed_in_person_opening_signup_goes_to_the_page(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:signup"), {"next": INTAKE})["Location"] == INTAKE


def test_a_link_without_a_page_still_verifies_as_before(client):
    user = UserFactory(unverified=True, email="old@example.org")
    token = services.make_verification_token(user)
    assert client.get(reverse("accounts:verify-email", args=[token]))["Location"] == "/accounts/login/"
    assert User.objects.get(pk=user.pk).is_active
    logged_in = client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert logged_in.status_code == 302
