"""Reads the outbox pages need, with their joins done, so pages cost a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .models import EmailTemplate, OutboundEmail
from .permissions import can_see_email
from .registry import all_purposes, get_purpose

State = OutboundEmail.State
QUEUED_TOO_LONG = timedelta(minutes=10)


def purpose_label(key):
    purpose = get_purpose(key)
    if purpose is not None:
        return purpose.label
    return "System mail" if key == "system" else key


def outbox_list(*, state=None, purpose=None, q=None):
    emails = OutboundEmail.objects.only(
        "pk", "subject", "to", "purpose", "state", "created_at", "sent_at", "attempts", "send_after", "last_error"
    )
    if state:
        emails = emails.filter(state=state)
    if purpose:
        emails = emails.filter(purpose=purpose)
    if q:
        q = q.strip()
        emails = emails.filter(Q(subject__icontains=q) | Q(to__icontains=q) | Q(message_id=q) | Q(idempotency_key=q))
    return emails.order_by("-created_at", "-pk")


def outbox_counts():
    """Mails in each state, in one query."""
    return OutboundEmail.objects.aggregate(
        **{state.value: Count("pk", filter=Q(state=state)) for state in State}, all=Count("pk")
    )


@dataclass(frozen=True)
class OutboxHealth:
    stale_queued: int
    oldest_queued_minutes: int | None
    worker_age_seconds: float | None
    worker_checked: bool
    # settings.MPT_WORKER_SILENT_AFTER: heartbeats come every MPT_HEARTBEAT_SECONDS.
    worker_silent_after: float = 100
    # The heartbeat lives in the cache: with it down, nobody can tell.
    cache_down: bool = False

    @property
    def worker_silent(self):
        return self.worker_checked and (
            self.cache_down or self.worker_age_seconds is None or self.worker_age_seconds > self.worker_silent_after
        )

    @property
    def needs_warning(self):
        return self.stale_queued > 0 or self.worker_silent


def outbox_health(now=None):
    """Queued mail older than ten minutes, and whether a worker reported lately (MPT_WORKER_SILENT_AFTER)."""
    from core.health import cache_reachable, worker_heartbeat_age

    now = now or timezone.now()
    stale = OutboundEmail.objects.due(now).filter(queued_at__lt=now - QUEUED_TOO_LONG)
    summary = stale.aggregate(count=Count("pk"), oldest=Min("queued_at"))
    oldest = summary["oldest"]
    # Without a broker, mail goes in the request: there is no worker to miss.
    checked = bool(settings.CELERY_BROKER_URL)
    return OutboxHealth(
        stale_queued=summary["count"],
        oldest_queued_minutes=int((now - oldest).total_seconds() // 60) if oldest else None,
        worker_age_seconds=worker_heartbeat_age() if checked else None,
        worker_checked=checked,
        worker_silent_after=settings.MPT_WORKER_SILENT_AFTER,
        cache_down=checked and not cache_reachable(),
    )


def outbox_detail(pk):
    return get_object_or_404(
        OutboundEmail.objects.select_related("recipient", "released_by", "edited_by").prefetch_related(
            "about__content_type"
        ),
        pk=pk,
    )


def template_rows():
    """Every registered purpose with staff's saved template, if any (one query)."""
    saved = {row.purpose: row for row in EmailTemplate.objects.select_related("updated_by")}
    return [{"purpose": purpose, "saved": saved.get(purpose.key)} for purpose in all_purposes()]


def emails_for_user(user):
    return (
        OutboundEmail.objects.visible_to_recipient(user)
        .only("pk", "subject", "state", "created_at", "sent_at", "to")
        .order_by("-created_at", "-pk")
    )


def email_for_user(user, pk):
    """The mail if it is this person's to see, else 404."""
    email = get_object_or_404(OutboundEmail, pk=pk)
    if not can_see_email(user, email):
        raise Http404
    return email
