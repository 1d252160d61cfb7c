"""The reminder engine: asks each registered source what is due, queues each reminder once.

Once means once per (source, object, offset), enforced by a unique row
(`SentReminder`) written in the same transaction as the mail: a second run, or
two runs at the same moment, find the row (or hit the constraint) and skip.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import SentReminder
from .registry import all_reminder_sources
from .services import queue_email

logger = logging.getLogger(__name__)


def object_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}"


def reminders_run(*, now=None) -> int:
    """Queue every reminder that is due and not yet sent; returns how many were queued.

    A reminder is due when now has passed `due_at - offset`, by no more than
    the source's grace period.
    """
    now = now or timezone.now()
    queued = 0
    for source in all_reminder_sources():
        for offset in source.offsets:
            window_end = now + offset
            for obj, _due_at in source.due_between(window_end - source.grace, window_end):
                if reminder_queue(source=source, obj=obj, offset=offset):
                    queued += 1
    return queued


def reminder_queue(*, source, obj, offset) -> bool:
    """Queue one reminder unless it already went. Side effects: a SentReminder row and a mail."""
    key = object_key(obj)
    seconds = int(offset.total_seconds())
    lookup = {"source": source.key, "object_key": key, "offset_seconds": seconds}
    with transaction.atomic():
        if SentReminder.objects.filter(**lookup).exists():
            return False
        message = source.message(obj, offset)
        if message is None:
            return False
        try:
            with transaction.atomic():
                reminder = SentReminder.objects.create(**lookup)
        except IntegrityError:
            # Another run got here first; it queues the mail.
            return False
        email = queue_email(
            purpose=source.purpose,
            to=message.to,
            context=message.context,
            idempotency_key=f"reminder:{source.key}:{key}:{seconds}",
            subject_objects=[obj, *message.subject_objects],
            reply_to=message.reply_to,
            attachments=message.attachments,
        )
        reminder.email = email
        reminder.save(update_fields=["email"])
    return True
