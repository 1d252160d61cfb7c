"""Outbox use cases: queue a mail, steer staged and failed mail, edit templates.

`queue_email` is how every app sends mail, except accounts, which knows no
other app and sends through Django's mail API into the same outbox
(`notifications.backends`). Delivery itself lives in `notifications.delivery`,
reminders in `notifications.reminder_engine`.

Permission: `queue_email` checks none. It is called by apps' services, which
have already decided that the mail goes (the decision is theirs, not the
outbox's). The staff actions on mail and templates take `by`, keyword-only
with no default, and check it here: releasing, editing, retrying and
discarding a mail need `permissions.can_steer_email` (outbox staff, or whom
the mail's purpose names: admissions admins for decision mails); saving and
resetting a template need `permissions.can_manage_outbox`. Others get
PermissionDenied and nothing changes; `core.access.SYSTEM` may do all of it.
"""

import base64
import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connections, transaction
from django.db.models import Case, Q, Subquery, Value, When
from django.db.models.constants import OnConflict
from django.utils import timezone

from core.access import acting_user, check

from .models import EmailTemplate, OutboundEmail, OutboundEmailObject
from .permissions import can_manage_outbox, can_steer_email
from .registry import get_purpose
from .rendering import Rendered, check_placeholders, render
from .template_cache import saved_template

logger = logging.getLogger(__name__)
State = OutboundEmail.State


class UnknownPurpose(LookupError):
    """No app registered this purpose (see notifications.registry.register_purpose)."""


class InvalidTransition(Exception):
    """The mail is not in a state that allows this (already sent, say)."""


def global_context():
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "support_email": settings.SUPPORT_EMAIL,
    }


def template_for(purpose):
    """(subject, body, send_html) staff saved for a purpose, else the registered default.

    Read through the cache (notifications.template_cache): no query per mail.
    """
    saved = saved_template(purpose.key)
    if saved:
        return saved
    return purpose.subject, purpose.body, purpose.html


def placeholders_check(*, purpose, context):
    """Raise ValueError unless `context` gives every placeholder `purpose` declares."""
    missing = set(purpose.placeholders) - set(context)
    if missing:
        raise ValueError(f"mail for {purpose.key!r}: context lacks {sorted(missing)}")


def email_render(*, purpose, context) -> Rendered:
    """A purpose's mail (staff's template, else the default) rendered with `context` and the site's values.

    Every mail is rendered here: `queue_email`'s, and the account mails the
    outbox backend receives once staff have edited their template.
    """
    placeholders_check(purpose=purpose, context=context)
    subject, body, send_html = template_for(purpose)
    return render(
        subject=subject, body=body, context={**global_context(), **context}, purpose=purpose, send_html=send_html
    )


