"""Control characters and text that is not UTF-8 are a 400 with our page, wherever they are."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role

pytestmark = pytest.mark.django_db

HEADING = "<h1>We could not read what was sent</h1>"


def assert_refused(response):
    assert response.status_code == 400
    assert HEADING in response.content.decode()
    assert "text/html" in response["Content-Type"]


@pytest.mark.parametrize(("url", "role"), [
    ("/lecturers/?discipline=%00", "anonymous"),
    ("/timetable/feeds/personal/a%00b.ics", "anonymous"),
    ("/staff/theses/?q=a%00b", Role.STAFF),
    ("/staff/lecturers/people/?q=a%00b", Role.STAFF),
])
def test_a_nul_byte_that_was_a_server_error_is_a_bad_request(client_for, url, role):
    assert_refused(client_for(str(role)).get(url))


@pytest.mark.parametrize("url", [
    "/modules/?q=%01",          # a C0 control character in a value
    "/modules/?q%00=x",         # ... in a parameter's name
    "/modules/?q=%ff",          # a byte that is not UTF-8
    "/modules/?q=%ed%a0%80",    # a lone surrogate, UTF-8 encoded
    "/modules/?q=%c0%af",       # an overlong encoding
    "/modules/a%00b/",          # NUL in the path
    "/modules/a%09b/",          # a tab has no place in a path
])
def test_control_characters_and_bad_encodings_are_refused(client, url):
    assert_refused(client.get(url))


def test_a_path_that_is_not_utf8_stays_percent_encoded_and_is_not_found(client):
    # Django re-encodes the bytes it cannot decode, so no view sees them as text.
    response = client.get("/modules/%e9t%e9/")
    assert response.status_code == 404


def test_tabs_and_line_breaks_in_a_query_value_are_accepted(client):
    response = client.get("/modules/?q=data%09ethics%0D%0Anow")
    assert response.status_code == 200


def test_ordinary_unicode_is_accepted(client):
    response = client.get("/modules/?q=%D8%B9%D8%B1%D8%A8%D9%8A+%F0%9F%98%80+e%CC%81")
    assert response.status_code == 200


def test_a_form_field_with_a_nul_byte_is_refused_and_nothing_is_created(client):
    body = urlencode({
        "full_name": "Ada\x00Lovelace", "email": "ada@example.org",
        "password1": "a long enough password 1", "password2": "a long enough password 1",
    })
    response = client.post(reverse("accounts:signup"), body, content_type="application/x-www-form-urlencoded")
    assert_refused(response)
    assert not User.objects.filter(email="ada@example.org").exists()


def test_a_form_body_that_is_not_utf8_is_refused(client):
    response = client.post(reverse("accounts:login"), b"username=%ff%fe&password=x",
                           content_type="application/x-www-form-urlencoded")
    assert_refused(response)


def test_a_line_break_in_a_form_value_is_accepted(client):
    body = urlencode({"username": "nobody@example.org", "password": "a\r\nb"})
    response = client.post(reverse("accounts:login"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert HEADING not in response.content.decode()


def test_a_cookie_with_a_control_character_is_refused(client):
    client.cookies["sessionid"] = "abcdefgh\x01ijkl"
    assert_refused(client.get(reverse("home")))


def test_the_refusal_carries_the_security_headers(client):
    response = client.get("/modules/?q=%00")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"].startswith("accelerometer=()")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_a_bad_request_raised_elsewhere_gets_the_same_page(client, settings):
    settings.ALLOWED_HOSTS = ["mpt.example.org"]
    assert_refused(client.get(reverse("home"), HTTP_HOST="evil.example.com"))
