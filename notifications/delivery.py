"""Delivery: claim a queued mail so no two workers send it, send it, record the outcome.

At-least-once with a stable Message-ID: a worker killed after the SMTP server
accepted a mail but before the row says "sent" leaves it in "sending"; the
sweeper queues it again and the resend carries the same Message-ID, so a
receiving system (and a person) can tell it is the same mail. That instant
(the server's "accepted" to our COMMIT, before QUIT) is the only way a mail
goes twice: a worker that is alive, however slow its server, keeps its row
locked and the sweeper leaves it alone.
"""

import base64
import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboundEmail

logger = logging.getLogger(__name__)
State = OutboundEmail.State
OUTBOX_BACKEND = "notifications.backends.OutboxBackend"


def _setting(name, default):
    return getattr(settings, name, default)


def max_attempts():
    return _setting("MPT_OUTBOX_MAX_ATTEMPTS", 8)


def retry_delay(attempts):
    """Seconds before attempt `attempts + 1`: doubling from the base, capped."""
    base = _setting("MPT_OUTBOX_RETRY_BASE_SECONDS", 30)
    cap = _setting("MPT_OUTBOX_RETRY_MAX_SECONDS", 3600)
    return min(base * 2 ** max(attempts - 1, 0), cap)


def delivery_backend():
    """The transport that really sends.

    EMAIL_BACKEND is normally the outbox itself, and the transport is
    MPT_DELIVERY_EMAIL_BACKEND (SMTP from EMAIL_URL, console when unset). When
    something replaced EMAIL_BACKEND (pytest-django's locmem), delivery uses
    that instead, so tests read delivered mail from django.core.mail.outbox.
    """
    if settings.EMAIL_BACKEND != OUTBOX_BACKEND:
        return settings.EMAIL_BACKEND
    return settings.MPT_DELIVERY_EMAIL_BACKEND


LOCMEM_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def delivers_in_process():
    """Deliver in this process rather than through the broker?

    With no broker (development), yes. With the locmem transport (tests), yes
    too, broker or not: locmem keeps mail in this process's memory
    (django.core.mail.outbox), where a worker elsewhere could never put it.
    """
    from .tasks import deliver_email

    return deliver_email.app.conf.task_always_eager or delivery_backend() == LOCMEM_BACKEND


@dataclass(frozen=True)
class Outcome:
    state: str  # sent, failed, retry, skipped
    retry_in: int | None = None
    error: str = ""


def claim(pk, now):
    """Move one due mail from queued to sending; None if someone else has it or it is not due."""
    # A second's slack: a retry task's countdown may fire a hair before send_after.
    due = OutboundEmail.objects.due(now + timedelta(seconds=1)).filter(pk=pk)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            email = due.select_for_update(skip_locked=True).first()
            if email is None:
                return None
            email.state = State.SENDING
            email.claimed_at = now
            email.attempts += 1
            email.save(update_fields=["state", "claimed_at", "attempts", "updated_at"])
            return email
    # SQLite has no row locks: a conditional UPDATE lets exactly one claimant win.
    if not due.update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now):
        return None
    return OutboundEmail.objects.get(pk=pk)


def build_message(email, connection=None):
    headers = {**email.headers, "Message-ID": email.message_id, "X-MPT-Purpose": email.purpose}
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        bcc=email.bcc,
        reply_to=email.reply_to,
        headers=headers,
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for item in email.attachments:
        message.attach(item["filename"], base64.b64decode(item["content"]), item["mimetype"])
    return message


def classify(error):
    """(permanent, answer): 5xx answers are permanent; refusals, timeouts and 4xx are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = {addr: (code, msg) for addr, (code, msg) in error.recipients.items()}
        text = "; ".join(f"{addr}: {code} {_text(msg)}" for addr, (code, msg) in answers.items())
        return all(code >= 500 for code, _ in answers.values()), text
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Our credentials, not this mail: retry, and let staff see the answer.
        return False, f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500, f"{error.smtp_code} {_text(error.smtp_error)}"
    return False, f"{error.__class__.__name__}: {error}"


def _text(value):
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)


def holds_row_locks():
    """Can a worker hold its mail's row lock while it talks to the server? (PostgreSQL, not SQLite.)"""
    return connection.features.has_select_for_update_skip_locked


