import re

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import User
from accounts.services import account as account_services
from accounts.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "Noor Haddad",
    "email": "noor@example.org",
    "password1": "a-quiet-harbour-42",
    "password2": "a-quiet-harbour-42",
}


def signup(client, **overrides):
    return client.post(reverse("accounts:signup"), {**GOOD, **overrides})


def verification_link():
    assert len(mail.outbox) == 1
    match = re.search(r"http://testserver(/accounts/verify/[^\s]+/)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_signup_creates_an_inactive_applicant_and_sends_a_verification_link(client):
    response = signup(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup-done")
    user = User.objects.get(email="noor@example.org")
    assert user.full_name == "Noor Haddad"
    assert not user.is_active
    assert user.email_verified_at is None
    assert user.role_names() == {"applicant"}
    assert mail.outbox[0].to == ["noor@example.org"]
    assert mail.outbox[0].subject == "Confirm your email address for Masters in Public Technology"
    page = client.get(response["Location"])
    assert "noor@example.org" in page.content.decode()


def test_following_the_link_activates_the_account_and_login_then_works(client):
    signup(client)
    link = verification_link()

    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(email="noor@example.org")
    assert user.is_active and user.email_verified_at is not None
    response = client.post(reverse("accounts:login"), {"username": "Noor@Example.org", "password": GOOD["password1"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("admissions:status")  # a new applicant lands on their applications
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    assert "noor@example.org" in profile.content.decode()


def test_following_the_link_twice_is_harmless(client):
    signup(client)
    link = verification_link()
    client.get(link)
    first = User.objects.get(email="noor@example.org").email_verified_at

    response = client.get(link)

    assert response.status_code == 302
    assert User.objects.get(email="noor@example.org").email_verified_at == first


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def page_without_csrf(response):
    return CSRF.sub("", response.content.decode())


def test_signup_with_an_address_that_has_an_account_answers_exactly_as_a_new_one(client):
    first = signup(client)
    first_page = page_without_csrf(client.get(first["Location"]))
    User.objects.filter(email="noor@example.org").update(is_active=True, email_verified_at="2026-01-05T10:00Z")
    mail.outbox.clear()

    client.cookies.clear()
    again = signup(client, full_name="Someone Else", email="NOOR@example.org", password1="another-long-pass-9",
                   password2="another-long-pass-9")

    assert (again.status_code, again["Location"]) == (first.status_code, first["Location"])
    assert page_without_csrf(client.get(again["Location"])) == first_page
    assert "We have sent a link to <strong>noor@example.org</strong>" in first_page


@pytest.mark.parametrize("email", ["taken@example.org", "TAKEN@Example.org"])
def test_signup_with_a_taken_address_mails_its_owner_and_changes_nothing(client, email):
    owner = UserFactory(email="taken@example.org", full_name="Ada Owner", preferred_name="Ada")

    response = signup(client, email=email)

    assert response["Location"] == reverse("accounts:signup-done")
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1
    owner.refresh_from_db()
    assert (owner.full_name, owner.check_password(TEST_PASSWORD)) == ("Ada Owner", True)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["taken@example.org"], "You already have an account on Masters in Public Technology")
    ]
    body = mail.outbox[0].body
    assert body.startswith("Hello Ada,\n\nSomeone, perhaps you, tried to create an account")
    assert "\nhttp://testserver/accounts/login/\n" in body
    assert "choose a new one here: http://testserver/accounts/password/reset/\n" in body
    assert mail.outbox[0].extra_headers["X-MPT-Purpose"] == "account_signup_existing"


def test_signup_with_an_unconfirmed_address_sends_a_fresh_confirmation_link_instead(client):
    UserFactory(unverified=True, email="wait@example.org")

    signup(client, email="wait@example.org")

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["wait@example.org"], "Confirm your email address for Masters in Public Technology")
    ]
    client.get(verification_link())
    assert User.objects.get(email="wait@example.org").is_active


def test_signup_hashes_the_password_whether_or_not_the_address_is_taken(client, monkeypatch):
    hashed = []
    real = account_services.make_password
    monkeypatch.setattr(account_services, "make_password", lambda password: hashed.append(password) or real(password))
    UserFactory(email="taken@example.org")

    signup(client)
    signup(client, email="taken@example.org", password1="second-long-pass-7", password2="second-long-pass-7")

    assert hashed == ["a-quiet-harbour-42", "second-long-pass-7"]


def test_signup_race_on_the_same_address_is_answered_as_a_taken_address(monkeypatch):
    # Both requests found no account; the database decides at insert.
    UserFactory(email="noor@example.org", preferred_name="Noor")
    answers = iter([None])
    real = account_services._account_with
    monkeypatch.setattr(account_services, "_account_with", lambda email: next(answers, None) or real(email))

    result = services.user_signup(email="noor@example.org", full_name="Noor", password=GOOD["password1"])

    assert result is None
    assert User.objects.filter(email="noor@example.org").count() == 1
    assert [m.subject for m in mail.outbox] == ["You already have an account on Masters in Public Technology"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password1": "password", "password2": "password"}, "password1", "This password is too short"),
        ({"password1": "1234567890123", "password2": "1234567890123"}, "password1", "entirely numeric"),
        ({"password2": "something-else-entirely"}, "password2", "The two passwords do not match."),
        ({"email": "not-an-email"}, "email", "Enter your email address in the correct format, like name@example.org"),
        ({"full_name": ""}, "full_name", "Enter your full name"),
    ],
)
def test_bad_signup_input_gets_a_message_beside_the_field_and_creates_nothing(client, overrides, field, message):
    response = signup(client, **overrides)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}-error"' in html
    described = (f'aria-describedby="id_{field}-hint id_{field}-error"', f'aria-describedby="id_{field}-error"')
    assert any(attribute in html for attribute in described)
    assert '<div class="error-summary"' in html
    assert f'href="#id_{field}"' in html
    assert "<title>Error: Create an account" in html
    assert User.objects.count() == 0
    assert mail.outbox == []


