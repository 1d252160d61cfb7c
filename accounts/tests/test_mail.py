"""Each account mail names its purpose and carries the values its text was written with."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.services import password_reset_send, user_signup
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_verification_mail_carries_its_link_and_the_link_confirms_the_address(client):
    user_signup(email="noor@example.org", full_name="Noor Haddad", password="a-quiet-harbour-42")
    [message] = mail.outbox
    assert message.extra_headers == {"X-MPT-Purpose": "account_verification"}
    assert set(message.context) == {"name", "verify_url", "valid_hours"}
    assert (message.context["name"], message.context["valid_hours"]) == ("Noor", 72)
    assert f"\n\n{message.context['verify_url']}\n\nThe link works for 72 hours." in message.body
    response = client.get(message.context["verify_url"].removeprefix("http://testserver"))
    assert response["Location"] == reverse("accounts:login")
    assert User.objects.get(email="noor@example.org").is_active


def test_the_already_have_an_account_mail_carries_both_its_links():
    UserFactory(email="ada@example.org", full_name="Ada Okafor")
    user_signup(email="ada@example.org", full_name="Someone", password="a-quiet-harbour-42")
    [message] = mail.outbox
    assert message.extra_headers == {"X-MPT-Purpose": "account_signup_existing"}
    assert message.context == {
        "name": "Ada",
        "login_url": "http://testserver/accounts/login/",
        "reset_url": "http://testserver/accounts/password/reset/",
    }


def test_the_reset_mail_carries_its_one_use_link(client):
    UserFactory(email="ada@example.org", full_name="Ada Okafor")
    password_reset_send(email="ada@example.org")
    [message] = mail.outbox
    assert message.extra_headers == {"X-MPT-Purpose": "account_password_reset"}
    assert set(message.context) == {"name", "reset_url"}
    assert f"\n\n{message.context['reset_url']}\n\n" in message.body
    page = client.get(message.context["reset_url"].removeprefix("http://testserver"), follow=True)
    assert "Choose a new password" in page.content.decode()
