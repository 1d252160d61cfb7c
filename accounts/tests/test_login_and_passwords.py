import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_with_the_right_password_in_any_letter_case(client):
    user = UserFactory(email="ada@example.org")
    response = login(client, "ADA@example.org", TEST_PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_with_a_wrong_password_says_so_without_saying_which(client):
    UserFactory(email="ada@example.org")
    response = login(client, "ada@example.org", "not-the-password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The email address or password is not right" in html
    assert "<title>Error: Log in" in html
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_and_the_page_says_so(client, settings):
    UserFactory(email="ada@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "ada@example.org", "wrong-password").status_code == 200

    locked = login(client, "ada@example.org", "wrong-password")

    assert locked.status_code == 429
    assert "Too many attempts to log in" in locked.content.decode()
    # Even the right password is refused while the lock lasts.
    again = login(client, "ada@example.org", TEST_PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_ten_wrong_passwords_in_a_row_never_give_a_server_error(client):
    UserFactory(email="ada@example.org")
    statuses = [login(client, "ada@example.org", f"wrong-{n}").status_code for n in range(10)]
    assert set(statuses) <= {200, 429}
    assert statuses[-1] == 429


def test_the_lock_holds_for_the_address_too_whatever_the_account(client, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        UserFactory(email=f"user{n}@example.org")
        login(client, f"user{n}@example.org", "wrong-password")
    other = UserFactory(email="other@example.org")
    response = login(client, other.email, TEST_PASSWORD)
    assert response.status_code == 429


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-secret-77")


def test_password_change_with_a_wrong_old_password_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong", "new_password1": "brand-new-secret-77", "new_password2": "brand-new-secret-77"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def reset_link():
    match = re.search(r"http://testserver(/accounts/password/reset/[^\s]+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_password_reset_works_once(client):
    user = UserFactory(email="ada@example.org")
    response = client.post(reverse("accounts:password-reset"), {"email": "ada@example.org"})
    assert response["Location"] == reverse("accounts:password-reset-done")
    assert mail.outbox[-1].subject == "Reset your Masters in Public Technology password"
    link = reset_link()

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": "fresh-start-2027", "new_password2": "fresh-start-2027"})
    assert done["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password("fresh-start-2027")

    second = client.get(link, follow=True)
    assert "This reset link does not work" in second.content.decode()
    assert "It has already been used" in second.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"}, follow=True)
    assert "we have sent it a link" in response.content.decode()
    assert mail.outbox == []


def test_profile_shows_and_saves_details(client):
    user = UserFactory(full_name="Jo Marsh", roles=[])
    client.force_login(user)
    page = client.get(reverse("accounts:profile"))
    assert "Jo Marsh" in page.content.decode()
    assert f'<a href="{reverse("my_emails:email-list")}">Emails we sent you</a>' in page.content.decode()

    response = client.post(reverse("accounts:profile"), {"full_name": "Josephine Marsh", "preferred_name": "Jo"})

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.preferred_name) == ("Josephine Marsh", "Jo")


def test_profile_refuses_an_empty_name_and_keeps_the_old_one(client):
    user = UserFactory(full_name="Jo Marsh")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"full_name": "", "preferred_name": ""})
    assert response.status_code == 200
    assert User.objects.get(pk=user.pk).full_name == "Jo Marsh"


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        ([Role.STAFF], "/staff/"),
        ([Role.REVIEWER], "/staff/"),
        ([Role.APPLICANT], "/apply/status/"),
        ([Role.STUDENT], "/theses/my/"),
        ([], "/accounts/profile/"),
    ],
)
def test_people_land_on_their_own_work_after_logging_in(client, roles, landing):
    user = UserFactory(roles=roles)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD})
    assert response["Location"] == landing


def test_a_next_page_still_wins_over_the_landing_page(client):
    user = UserFactory(roles=[Role.STAFF])
    response = client.post(
        reverse("accounts:login") + "?next=/modules/", {"username": user.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/modules/"
