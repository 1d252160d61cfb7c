"""Django's mail API into the outbox: EMAIL_BACKEND = "notifications.backends.OutboxBackend".

Mail sent with `EmailMessage(...).send()` becomes an OutboundEmail row in the
caller's transaction and is delivered by the same task as `queue_email` mail.
The purpose comes from an `X-MPT-Purpose` header, else "system" (Django's own
mail, such as error reports, stored as written).

A message naming a registered purpose (the account mails: accounts/mail.py)
carries, as `message.context`, the value of every placeholder the purpose
declares; one that lacks any is refused. It is stored as its sender wrote it
until staff edit the purpose's template; then it is rendered from their text
with that context, by `services.email_render`, like every other mail.
"""

import base64
import uuid
from email.mime.base import MIMEBase

from django.core.mail.backends.base import BaseEmailBackend

from .registry import get_purpose
from .rendering import Rendered
from .services import email_render, placeholders_check, store_email
from .template_cache import saved_template

PURPOSE_HEADER = "X-MPT-Purpose"


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            store_message(message)
            count += 1
        return count


def _header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return key, value
    return None, None


def store_message(message):
    headers = dict(message.extra_headers)
    key, purpose = _header(headers, PURPOSE_HEADER)
    if key:
        headers.pop(key)
    purpose = purpose or "system"
    html = next((content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
    rendered = Rendered(subject=message.subject, body_text=message.body, body_html=html)
    rendered = _restyled(purpose, message, rendered)
    return store_email(
        purpose=purpose,
        rendered=rendered,
        to=message.to or message.cc or message.bcc,
        cc=message.cc if message.to else [],
        bcc=message.bcc if (message.to or message.cc) else [],
        idempotency_key=f"django-mail:{uuid.uuid4()}",
        reply_to=message.reply_to,
        attachments=[_attachment(a) for a in message.attachments],
        from_email=message.from_email,
        headers=headers,
    )


def _restyled(purpose_key, message, rendered):
    """The message as written, or rendered from staff's template of its purpose if they edited one."""
    spec = get_purpose(purpose_key)
    if spec is None:
        return rendered
    context = getattr(message, "context", None) or {}
    placeholders_check(purpose=spec, context=context)
    if not saved_template(purpose_key):
        return rendered
    return email_render(purpose=spec, context=context)


def _attachment(item):
    if isinstance(item, MIMEBase):
        filename = item.get_filename() or "attachment"
        content = item.get_payload(decode=True) or b""
        mimetype = item.get_content_type()
    else:
        filename, content, mimetype = item
        content = content.encode() if isinstance(content, str) else content
    return {
        "filename": filename or "attachment",
        "mimetype": mimetype or "application/octet-stream",
        "content": base64.b64encode(content).decode(),
    }
