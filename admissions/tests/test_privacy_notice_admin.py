import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admissions import selectors
from admissions.models import PrivacyNotice
from admissions.tests.builders import admin_user, reviewer_user, submitted
from admissions.tests.factories import PrivacyNoticeFactory

pytestmark = pytest.mark.django_db
URL = reverse("admissions:privacy-notice-admin")


@pytest.fixture
def admin(client):
    client.force_login(admin_user())
    return client


def test_admins_see_every_version_with_how_many_agreed_to_it(admin):
    first = submitted().privacy_notice
    PrivacyNotice.objects.filter(pk=first.pk).update(version="2026-1", published_at=timezone.now()
                                                     - datetime.timedelta(days=30))
    second = PrivacyNoticeFactory(version="2026-2")

    page = admin.get(URL).content.decode()

    assert '<tr><th scope="row">2026-1</th>' in page
    assert page.index("2026-2") < page.index("2026-1")  # newest first
    row = page[page.index('<th scope="row">2026-1</th>'):]
    assert row[:row.index("</tr>")].endswith('<td class="num">1</td>')
    assert f"Current: <a href=\"{reverse('admissions:privacy-notice')}\">version {second.version}</a>" in page


def test_publishing_a_new_version_makes_it_the_one_applicants_read(admin):
    PrivacyNoticeFactory(version="2026-1", body="Old words.")

    response = admin.post(URL, {"version": "2027-1", "title": "How we use your application",
                                "body": "We keep your application for **one year**."})

    assert response.status_code == 302
    assert selectors.current_privacy_notice().version == "2027-1"
    public = admin.get(reverse("admissions:privacy-notice")).content.decode()
    assert "<strong>one year</strong>" in public
    assert PrivacyNotice.objects.get(version="2026-1").body == "Old words."


def test_a_version_name_that_exists_is_refused(admin):
    PrivacyNoticeFactory(version="2026-1")

    response = admin.post(URL, {"version": "2026-1 ", "title": "T", "body": "B"})

    assert response.status_code == 400
    assert "Version 2026-1 already exists: give this one a new name." in response.content.decode()
    assert PrivacyNotice.objects.count() == 1


def test_a_reviewer_cannot_publish_one(client):
    client.force_login(reviewer_user())
    assert client.post(URL, {"version": "9", "title": "T", "body": "B"}).status_code == 404
    assert not PrivacyNotice.objects.exists()


def test_a_notice_dated_in_the_future_is_not_current_yet():
    now_notice = PrivacyNoticeFactory(version="now")
    PrivacyNoticeFactory(version="later", published_at=timezone.now() + datetime.timedelta(days=3))
    assert selectors.current_privacy_notice() == now_notice


def test_the_page_costs_the_same_queries_at_two_sizes(admin):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(URL).status_code == 200
        return len(queries)

    submitted()
    small = count()
    for _ in range(4):
        submitted()
    assert count() == small
