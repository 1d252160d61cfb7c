"""A transport for development: one line per mail on the console, saying where to read it.

MPT_DELIVERY_EMAIL_BACKEND = "notifications.console.ConsoleLineBackend", the
default when EMAIL_URL is unset. Every mail is already a row in the outbox, so
the console names its recipients and subject and the two pages that show it
(the recipient's own mail, and the staff outbox) instead of pages of MIME that
bury everything else. Delivery records the mail as sent, as after a real SMTP
server accepted it. EMAIL_URL=consolemail:// still prints whole messages.
"""

import sys
import threading
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from .models import OutboundEmail

_held = ContextVar("notifications_console_lines_held", default=False)


@contextmanager
def console_lines_held():
    """Print no line for mail delivered inside this block (demo data: its summary says it all)."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def console_line(message):
    """`Mail to …: "subject". Read it at …`, the pages naming the outbox row that holds the message."""
    recipients = ", ".join([*message.to, *message.cc, *message.bcc]) or "nobody"
    message_id = next((value for key, value in message.extra_headers.items() if key.lower() == "message-id"), None)
    email = (
        OutboundEmail.objects.filter(message_id=message_id).select_related("recipient").only(
            "pk", "recipient__email").first()
        if message_id else None
    )
    site = settings.SITE_URL
    if email is None:
        places = [f"{site}{reverse('notifications:outbox')}"]
    else:
        places = [f"{site}{reverse('notifications:outbox-detail', args=[email.pk])}"]
        if email.recipient is not None:
            mine = f"{site}{reverse('my_emails:email-detail', args=[email.pk])}"
            places.insert(0, f"{mine} (logged in as {email.recipient.email})")
    return f'Mail to {recipients}: "{message.subject}". Read it at {" or ".join(places)}'


class ConsoleLineBackend(BaseEmailBackend):
    def __init__(self, *args, stream=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = stream
        self._lock = threading.RLock()

    def send_messages(self, email_messages):
        if not email_messages:
            return 0
        if _held.get():
            return len(email_messages)
        # Looked up at send time: a Celery worker or a test may have replaced sys.stdout.
        stream = self.stream or sys.stdout
        with self._lock:
            for message in email_messages:
                stream.write(console_line(message) + "\n")
            stream.flush()
        return len(email_messages)
