from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from accounts.tests.factories import UserFactory
from notifications.models import EmailTemplate, OutboundEmail
from notifications.tests.factories import TEST_ACK, EmailTemplateFactory, OutboundEmailFactory

State = OutboundEmail.State
OUTBOX = reverse("notifications:outbox")


@pytest.fixture
def staff(client):
    user = UserFactory(roles=[Role.STAFF], full_name="Ada Okafor")
    client.force_login(user)
    return client


@pytest.fixture
def applicant(client):
    user = UserFactory(roles=[Role.APPLICANT])
    client.force_login(user)
    client.user = user
    return client


def _subjects(response):
    return [row["email"].subject for row in response.context["rows"]]


# --- The list ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_outbox_list_costs_the_same_queries_whatever_the_size(staff, count, django_assert_num_queries):
    for n in range(count):
        OutboundEmailFactory(failed=True, last_error=f"550 5.1.1 <gone{n}@example.org>: no such user")
        OutboundEmailFactory(attempts=2, last_error=f"451 4.3.0 Try again later ({n})")
    OutboundEmailFactory.create_batch(count, staged=True)
    # session, user, groups (twice: access, nav); state counts; stale-queued check; page count; rows
    with django_assert_num_queries(7):
        response = staff.get(OUTBOX)
    assert len(response.context["rows"]) == 3 * count
    page = response.content.decode()
    assert [e.subject for e in OutboundEmail.objects.all() if e.subject not in page] == []
    for n in range(count):
        assert f"Last error: 550 5.1.1 &lt;gone{n}@example.org&gt;: no such user</div>" in page
        assert f"Will try again. Last error: 451 4.3.0 Try again later ({n})</div>" in page
    assert page.count('<div class="outbox-error">') == 2 * count


@pytest.mark.django_db
def test_a_sent_mail_does_not_show_the_error_it_had_before_it_went(staff):
    OutboundEmailFactory(sent=True, attempts=2, last_error="451 4.3.0 Try again later")
    page = staff.get(OUTBOX).content.decode()
    assert "Last error" not in page
    assert "451 4.3.0" not in page


@pytest.mark.django_db
def test_filters_and_search_come_from_the_url(staff):
    OutboundEmailFactory(subject="Your offer", staged=True, to=["sam@example.org"])
    OutboundEmailFactory(subject="Reference request", failed=True, to=["ref@example.org"])
    OutboundEmailFactory(subject="Timetable change", sent=True, purpose="system")
    assert _subjects(staff.get(OUTBOX, {"state": "failed"})) == ["Reference request"]
    assert _subjects(staff.get(OUTBOX, {"q": "sam@example"})) == ["Your offer"]
    assert _subjects(staff.get(OUTBOX, {"purpose": "system"})) == ["Timetable change"]
    response = staff.get(OUTBOX, {"state": "staged"})
    assert response.context["showing_staged"] is True
    assert "Release all 1 staged email" in response.content.decode()


@pytest.mark.django_db
def test_state_tabs_show_counts(staff):
    OutboundEmailFactory.create_batch(2, failed=True)
    OutboundEmailFactory(sent=True)
    tabs = {link["value"]: link["count"] for link in staff.get(OUTBOX).context["state_links"]}
    assert tabs == {"": 3, "staged": 0, "queued": 0, "sending": 0, "sent": 1, "failed": 2, "discarded": 0}


@pytest.mark.django_db
def test_list_paginates_at_fifty(staff):
    OutboundEmailFactory.create_batch(51, sent=True)
    response = staff.get(OUTBOX)
    assert len(response.context["rows"]) == 50
    assert len(staff.get(OUTBOX, {"page": 2}).context["rows"]) == 1


@pytest.mark.django_db
def test_empty_outbox_says_what_happens_next(staff):
    assert "Emails appear here as soon as something in the system sends one" in staff.get(OUTBOX).content.decode()


# --- The warning banner ------------------------------------------------------------


@pytest.mark.django_db
def test_banner_warns_of_mail_queued_over_ten_minutes(staff):
    OutboundEmailFactory(queued_at=timezone.now() - timedelta(minutes=11))
    OutboundEmailFactory(queued_at=timezone.now() - timedelta(minutes=2))
    response = staff.get(OUTBOX)
    assert response.context["health"].stale_queued == 1
    assert "1 queued email has waited more than ten minutes (the oldest for 11 minutes)" in response.content.decode()


@pytest.mark.django_db
def test_no_banner_when_all_is_well(staff):
    from django.core.cache import cache

    from core.health import HEARTBEAT_KEY

    cache.set(HEARTBEAT_KEY, timezone.now().isoformat())
    OutboundEmailFactory(queued_at=timezone.now() - timedelta(minutes=2))
    assert "Emails may not be going out" not in staff.get(OUTBOX).content.decode()