def queue_email(
    *,
    purpose: str,
    to: Sequence[Any],
    context: Mapping[str, Any],
    idempotency_key: str,
    subject_objects: Iterable[Any] = (),
    reply_to: Sequence[str] | None = None,
    cc: Sequence[str] = (),
    attachments: Iterable[tuple[str, bytes | str, str]] = (),
    send_after: datetime | None = None,
    staged: bool | None = None,
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> OutboundEmail:
    """Render the purpose's template now and store the mail in the caller's transaction.

    `to` holds addresses or users (anything with `.email`); send one mail per
    person, the first recipient's account is linked for /accounts/emails/.
    `context` must give every placeholder the purpose declares. `attachments`
    are (filename, content, mimetype). `staged=None` follows the purpose
    (decisions are staged for staff review).

    Side effects: one OutboundEmail row (and a row per subject object); when
    queued and due, a delivery task is dispatched after the transaction
    commits. A second call with the same idempotency key changes nothing and
    returns the first mail.
    """
    spec = get_purpose(purpose)
    if spec is None:
        raise UnknownPurpose(purpose)
    rendered = email_render(purpose=spec, context=context)
    return store_email(
        purpose=purpose,
        rendered=rendered,
        to=to,
        idempotency_key=idempotency_key,
        subject_objects=subject_objects,
        reply_to=reply_to,
        cc=cc,
        attachments=[_encode_attachment(*a) for a in attachments],
        send_after=send_after,
        staged=spec.staged_by_default if staged is None else staged,
        from_email=from_email,
        headers=headers,
    )


def _encode_attachment(filename, content, mimetype):
    raw = content.encode() if isinstance(content, str) else bytes(content)
    return {"filename": filename, "mimetype": mimetype, "content": base64.b64encode(raw).decode()}


def _addresses(to):
    """(addresses, recipient): the first User in `to`, else a subquery finding the
    account with the first address, evaluated inside the INSERT (no round trip)."""
    user_model = get_user_model()
    addresses, recipient = [], None
    for item in to:
        if isinstance(item, str):
            addresses.append(item)
        else:
            addresses.append(item.email)
            if recipient is None and isinstance(item, user_model):
                recipient = item
    if not addresses:
        raise ValueError("a mail needs at least one recipient")
    if recipient is None:
        recipient = Subquery(user_model._default_manager.filter(email__iexact=addresses[0]).values("pk")[:1])
    return addresses, recipient


def store_email(
    *,
    purpose,
    rendered: Rendered,
    to,
    idempotency_key,
    subject_objects=(),
    reply_to=None,
    cc=(),
    bcc=(),
    attachments=(),
    send_after=None,
    staged=False,
    from_email=None,
    headers=None,
) -> OutboundEmail:
    """Write an already rendered mail to the outbox (queue_email and the mail backend use it)."""
    addresses, recipient = _addresses(to)
    looked_up = isinstance(recipient, Subquery)
    now = timezone.now()
    email = OutboundEmail(
        idempotency_key=idempotency_key,
        message_id=OutboundEmail.message_id_for(idempotency_key),
        purpose=purpose,
        state=State.STAGED if staged else State.QUEUED,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=addresses,
        cc=list(cc),
        bcc=list(bcc),
        reply_to=list(reply_to or []),
        headers=dict(headers or {}),
        subject=rendered.subject,
        body_text=rendered.body_text,
        body_html=rendered.body_html,
        attachments=list(attachments),
        recipient=None if looked_up else recipient,
        send_after=send_after,
        queued_at=None if staged else now,
        # Stamped now, cleared again if the broker refuses the task: null means
        # "the sweeper must dispatch it", and the request saves an UPDATE.
        dispatched_at=now if not staged and (send_after is None or send_after <= now) else None,
    )
    if looked_up:
        email.recipient_id = recipient
    if not _insert_once(email):
        existing = OutboundEmail.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:  # the conflict was not on the key: impossible unless the schema changed
            raise IntegrityError(f"outbox row for {idempotency_key!r} was neither inserted nor found")
        return existing
    if looked_up and isinstance(email.__dict__.get("recipient_id"), Subquery):
        # The account was found inside the INSERT: load it only if someone asks.
        del email.__dict__["recipient_id"]
    objects = [
        OutboundEmailObject(
            email=email,
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
            label=str(obj)[:255],
        )
        for obj in subject_objects
    ]
    if objects:
        OutboundEmailObject.objects.bulk_create(objects, ignore_conflicts=True)
    if email.dispatched_at is not None:
        dispatch_on_commit([email.pk])
    return email


def _insert_once(email):
    """INSERT the row unless its idempotency key exists; True if it was inserted.

    One statement, `INSERT … ON CONFLICT DO NOTHING RETURNING id`, where the
    database can (PostgreSQL, SQLite ≥ 3.35): no savepoint round trips to
    survive a duplicate key, and the caller's transaction is never aborted.
    Elsewhere a savepoint catches the IntegrityError. The only unique columns
    are the key and the Message-ID made from it, so a conflict means "this
    mail was queued before".
    """
    connection = connections[OutboundEmail.objects.db]
    if not _can_insert_returning(connection):
        return _insert_in_savepoint(email, connection)
    meta = OutboundEmail._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
    # Model.save() writes through this same manager method; on_conflict makes it INSERT … ON CONFLICT DO NOTHING.
    rows = OutboundEmail._base_manager._insert(
        [email], fields=fields, returning_fields=[meta.pk], on_conflict=OnConflict.IGNORE
    )
    if not rows or rows[0] is None:
        return False
    email.pk = rows[0][0]
    email._state.adding = False
    email._state.db = connection.alias
    return True


def _can_insert_returning(connection):
    return connection.features.can_return_columns_from_insert


def _insert_in_savepoint(email, connection):
    if isinstance(email.recipient_id, Subquery):  # look the account up first: save() wants a value
        row = email.recipient_id.query.get_compiler(connection=connection).execute_sql("single")
        email.recipient_id = row[0] if row else None
    try:
        with transaction.atomic(using=connection.alias):
            email.save(using=connection.alias)
    except IntegrityError:
        return False
    return True


def dispatch_on_commit(ids):
    ids = list(ids)
    transaction.on_commit(lambda: dispatch(ids))


def dispatch(ids):
    ids = list(ids)
    """Hand delivery tasks to the broker; rows it cannot take wait for the sweeper.

    Never raises for a broker outage: the event that queued the mail has
    already committed and must still succeed.
    """
    from kombu.exceptions import OperationalError

    from .delivery import delivers_in_process
    from .tasks import deliver_email

    if delivers_in_process():
        for pk in ids:
            deliver_email.apply((pk,), throw=True)
        return len(ids)
    handed = 0
    for pk in ids:
        try:
            deliver_email.apply_async((pk,), retry=False)
        except (OperationalError, OSError) as error:
            logger.warning("broker unavailable, %d mail(s) left for the sweeper: %s", len(ids) - handed, error)
            OutboundEmail.objects.filter(pk__in=ids[handed:]).update(dispatched_at=None)
            break
        handed += 1
    return handed


# --- Staff actions on mail ---------------------------------------------------


def email_release(*, email: OutboundEmail, by) -> OutboundEmail:
    """Release one staged mail. Side effects: it becomes queued; delivery is dispatched on commit."""
    if email_bulk_release(ids=[email.pk], by=by) != 1:
        raise InvalidTransition("only a staged mail can be released")
    email.refresh_from_db()
    return email


def email_bulk_release(*, ids: Iterable[int], by) -> int:
    """Release the staged mails among `ids`; returns how many. Others are left alone.

    PermissionDenied (nothing released) if `by` may not steer every one of them.
    """
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboundEmail.objects.select_for_update()
            .filter(pk__in=list(ids), state=State.STAGED)
            .values_list("pk", "purpose")
        )
        for purpose in sorted({purpose for _pk, purpose in rows}):
            check(by, can_steer_email, purpose, message="You may not release these emails.")
        pks = [pk for pk, _purpose in rows]
        due_now = Q(send_after__isnull=True) | Q(send_after__lte=now)
        count = OutboundEmail.objects.filter(pk__in=pks, state=State.STAGED).update(
            state=State.QUEUED,
            queued_at=now,
            released_by=acting_user(by),
            updated_at=now,
            # Scheduled mail is left for the sweeper to dispatch when it comes due.
            dispatched_at=Case(When(due_now, then=Value(now)), default=None),
        )
        dispatch_on_commit(OutboundEmail.objects.filter(due_now, pk__in=pks).values_list("pk", flat=True))
    return count


