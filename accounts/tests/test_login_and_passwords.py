import re

import pytest
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
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


def test_password_reset_works_once(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
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


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def test_password_reset_answers_the_same_with_the_same_work_whether_or_not_the_address_has_an_account(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    pages, work = [], []
    for known in (False, True):
        if known:
            UserFactory(email="ada@example.org")
        client.cookies.clear()
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=False) as callbacks, CaptureQueriesContext(
            connection
        ) as queries:
            response = client.post(reverse("accounts:password-reset"), {"email": "ada@example.org"})
        work.append((len(queries), len(callbacks)))
        for callback in callbacks:
            callback()
        done = client.get(response["Location"])
        pages.append((response.status_code, response["Location"], CSRF.sub("", done.content.decode())))
        assert [m.to for m in mail.outbox] == ([["ada@example.org"]] if known else [])

    assert pages[0] == pages[1]
    assert work[0] == work[1]
    assert work[0][1] == 1  # one task dispatched on both paths
    assert "If <strong>ada@example.org</strong> belongs to an account, we have sent it a link" in pages[0][2]


def test_password_reset_for_an_inactive_account_sends_nothing(client, django_capture_on_commit_callbacks):
    UserFactory(unverified=True, email="wait@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "wait@example.org"})
    assert mail.outbox == []


def test_password_reset_still_sends_when_the_broker_is_down(client, django_capture_on_commit_callbacks, monkeypatch):
    from kombu.exceptions import OperationalError

    from accounts import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(tasks.send_password_reset, "delay", broker_down)
    UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password-reset"), {"email": "ada@example.org"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def validator_messages(password, user):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def field_errors(html, field):
    match = re.search(rf'<p class="field-error" id="id_{field}-error">(.*?)</p>', html, re.S)
    return match.group(1) if match else ""


def test_password_change_reports_every_rule_the_new_password_breaks_at_once(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345679"},
    )
    html = response.content.decode()
    messages = validator_messages("12345678", user)
    assert len(messages) == 3  # too short, too common, only numbers
    beside = field_errors(html, "new_password1")
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    for message in messages:
        assert message in beside
        assert message in summary
    assert "The two passwords do not match." in field_errors(html, "new_password2")
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_password_reset_confirm_reports_every_rule_the_new_password_breaks_at_once(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "ada@example.org"})
    set_url = client.get(reset_link(), follow=True).redirect_chain[-1][0]

    response = client.post(set_url, {"new_password1": "ada@example.org", "new_password2": "ada@example.org"})

    html = response.content.decode()
    messages = validator_messages("ada@example.org", user)
    assert len(messages) >= 1
    for message in messages:
        assert message in field_errors(html, "new_password1")
    assert field_errors(html, "new_password2") == ""
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