@pytest.mark.django_db
def test_banner_warns_when_no_worker_reported_in_five_minutes(staff, settings):
    from django.core.cache import cache

    from core.health import HEARTBEAT_KEY

    settings.CELERY_BROKER_URL = "redis://broker.invalid:6379/0"
    assert "No background worker has reported since" in staff.get(OUTBOX).content.decode()
    cache.set(HEARTBEAT_KEY, (timezone.now() - timedelta(minutes=6)).isoformat())
    assert "No background worker has reported for 36" in staff.get(OUTBOX).content.decode()
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat())
    assert "Emails may not be going out" not in staff.get(OUTBOX).content.decode()


# --- One mail ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("objects", [1, 3])
def test_detail_costs_the_same_queries_whatever_it_concerns(staff, objects, django_assert_num_queries):
    from notifications.models import OutboundEmailObject

    email = OutboundEmailFactory(failed=True)
    users = UserFactory.create_batch(objects)
    for user in users:
        OutboundEmailObject.objects.create(email=email, content_type_id=_user_ct(), object_id=user.pk, label=user.email)
    # session, user, groups (access, nav); the mail with its people; its objects; their types; stale check
    with django_assert_num_queries(7):
        response = staff.get(email.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert [user.email for user in users if user.email not in page] == []
    assert email.subject in page and "550 5.1.1 No such user here" in page


def _user_ct():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(UserFactory._meta.model).pk


@pytest.mark.django_db
def test_detail_shows_the_mail_as_sent_and_the_server_answer(staff):
    email = OutboundEmailFactory(
        failed=True,
        subject="Your reference",
        body_text="Dear Jo,\n\n<b>not bold</b>",
        last_error="550 5.1.1 <jo@x>: no such user",
    )
    page = staff.get(email.get_absolute_url()).content.decode()
    assert "550 5.1.1 &lt;jo@x&gt;: no such user" in page
    assert "Dear Jo,\n\n&lt;b&gt;not bold&lt;/b&gt;</pre>" in page
    assert email.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "Retry sending" in page


@pytest.mark.django_db
def test_html_version_is_served_sandboxed(staff):
    email = OutboundEmailFactory(sent=True, body_html="<p>Hello</p>")
    response = staff.get(reverse("notifications:outbox-html", args=[email.pk]))
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'; frame-ancestors 'self'"
    assert b"<body><p>Hello</p></body>" in response.content


@pytest.mark.django_db
def test_raw_message_download_has_the_stable_message_id(staff):
    email = OutboundEmailFactory(sent=True)
    response = staff.get(reverse("notifications:outbox-raw", args=[email.pk]))
    assert f"Message-ID: {email.message_id}".encode() in response.content


# --- Actions -------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_release_sends_a_staged_mail(roles, staff):
    email = OutboundEmailFactory(staged=True)
    response = staff.post(reverse("notifications:outbox-release", args=[email.pk]))
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.state == State.SENT
    assert email.released_by.full_name == "Ada Okafor"
    assert [m.subject for m in mail.outbox] == [email.subject]


@pytest.mark.django_db
def test_non_staff_cannot_release_and_nothing_changes(applicant):
    email = OutboundEmailFactory(staged=True)
    assert applicant.post(reverse("notifications:outbox-release", args=[email.pk])).status_code == 403
    email.refresh_from_db()
    assert email.state == State.STAGED
    assert (email.released_by, email.queued_at, email.dispatched_at, email.sent_at) == (None, None, None, None)
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_bulk_release_of_selected_mails_reports_the_count(roles, staff):
    chosen = OutboundEmailFactory.create_batch(2, staged=True)
    left = OutboundEmailFactory(staged=True)
    sent = OutboundEmailFactory(sent=True)
    response = staff.post(
        reverse("notifications:outbox-bulk-release"),
        {"scope": "selected", "ids": [e.pk for e in chosen] + [sent.pk]},
        follow=True,
    )
    assert "Released 2 emails" in response.content.decode()
    assert sorted(OutboundEmail.objects.filter(state=State.SENT).values_list("pk", flat=True)) == sorted(
        [e.pk for e in chosen] + [sent.pk]
    )
    left.refresh_from_db()
    assert left.state == State.STAGED
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_bulk_release_all_follows_the_filters(roles, staff):
    OutboundEmailFactory.create_batch(3, staged=True, subject="Offer")
    other = OutboundEmailFactory(staged=True, subject="Rejection")
    response = staff.post(reverse("notifications:outbox-bulk-release"), {"scope": "all", "q": "Offer"}, follow=True)
    assert "Released 3 emails" in response.content.decode()
    other.refresh_from_db()
    assert other.state == State.STAGED


@pytest.mark.django_db
def test_discard_keeps_the_row_and_sends_nothing(staff):
    email = OutboundEmailFactory(staged=True)
    staff.post(reverse("notifications:outbox-discard", args=[email.pk]))
    email.refresh_from_db()
    assert email.state == State.DISCARDED
    assert mail.outbox == []


@pytest.mark.django_db
def test_sent_mail_cannot_be_discarded(staff):
    email = OutboundEmailFactory(sent=True)
    response = staff.post(reverse("notifications:outbox-discard", args=[email.pk]), follow=True)
    assert "That could not be done" in response.content.decode()
    email.refresh_from_db()
    assert email.state == State.SENT


@pytest.mark.django_db(transaction=True)
def test_edit_the_address_of_a_failed_mail_then_retry_delivers_it(roles, staff):
    email = OutboundEmailFactory(failed=True, to=["jo@exmaple.org"], body_html="<p>Hi</p>")
    url = reverse("notifications:outbox-edit", args=[email.pk])
    staff.post(url, {"to": "jo@example.org", "subject": email.subject, "body_text": email.body_text})
    email.refresh_from_db()
    assert email.to == ["jo@example.org"]
    assert email.body_html == "<p>Hi</p>"  # text unchanged: HTML kept
    staff.post(reverse("notifications:outbox-retry", args=[email.pk]))
    email.refresh_from_db()
    assert email.state == State.SENT
    assert mail.outbox[0].to == ["jo@example.org"]


@pytest.mark.django_db
def test_edit_refuses_a_bad_address_and_keeps_the_input(staff):
    email = OutboundEmailFactory(staged=True, to=["jo@example.org"])
    response = staff.post(
        reverse("notifications:outbox-edit", args=[email.pk]),
        {"to": "not an address", "subject": "S", "body_text": "B"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "“not an address” is not an email address" in page
    assert "<title>Error: Edit email" in page
    email.refresh_from_db()
    assert email.to == ["jo@example.org"]


@pytest.mark.django_db
def test_edited_text_goes_as_plain_text_only(staff):
    email = OutboundEmailFactory(staged=True, body_html="<p>Old</p>")
    staff.post(
        reverse("notifications:outbox-edit", args=[email.pk]),
        {"to": ", ".join(email.to), "subject": "New subject", "body_text": "New text"},
    )
    email.refresh_from_db()
    assert (email.subject, email.body_text, email.body_html, email.state) == (
        "New subject",
        "New text",
        "",
        State.STAGED,
    )


# --- Templates -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("edited", [1, 2])
def test_template_list_costs_the_same_queries(staff, edited, django_assert_num_queries):
    EmailTemplateFactory(purpose=TEST_ACK, updated_by=UserFactory())
    if edited == 2:
        EmailTemplateFactory(
            purpose="account_verification", subject="Hi", body="{verify_url}", updated_by=UserFactory()
        )
    with django_assert_num_queries(4):
        response = staff.get(reverse("notifications:template-list"))
    assert sum(1 for row in response.context["rows"] if row["saved"]) == edited
    page = response.content.decode()
    labels = [str(row["purpose"].label) for row in response.context["rows"]]
    assert [label for label in labels if escape(label) not in page] == []


@pytest.mark.django_db
def test_template_editor_lists_placeholders_and_previews_sample_data(staff):
    page = staff.get(reverse("notifications:template-edit", args=[TEST_ACK])).content.decode()
    assert "<code>{name}</code></dt><dd>Their name</dd>" in page
    assert "<code>{support_email}</code>" in page
    assert "We received your application to MPT" in page  # preview with the sample


@pytest.mark.django_db
def test_template_preview_does_not_save(staff):
    url = reverse("notifications:template-edit", args=[TEST_ACK])
    response = staff.post(url, {"subject": "Got it, {name}", "body": "Thanks {name}", "action": "preview"})
    assert response.context["preview"].subject == "Got it, Sam"
    assert not EmailTemplate.objects.exists()


@pytest.mark.django_db
def test_unknown_placeholder_is_refused_at_save(staff):
    url = reverse("notifications:template-edit", args=[TEST_ACK])
    response = staff.post(url, {"subject": "Hi {nmae}", "body": "Text", "action": "save"})
    assert response.status_code == 200
    assert "{nmae} is not a placeholder this email can use" in response.content.decode()
    assert not EmailTemplate.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_saved_template_is_used_by_the_next_mail_and_user_text_is_escaped(roles, staff):
    from notifications.services import queue_email

    url = reverse("notifications:template-edit", args=[TEST_ACK])
    staff.post(url, {"subject": "Thanks {name}", "body": "Hello **{name}**", "send_html": "on", "action": "save"})
    email = queue_email(
        purpose=TEST_ACK, to=["x@example.org"], context={"name": "<i>Sam</i>", "programme": "MPT"}, idempotency_key="k"
    )
    assert email.subject == "Thanks <i>Sam</i>"
    assert email.body_html == "<p>Hello <strong>&lt;i&gt;Sam&lt;/i&gt;</strong></p>"


@pytest.mark.django_db
def test_reset_goes_back_to_the_default(staff):
    EmailTemplateFactory(purpose=TEST_ACK)
    staff.post(reverse("notifications:template-edit", args=[TEST_ACK]), {"action": "reset"})
    assert not EmailTemplate.objects.exists()


@pytest.mark.django_db
def test_unregistered_purpose_is_404(staff):
    assert staff.get(reverse("notifications:template-edit", args=["nope"])).status_code == 404


# --- A person's own mail ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_my_emails_lists_only_mine_and_never_staged(applicant, count, django_assert_num_queries):
    mine = OutboundEmailFactory.create_batch(count, sent=True, recipient=applicant.user)
    OutboundEmailFactory(staged=True, recipient=applicant.user, subject="Decision not released")
    OutboundEmailFactory(sent=True, recipient=UserFactory(), subject="Someone else's")
    with django_assert_num_queries(5):  # session, user, groups (nav), count, rows
        response = applicant.get(reverse("my_emails:email-list"))
    assert [e.pk for e in response.context["page"]] == [e.pk for e in reversed(mine)]
    assert "Decision not released" not in response.content.decode()
    assert [e.subject for e in mine if e.subject not in response.content.decode()] == []


@pytest.mark.django_db
def test_my_email_detail_shows_it_and_hides_others(applicant, django_assert_num_queries):
    mine = OutboundEmailFactory(sent=True, recipient=applicant.user, body_text="Your link: x")
    staged = OutboundEmailFactory(staged=True, recipient=applicant.user)
    with django_assert_num_queries(4):  # session, user, groups (nav), the mail
        assert "Your link: x" in applicant.get(reverse("my_emails:email-detail", args=[mine.pk])).content.decode()
    assert applicant.get(reverse("my_emails:email-detail", args=[staged.pk])).status_code == 404


# --- Attachments ----------------------------------------------------------------


@pytest.mark.django_db
def test_detail_links_each_attachment_with_its_name_type_and_size(staff):
    from notifications.tests.factories import ICS

    email = OutboundEmailFactory(sent=True, with_ics=True)
    page = staff.get(email.get_absolute_url()).content.decode()
    url = reverse("notifications:outbox-attachment", args=[email.pk, 0])
    assert f'<a href="{url}" download>Guest lecture.ics</a>' in page
    assert f"(text/calendar, {len(ICS)}\xa0bytes)" in page


@pytest.mark.django_db
def test_attachment_is_served_as_a_download_with_its_bytes_and_type(staff):
    from notifications.tests.factories import ICS

    email = OutboundEmailFactory(sent=True, with_ics=True)
    response = staff.get(reverse("notifications:outbox-attachment", args=[email.pk, 0]))
    assert response.status_code == 200
    assert response.content == ICS
    assert response["Content-Type"] == "text/calendar"
    assert response["Content-Disposition"] == 'attachment; filename="Guest lecture.ics"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_attachment_with_an_awkward_name_is_still_a_download(staff):
    import base64

    html = base64.b64encode(b"<b>x</b>").decode()
    email = OutboundEmailFactory(
        sent=True,
        attachments=[
            {"filename": "Café “notes”.html", "mimetype": "text/html", "content": html},
        ],
    )
    response = staff.get(reverse("notifications:outbox-attachment", args=[email.pk, 0]))
    assert response.content == b"<b>x</b>"
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''Caf%C3%A9")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.django_db
@pytest.mark.parametrize("index", [1, 7])
def test_attachment_index_out_of_range_is_404(staff, index):
    email = OutboundEmailFactory(sent=True, with_ics=True)
    assert staff.get(reverse("notifications:outbox-attachment", args=[email.pk, index])).status_code == 404
    assert staff.get(reverse("notifications:outbox-attachment", args=[email.pk + 1000, 0])).status_code == 404


@pytest.mark.django_db
def test_attachment_is_refused_to_other_roles_without_its_bytes(applicant):
    from notifications.tests.factories import ICS

    email = OutboundEmailFactory(sent=True, with_ics=True, recipient=applicant.user)
    response = applicant.get(reverse("notifications:outbox-attachment", args=[email.pk, 0]))
    assert response.status_code == 403
    assert ICS not in response.content
