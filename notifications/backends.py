"""Django's mail API into the outbox: EMAIL_BACKEND = "notifications.backends.OutboxBackend".

Mail sent with `EmailMessage(...).send()` (account verification, Django's
password reset) becomes an OutboundEmail row in the caller's transaction and is
delivered by the same task as `queue_email` mail. The purpose comes from an
`X-MPT-Purpose` header, else "system". When staff have edited the template of
that purpose, the message is re-rendered from it with what the message itself
tells: the recipient's name (the account with that address) and its first link.
"""

import base64
import re
import uuid
from email.mime.base import MIMEBase

from django.contrib.auth import get_user_model
from django.core.mail.backends.base import BaseEmailBackend

from .registry import get_purpose
from .rendering import Rendered, render
from .services import global_context, store_email
from .template_cache import saved_template

PURPOSE_HEADER = "X-MPT-Purpose"
FIRST_LINK = re.compile(r"https?://\S+")


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
    """The message re-rendered from staff's template for its purpose, if they edited one."""
    spec = get_purpose(purpose_key)
    saved = saved_template(purpose_key) if spec else None
    if not saved:
        return rendered
    subject, body, send_html = saved
    address = (message.to or [""])[0]
    user = get_user_model()._default_manager.filter(email__iexact=address).first()
    link = FIRST_LINK.search(message.body)
    context = {
        **global_context(),
        "name": user.get_short_name() if user else address,
        "link": link.group(0) if link else "",
    }
    return render(subject=subject, body=body, context=context, purpose=spec, send_html=send_html)


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