def test_signup_keeps_what_the_user_typed_after_an_error(client):
    response = signup(client, password2="different-password-1")
    assert 'value="Noor Haddad"' in response.content.decode()
    assert 'value="noor@example.org"' in response.content.decode()


def test_if_the_mail_cannot_be_sent_nothing_is_created(client, monkeypatch):
    def broken_send(user, next_url=""):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(account_services, "send_verification_email", broken_send)
    with pytest.raises(ConnectionRefusedError):
        services.user_signup(email="noor@example.org", full_name="Noor", password=GOOD["password1"])
    assert not User.objects.filter(email="noor@example.org").exists()


def test_an_expired_link_says_so_and_activates_nothing(client, settings):
    signup(client)
    link = verification_link()
    settings.ACCOUNT_VERIFICATION_MAX_AGE = -1

    response = client.get(link)

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert not User.objects.get(email="noor@example.org").is_active


def test_a_tampered_link_says_it_does_not_work(client):
    signup(client)
    link = verification_link()
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    response = client.get(tampered)

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert not User.objects.get(email="noor@example.org").is_active


def test_a_link_for_an_address_since_changed_does_not_verify(client):
    user = UserFactory(unverified=True, email="old@example.org")
    token = services.make_verification_token(user)
    user.email = "new@example.org"
    user.save()

    response = client.get(reverse("accounts:verify-email", args=[token]))

    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_a_token_signed_for_another_purpose_is_refused(client):
    user = UserFactory(unverified=True)
    foreign = signing.TimestampSigner(salt="something-else").sign_object({"u": user.pk, "e": user.email})
    response = client.get(reverse("accounts:verify-email", args=[foreign]))
    assert response.status_code == 400


def test_unverified_user_with_the_right_password_is_told_to_confirm(client):
    UserFactory(unverified=True, email="wait@example.org")

    response = client.post(reverse("accounts:login"), {"username": "wait@example.org", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "You have not confirmed your email address yet" in response.content.decode()


def test_unverified_user_with_a_wrong_password_learns_nothing_more(client):
    UserFactory(unverified=True, email="wait@example.org")

    response = client.post(reverse("accounts:login"), {"username": "wait@example.org", "password": "wrong-one-123"})

    html = response.content.decode()
    assert "The email address or password is not right" in html
    assert "not confirmed" not in html


def test_resend_sends_a_new_link_only_to_unconfirmed_accounts_and_says_the_same_either_way(client):
    UserFactory(unverified=True, email="wait@example.org")
    UserFactory(email="done@example.org")

    first = client.post(reverse("accounts:verify-resend"), {"email": "wait@example.org"}, follow=True)
    second = client.post(reverse("accounts:verify-resend"), {"email": "done@example.org"}, follow=True)
    third = client.post(reverse("accounts:verify-resend"), {"email": "nobody@example.org"}, follow=True)

    assert [m.to for m in mail.outbox] == [["wait@example.org"]]
    for response in (first, second, third):
        assert "If that address belongs to an account waiting for confirmation" in response.content.decode()


def test_signed_in_users_are_sent_from_signup_to_their_profile(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:signup"))["Location"] == reverse("accounts:profile")


def test_new_applicants_get_only_the_applicant_group(client):
    signup(client)
    user = User.objects.get(email="noor@example.org")
    assert list(user.groups.all()) == [Group.objects.get(name="applicant")]


def test_signup_reports_every_password_problem_at_once_beside_the_field_and_in_the_summary(client):
    response = signup(client, password1="12345678", password2="12345679")

    html = response.content.decode()
    try:
        password_validation.validate_password("12345678", User(email=GOOD["email"], full_name=GOOD["full_name"]))
    except ValidationError as error:
        messages = error.messages
    assert len(messages) == 3  # too short, too common, only numbers
    beside = re.search(r'<p class="field-error" id="id_password1-error">(.*?)</p>', html, re.S).group(1)
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S).group(0)
    for message in messages:
        assert message in beside
        assert f'<a href="#id_password1">{message}</a>' in summary
    assert '<a href="#id_password2">The two passwords do not match.</a>' in summary
    assert User.objects.count() == 0
    assert mail.outbox == []
