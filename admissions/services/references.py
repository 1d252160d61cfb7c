"""References: the signed, single-use link a referee answers through, and the
reference they send with it."""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from notifications.services import queue_email

from .. import mail
from ..models import (
    Application,
    ApplicationDocument,
    DocumentKind,
    Referee,
)
from ..pdf import clean_pdf, is_clean
from ._common import ReferenceLinkInvalid


def referee_request(*, referee, application, now=None):
    """Issue a fresh single-use link to a referee and mail it. Side effects: a new
    nonce (older links stop working), requested_at, one mail queued."""
    now = now or timezone.now()
    referee.token_nonce = secrets.token_hex(16)
    referee.requested_at = now
    referee.save(update_fields=["token_nonce", "requested_at"])
    queue_email(
        purpose="admissions.reference_request",
        to=[referee.email],
        context=_referee_context(referee, application),
        idempotency_key=f"admissions:reference-request:{referee.pk}:{referee.token_nonce}",
        subject_objects=[application],
        reply_to=None,
    )


def _referee_context(referee, application):
    valid_until = timezone.localtime(timezone.now() + timedelta(seconds=mail.reference_link_max_age()))
    return {
        "referee_name": referee.name,
        "applicant_name": application.display_name,
        "relationship": referee.relationship,
        "intake": application.intake.title,
        "link": mail.reference_url(referee),
        "link_valid_until": f"{valid_until:%A} {valid_until.day} {valid_until:%B %Y}",
    }


def referee_from_token(token):
    """The referee a link is for, if the link is genuine, in date and unused."""
    from django.core import signing

    try:
        referee_id, nonce = mail.read_reference_token(token)
    except signing.SignatureExpired as exc:
        raise ReferenceLinkInvalid("expired") from exc
    except signing.BadSignature as exc:
        raise ReferenceLinkInvalid("invalid") from exc
    referee = (
        Referee.objects.select_related("application__intake", "application__applicant")
        .filter(pk=referee_id)
        .first()
    )
    if referee is None:
        raise ReferenceLinkInvalid("invalid")
    if referee.received_at is not None:
        raise ReferenceLinkInvalid("used")
    if not nonce or referee.token_nonce != nonce:
        raise ReferenceLinkInvalid("invalid")
    if referee.application.state in (Application.State.WITHDRAWN, Application.State.DRAFT):
        raise ReferenceLinkInvalid("invalid")
    return referee


def reference_submit(*, token, text, file=None, now=None):
    """A referee's reference, through their link. Returns the referee.

    The link works once: the row is locked and its nonce cleared, so two
    submissions at once store one reference. Side effects: the text and/or a
    PDF (private storage) are stored; received_at is set.
    """
    now = now or timezone.now()
    referee = referee_from_token(token)
    with transaction.atomic():
        referee = Referee.objects.select_for_update().get(pk=referee.pk)
        if referee.received_at is not None:
            raise ReferenceLinkInvalid("used")
        _, nonce = mail.read_reference_token(token)
        if referee.token_nonce != nonce:
            raise ReferenceLinkInvalid("invalid")
        if file is not None:
            file = file if is_clean(file) else clean_pdf(file)
            sha256 = file.sha256
            document = ApplicationDocument(
                application_id=referee.application_id,
                kind=DocumentKind.REFERENCE,
                original_name=f"Reference from {referee.name}.pdf"[:255],
                size=file.size,
                sha256=sha256,
                referee=referee,
            )
            document.file.save("reference.pdf", file, save=False)
            document.save()
        referee.reference_text = text or ""
        referee.received_at = now
        referee.token_nonce = ""
        referee.save(update_fields=["reference_text", "received_at", "token_nonce"])
    return referee