def email_deliver(*, email_id) -> Outcome:
    """Send one queued mail if it is due and nobody else is sending it.

    On PostgreSQL the worker holds the row's lock from just after the claim
    until the outcome is committed; the lock goes with the worker's database
    connection, so the sweeper (which skips locked rows) can take back only a
    mail whose worker has died, never one whose server is merely slow.

    Side effects: the row goes to sent; or back to queued with a later
    send-after and a retry task dispatched on commit (temporary failure); or
    to failed with the server's answer (permanent failure, or attempts used up).
    """
    now = timezone.now()
    email = claim(email_id, now)
    if email is None:
        return Outcome("skipped")
    conn = get_connection(delivery_backend(), fail_silently=False)
    try:
        with transaction.atomic():
            if holds_row_locks() and not _hold(email):
                return Outcome("skipped")  # the sweeper took it back: another worker sends it
            try:
                # Opened here, so send() leaves it open and "sent" is committed before QUIT:
                # the less time between the server's "accepted" and our record, the better.
                conn.open()
                build_message(email, conn).send()
            except Exception as error:
                permanent, answer = classify(error)
                return _record_failure(email, permanent=permanent, answer=answer)
            OutboundEmail.objects.filter(
                pk=email.pk, claimed_at=email.claimed_at, state__in=[State.SENDING, State.QUEUED]
            ).update(state=State.SENT, sent_at=timezone.now(), last_error="", send_after=None)
            return Outcome("sent")
    finally:
        _close(conn)


def _hold(email):
    """Lock this worker's claimed row for the rest of its delivery; False if it is no longer ours."""
    mine = OutboundEmail.objects.select_for_update(skip_locked=True).filter(
        pk=email.pk, state=State.SENDING, claimed_at=email.claimed_at
    )
    return bool(list(mine.values_list("pk", flat=True)))


def _close(conn):
    try:
        conn.close()
    except Exception:  # the outcome is recorded; a failed QUIT changes nothing
        logger.info("closing the mail connection failed", exc_info=True)


def _record_failure(email, *, permanent, answer):
    now = timezone.now()
    mine = OutboundEmail.objects.filter(pk=email.pk, state=State.SENDING, claimed_at=email.claimed_at)
    if permanent or email.attempts >= max_attempts():
        mine.update(state=State.FAILED, failed_at=now, last_error=answer, updated_at=now)
        logger.warning("mail %s failed for good after %d attempt(s): %s", email.pk, email.attempts, answer)
        return Outcome("failed", error=answer)
    delay = retry_delay(email.attempts)
    mine.update(
        state=State.QUEUED,
        send_after=now + timedelta(seconds=delay),
        last_error=answer,
        dispatched_at=now,
        updated_at=now,
    )
    if not delivers_in_process():
        # After commit: a retry task that ran first would find the row still "sending".
        transaction.on_commit(lambda: _dispatch_retry(email.pk, delay))
    return Outcome("retry", retry_in=delay, error=answer)


def _dispatch_retry(pk, delay):
    from .tasks import deliver_email

    try:
        deliver_email.apply_async((pk,), countdown=delay, retry=False)
    except Exception:  # broker down: the sweeper dispatches it when it is due
        OutboundEmail.objects.filter(pk=pk).update(dispatched_at=None)


def outbox_sweep(*, now=None, limit=1000) -> dict:
    """The periodic job: requeue mail stuck in sending, dispatch due mail nobody dispatched.

    "Stuck" is claimed more than MPT_OUTBOX_STUCK_AFTER seconds ago and, on
    PostgreSQL, no longer locked by a worker (its worker died: the lock went
    with its connection). "Nobody dispatched" covers scheduled mail coming
    due, a broker outage at queue time or at a retry, and a task lost with
    its worker.

    Side effects: stuck rows go back to queued (their last error says why);
    due rows get dispatched_at and a delivery task each.
    """
    from .services import dispatch

    now = now or timezone.now()
    stuck_after = timedelta(seconds=_setting("MPT_OUTBOX_STUCK_AFTER", 60))
    grace = timedelta(seconds=_setting("MPT_OUTBOX_DISPATCH_GRACE", 30))
    redispatch_after = timedelta(seconds=_setting("MPT_OUTBOX_REDISPATCH_AFTER", 600))
    stuck = OutboundEmail.objects.filter(state=State.SENDING, claimed_at__lt=now - stuck_after)
    with transaction.atomic():
        if holds_row_locks():
            stuck = stuck.select_for_update(skip_locked=True)
        stuck_ids = list(stuck.values_list("pk", flat=True)[:limit])
        requeued = OutboundEmail.objects.filter(pk__in=stuck_ids).update(
            state=State.QUEUED,
            dispatched_at=None,
            send_after=None,
            last_error="Requeued: the worker sending it stopped before reporting back.",
            updated_at=now,
        )
    ids = list(
        OutboundEmail.objects.due(now)
        .filter(
            Q(pk__in=stuck_ids)
            | Q(dispatched_at__isnull=True, queued_at__lte=now - grace)
            | Q(dispatched_at__isnull=True, send_after__isnull=False)
            | Q(dispatched_at__lt=now - redispatch_after)
        )
        .order_by("queued_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        OutboundEmail.objects.filter(pk__in=ids).update(dispatched_at=now)
    dispatched = dispatch(ids) if ids else 0
    return {"requeued": requeued, "due": len(ids), "dispatched": dispatched}
