"""The outbox: email templates, every outgoing mail as a row, and reminders sent.

An `OutboundEmail` is rendered and frozen when it is queued, in the transaction
of the event that caused it, so what staff see is exactly what leaves. Its
state moves staged → queued → sending → sent, or to failed (the server's answer
kept in `last_error`) or discarded; `notifications.services` owns every move.
"""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse


class EmailTemplate(models.Model):
    """Staff's version of one purpose's mail. Without a row the purpose's default applies."""

    purpose = models.CharField(max_length=64, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text. Placeholders in braces, e.g. {name}.")
    send_html = models.BooleanField(
        "Also send a formatted (HTML) version",
        default=True,
        help_text="Built from the text: **bold**, [links](https://…) and lists become formatting.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["purpose"]

    def __str__(self):
        return self.purpose

    def get_absolute_url(self):
        return reverse("notifications:template-edit", args=[self.purpose])


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now):
        """Queued and not held back by a send-after time."""
        return self.filter(state=OutboundEmail.State.QUEUED).filter(Q(send_after__isnull=True) | Q(send_after__lte=now))

    def visible_to_recipient(self, user):
        """What a person sees of their own mail: never staged or discarded rows."""
        return self.filter(recipient=user).exclude(
            state__in=[OutboundEmail.State.STAGED, OutboundEmail.State.DISCARDED]
        )


class EmailState(models.TextChoices):
    STAGED = "staged", "Staged for review"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


STATES = [state.value for state in EmailState]


class OutboundEmail(models.Model):
    State = EmailState

    idempotency_key = models.CharField(max_length=255, unique=True)
    purpose = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)

    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename", "mimetype", "content" (base64)}]; small files such as an .ics.
    attachments = models.JSONField(default=list, blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    # The account the mail went to, when one had the address at queue time:
    # /accounts/emails/ lists a person's mail by this, never by address.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="received_emails",
    )

    send_after = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    # When it became queued (creation, or release from staged): the age the
    # outbox warning and the latency figures measure.
    queued_at = models.DateTimeField(null=True, blank=True)
    # When a delivery task was last handed to the broker; null = never (broker down).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "send_after"], name="notif_email_state_due"),
            models.Index(fields=["state", "created_at"], name="notif_email_state_created"),
            models.Index(fields=["recipient", "created_at"], name="notif_email_recipient"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=STATES), name="notif_email_state_valid"),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="notif_email_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    def get_absolute_url(self):
        return reverse("notifications:outbox-detail", args=[self.pk])

    @property
    def can_be_edited(self):
        """Staged or failed: staff may still change it before it goes (services.email_edit)."""
        return self.state in (EmailState.STAGED, EmailState.FAILED)

    @property
    def can_be_discarded(self):
        """Not sent, sending or discarded yet: staff may still stop it (services.email_discard)."""
        return self.state in (EmailState.STAGED, EmailState.QUEUED, EmailState.FAILED)

    @property
    def last_error_stands(self):
        """The last attempt's error still matters: a retry is waiting, or delivery failed."""
        return bool(self.last_error) and self.state in (EmailState.QUEUED, EmailState.FAILED)

    @staticmethod
    def message_id_for(idempotency_key):
        """A stable Message-ID from the key: a resend after a crash is the same mail."""
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        domain = getattr(settings, "MPT_MESSAGE_ID_DOMAIN", "mpt.invalid")
        return f"<{digest}@{domain}>"


class OutboundEmailObject(models.Model):
    """One object a mail concerns (an application, a session), found by type and id."""

    email = models.ForeignKey(OutboundEmail, on_delete=models.CASCADE, related_name="about")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    label = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id"], name="notif_obj_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["email", "content_type", "object_id"], name="notif_obj_once_per_email")
        ]

    def __str__(self):
        return self.label or f"{self.content_type_id}:{self.object_id}"


class SentReminder(models.Model):
    """One reminder queued: unique per source, object and offset, so it goes once only."""

    source = models.CharField(max_length=100)
    object_key = models.CharField(max_length=100)
    offset_seconds = models.IntegerField()
    email = models.ForeignKey(OutboundEmail, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "object_key", "offset_seconds"], name="notif_reminder_once")
        ]

    def __str__(self):
        return f"{self.source} {self.object_key} {self.offset_seconds}s"
