import base64

import factory
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from notifications.models import EmailTemplate, OutboundEmail, OutboundEmailObject, SentReminder
from notifications.registry import Kind, get_purpose, register_purpose

TEST_PURPOSE = "tests.decision"
TEST_ACK = "tests.ack"
ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//MPT//tests//EN\r\nEND:VCALENDAR\r\n"


def register_test_purposes():
    """Purposes that exist only in tests, so notifications' tests need no other app."""
    if get_purpose(TEST_ACK) is None:
        register_purpose(
            TEST_ACK,
            label="Test acknowledgement",
            group="Tests",
            kind=Kind.ACKNOWLEDGEMENT,
            placeholders={"name": "Their name", "programme": "The programme"},
            sample_context={"name": "Sam", "programme": "MPT"},
            subject="We received your application to {programme}",
            body="Hello {name},\n\nWe received your application to **{programme}**.\n\n{site_name}\n",
        )
        register_purpose(
            TEST_PURPOSE,
            label="Test decision",
            group="Tests",
            kind=Kind.DECISION,
            asks_for_action=True,
            placeholders={"name": "Their name", "link": "Where to answer"},
            sample_context={"name": "Sam", "link": "https://example.org/offer/1/"},
            subject="Your offer from {site_name}",
            body="Hello {name},\n\nAnswer the offer here: {link}\n",
        )


register_test_purposes()


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutboundEmail

    idempotency_key = factory.Sequence(lambda n: f"test-mail-{n}")
    message_id = factory.LazyAttribute(lambda o: OutboundEmail.message_id_for(o.idempotency_key))
    purpose = TEST_ACK
    state = OutboundEmail.State.QUEUED
    from_email = "MPT <noreply@example.org>"
    to = factory.Sequence(lambda n: [f"someone{n}@example.org"])
    subject = factory.Sequence(lambda n: f"Test mail {n}")
    body_text = "Hello,\n\nThis is a test.\n"
    queued_at = factory.LazyFunction(timezone.now)
    dispatched_at = factory.LazyFunction(timezone.now)

    class Params:
        staged = factory.Trait(state=OutboundEmail.State.STAGED, queued_at=None, dispatched_at=None)
        sent = factory.Trait(state=OutboundEmail.State.SENT, sent_at=factory.LazyFunction(timezone.now), attempts=1)
        failed = factory.Trait(
            state=OutboundEmail.State.FAILED,
            failed_at=factory.LazyFunction(timezone.now),
            attempts=1,
            last_error="550 5.1.1 No such user here",
        )
        discarded = factory.Trait(state=OutboundEmail.State.DISCARDED, dispatched_at=None)
        with_ics = factory.Trait(
            attachments=factory.LazyFunction(
                lambda: [
                    {
                        "filename": "Guest lecture.ics",
                        "mimetype": "text/calendar",
                        "content": base64.b64encode(ICS).decode(),
                    }
                ]
            )
        )


class EmailTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailTemplate
        django_get_or_create = ["purpose"]

    purpose = TEST_ACK
    subject = "Thanks: we have your application to {programme}"
    body = "Dear {name},\n\nThanks for applying to {programme}.\n"


class OutboundEmailObjectFactory(factory.django.DjangoModelFactory):
    """What a mail is about; by default its own recipient's account."""

    class Meta:
        model = OutboundEmailObject

    email = factory.SubFactory(OutboundEmailFactory)
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_by_natural_key("accounts", "user"))
    object_id = factory.Sequence(str)
    label = factory.Sequence(lambda n: f"Person {n}")


class SentReminderFactory(factory.django.DjangoModelFactory):
    """A reminder a day before something, already queued as a mail."""

    class Meta:
        model = SentReminder

    source = "tests.reminder"
    object_key = factory.Sequence(str)
    offset_seconds = 24 * 60 * 60
    email = factory.SubFactory(OutboundEmailFactory)