def email_discard(*, email: OutboundEmail, by) -> OutboundEmail:
    """Discard a staged, queued or failed mail: it will never be sent. Kept for the record."""
    check(by, can_steer_email, email.purpose, message="You may not discard this email.")
    now = timezone.now()
    changed = OutboundEmail.objects.filter(pk=email.pk, state__in=[State.STAGED, State.QUEUED, State.FAILED]).update(
        state=State.DISCARDED, edited_by=acting_user(by), updated_at=now
    )
    if not changed:
        raise InvalidTransition("this mail can no longer be discarded")
    email.refresh_from_db()
    return email


def email_retry(*, email: OutboundEmail, by) -> OutboundEmail:
    """Send a failed mail again. Side effects: queued with a fresh attempt count; dispatched on commit."""
    check(by, can_steer_email, email.purpose, message="You may not send this email again.")
    now = timezone.now()
    with transaction.atomic():
        changed = OutboundEmail.objects.filter(pk=email.pk, state=State.FAILED).update(
            state=State.QUEUED,
            attempts=0,
            send_after=None,
            queued_at=now,
            dispatched_at=now,
            failed_at=None,
            released_by=acting_user(by),
            updated_at=now,
        )
        if not changed:
            raise InvalidTransition("only a failed mail can be retried")
        dispatch_on_commit([email.pk])
    email.refresh_from_db()
    return email


def email_edit(*, email: OutboundEmail, by, to: list[str], subject: str, body_text: str) -> OutboundEmail:
    """Change a staged or failed mail before it goes.

    An edited text goes as plain text only: the HTML version was built from the
    old text. Side effect: the recipient account is looked up again by address.
    """
    check(by, can_steer_email, email.purpose, message="You may not edit this email.")
    with transaction.atomic():
        locked = OutboundEmail.objects.select_for_update().get(pk=email.pk)
        if locked.state not in (State.STAGED, State.FAILED):
            raise InvalidTransition("only a staged or failed mail can be edited")
        fields = ["to", "subject", "edited_by", "updated_at", "recipient"]
        if body_text != locked.body_text:
            locked.body_text = body_text
            locked.body_html = ""
            fields += ["body_text", "body_html"]
        locked.to = list(to)
        locked.subject = " ".join(subject.split())
        locked.edited_by = acting_user(by)
        locked.recipient = get_user_model()._default_manager.filter(email__iexact=to[0]).first()
        locked.save(update_fields=fields)
    return locked


# --- Templates ----------------------------------------------------------------


def template_save(*, purpose: str, subject: str, body: str, send_html: bool, by) -> EmailTemplate:
    """Save staff's version of a purpose's template. Refuses unknown placeholders."""
    check(by, can_manage_outbox, message="Only outbox staff edit email templates.")
    spec = get_purpose(purpose)
    if spec is None:
        raise UnknownPurpose(purpose)
    unknown = check_placeholders(subject, spec) + check_placeholders(body, spec)
    if unknown:
        raise ValueError(f"unknown placeholders: {sorted(set(unknown))}")
    row, _ = EmailTemplate.objects.update_or_create(
        purpose=purpose,
        defaults={"subject": subject, "body": body, "send_html": send_html, "updated_by": acting_user(by)},
    )
    return row


def template_reset(*, purpose: str, by) -> None:
    """Go back to the registered default text."""
    check(by, can_manage_outbox, message="Only outbox staff edit email templates.")
    EmailTemplate.objects.filter(purpose=purpose).delete()


def template_preview(*, purpose: str, subject: str, body: str, send_html: bool) -> Rendered:
    """Render texts with the purpose's sample data, as a mail would look."""
    spec = get_purpose(purpose)
    if spec is None:
        raise UnknownPurpose(purpose)
    return render(
        subject=subject,
        body=body,
        context={**global_context(), **spec.sample_context},
        purpose=spec,
        send_html=send_html,
    )
