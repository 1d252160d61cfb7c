"""What other apps register with notifications: mail purposes and reminder sources.

notifications imports no other app. Each app calls `register_purpose(...)` in
its `mail.py` and `register_reminder_source(...)` in its `reminders.py`, from a
`register()` there that its `AppConfig.ready()` calls.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import TextChoices


class Kind(TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement"
    DECISION = "decision", "Decision"
    REQUEST = "request", "Request for action"
    REMINDER = "reminder", "Reminder"
    INFORMATION = "information", "Information"


# Every purpose may use these; queue_email fills them in.
GLOBAL_PLACEHOLDERS = {
    "site_name": "The name of the site",
    "site_url": "The address of the site",
    "support_email": "The address people can write to with questions",
}

ACTION_PREFIX = "Action needed: "


@dataclass(frozen=True)
class Purpose:
    """Why a mail is sent, and what its template may say.

    `placeholders` maps each name a template may use to a description shown to
    staff beside the editor; every caller of `queue_email` must supply them all.
    Kind DECISION mails are staged for a human look unless `staged` says
    otherwise. `asks_for_action` makes the subject start with "Action needed:".
    `steered_by`, a predicate on a user, names who besides outbox staff may
    release, edit, retry or discard this purpose's mail (admissions admins
    their decision mails); see notifications.permissions.can_steer_email.
    """

    key: str
    label: str
    placeholders: Mapping[str, str]
    sample_context: Mapping[str, Any]
    subject: str
    body: str
    kind: str = Kind.INFORMATION
    asks_for_action: bool = False
    staged: bool | None = None
    html: bool = True
    group: str = "General"
    steered_by: Callable[[Any], bool] | None = None

    @property
    def kind_label(self):
        return Kind(self.kind).label

    @property
    def staged_by_default(self):
        return self.kind == Kind.DECISION if self.staged is None else self.staged

    @property
    def all_placeholders(self):
        return {**self.placeholders, **GLOBAL_PLACEHOLDERS}


_purposes: dict[str, Purpose] = {}


class RegistryError(Exception):
    pass


def register_purpose(key, **options) -> Purpose:
    """Register (or re-register with identical options) a purpose; returns it."""
    purpose = Purpose(key=key, **options)
    missing = set(purpose.placeholders) - set(purpose.sample_context)
    if missing:
        raise RegistryError(f"purpose {key!r}: sample_context lacks {sorted(missing)}")
    existing = _purposes.get(key)
    if existing is not None and existing != purpose:
        raise RegistryError(f"purpose {key!r} is already registered differently")
    _purposes[key] = purpose
    # Checked here, not later, so the registering app's own tests catch it.
    from .rendering import check_placeholders

    for text in (purpose.subject, purpose.body):
        unknown = check_placeholders(text, purpose)
        if unknown:
            raise RegistryError(f"purpose {key!r}: unknown placeholders {unknown}")
    return purpose


def get_purpose(key) -> Purpose | None:
    return _purposes.get(key)


def all_purposes() -> list[Purpose]:
    return sorted(_purposes.values(), key=lambda p: (p.group, p.label))


# --- Reminders -------------------------------------------------------------


@dataclass(frozen=True)
class ReminderMessage:
    """What a source answers for one due object: who gets the reminder and its context."""

    to: list
    context: Mapping[str, Any]
    reply_to: list | None = None
    subject_objects: Iterable = ()
    # (filename, bytes, mimetype) triples, as queue_email takes them: an .ics, say.
    attachments: Iterable = ()


@dataclass(frozen=True)
class ReminderSource:
    """Something that has due dates people must be reminded of.

    `due_between(start, end)` yields `(obj, due_at)` for objects due in that
    window; `message(obj, offset)` returns a ReminderMessage, or None when no
    reminder is needed any more (the offer was answered). Each offset is how
    long before the due time the reminder goes (negative: after, for overdue).
    """

    key: str
    label: str
    purpose: str
    offsets: tuple[timedelta, ...]
    due_between: Callable[[datetime, datetime], Iterable[tuple[Any, datetime]]]
    message: Callable[[Any, timedelta], ReminderMessage | None]
    # A reminder whose moment passed longer ago than this is skipped (after an
    # outage, or when a source is first deployed), rather than sent late.
    grace: timedelta = field(default=timedelta(days=1))


_sources: dict[str, ReminderSource] = {}


def register_reminder_source(key, **options) -> ReminderSource:
    source = ReminderSource(key=key, **options)
    _sources[key] = source
    return source


def unregister_reminder_source(key):
    _sources.pop(key, None)


def all_reminder_sources() -> list[ReminderSource]:
    return list(_sources.values())
