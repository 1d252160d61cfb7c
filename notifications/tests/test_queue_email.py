import pytest
from django.core import mail
from django.db import transaction

from accounts.tests.factories import UserFactory
from notifications.models import OutboundEmail, OutboundEmailObject
from notifications.services import UnknownPurpose, queue_email
from notifications.tests.factories import TEST_ACK, TEST_PURPOSE, EmailTemplateFactory

pytestmark = pytest.mark.django_db(transaction=True)
State = OutboundEmail.State


def _queue(**overrides):
    options = {
        "purpose": TEST_ACK,
        "to": ["sam@example.org"],
        "context": {"name": "Sam", "programme": "MPT"},
        "idempotency_key": "app-1-received",
    }
    options.update(overrides)
    return queue_email(**options)


def test_queued_mail_is_rendered_frozen_and_delivered_after_commit():
    with transaction.atomic():
        email = _queue()
        assert mail.outbox == []  # nothing leaves before the event commits
    email.refresh_from_db()
    assert email.state == State.SENT
    assert email.subject == "We received your application to MPT"
    assert email.body_text.startswith("Hello Sam,\n\nWe received your application to **MPT**.")
    assert "<strong>MPT</strong>" in email.body_html
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["sam@example.org"]
    assert sent.extra_headers["Message-ID"] == email.message_id
    assert sent.alternatives[0].mimetype == "text/html"


def test_rollback_of_the_event_leaves_no_mail():
    with pytest.raises(RuntimeError), transaction.atomic():
        _queue()
        raise RuntimeError("the event failed")
    assert OutboundEmail.objects.count() == 0
    assert mail.outbox == []


def test_same_idempotency_key_queues_one_mail_only():
    first = _queue()
    second = _queue(context={"name": "Someone else", "programme": "X"})
    assert second.pk == first.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1


def test_message_id_is_derived_from_the_key():
    email = _queue()
    assert email.message_id == OutboundEmail.message_id_for("app-1-received")
    assert email.message_id.startswith("<") and email.message_id.endswith("@mpt.invalid>")


def test_decision_is_staged_and_not_sent():
    email = queue_email(
        purpose=TEST_PURPOSE,
        to=["sam@example.org"],
        context={"name": "Sam", "link": "https://example.org/offer/1/"},
        idempotency_key="offer-1",
    )
    email.refresh_from_db()
    assert email.state == State.STAGED
    assert email.subject == "Action needed: Your offer from Masters in Public Technology"
    assert mail.outbox == []


def test_staff_edited_template_is_used():
    EmailTemplateFactory(purpose=TEST_ACK, subject="Thanks, {name}", body="Got it: {programme}")
    email = _queue()
    assert (email.subject, email.body_text) == ("Thanks, Sam", "Got it: MPT")


def test_user_recipient_and_subject_objects_are_recorded():
    user = UserFactory(email="sam@example.org")
    other = UserFactory()
    email = _queue(to=[user], subject_objects=[other])
    assert email.recipient == user
    assert email.to == ["sam@example.org"]
    about = OutboundEmailObject.objects.get(email=email)
    assert (about.content_type.model, about.object_id) == ("user", str(other.pk))


def test_recipient_found_by_address_in_any_case():
    user = UserFactory(email="sam@example.org")
    assert _queue(to=["Sam@Example.org"]).recipient == user


def test_scheduled_mail_waits():
    from datetime import timedelta

    from django.utils import timezone

    email = _queue(send_after=timezone.now() + timedelta(hours=1))
    email.refresh_from_db()
    assert email.state == State.QUEUED
    assert email.dispatched_at is None
    assert mail.outbox == []


def test_attachment_travels_with_the_mail():
    _queue(attachments=[("lecture.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")])
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert (filename, mimetype) == ("lecture.ics", "text/calendar")
    assert "BEGIN:VCALENDAR" in (content.decode() if isinstance(content, bytes) else content)


def test_unknown_purpose_is_refused():
    with pytest.raises(UnknownPurpose):
        _queue(purpose="nobody.registered.this")


def test_missing_placeholder_in_context_is_refused():
    with pytest.raises(ValueError, match="programme"):
        _queue(context={"name": "Sam"})
    assert OutboundEmail.objects.count() == 0


def test_a_database_without_insert_returning_still_queues_once(monkeypatch):
    """MySQL, say: the row goes in through a savepoint, the account is looked up first."""
    monkeypatch.setattr("notifications.services._can_insert_returning", lambda connection: False)
    user = UserFactory(email="sam@example.org")
    first = _queue(to=["SAM@example.org"])
    assert first.recipient == user
    assert _queue(to=["someone@example.org"]).pk == first.pk
    assert _queue(to=["nobody@example.org"], idempotency_key="other").recipient is None
    assert OutboundEmail.objects.count() == 2
