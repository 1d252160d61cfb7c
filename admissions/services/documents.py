"""Documents attached to an application: the applicant's uploads and evidence
for offer conditions, and the audit of every time staff open one."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import (
    Application,
    ApplicationDocument,
    DocumentAccess,
    DocumentKind,
    Offer,
    OfferCondition,
)
from ..pdf import clean_pdf, is_clean
from ..selectors import setup_of
from ._common import ApplicationLocked, OfferClosed, _require_owner


def document_add(*, application, kind, file, by, question=None, condition=None):
    """Attach a checked PDF to an application.

    Applicant documents (CV, transcript, portfolio, answers) only while a draft,
    and a new one replaces the old of the same kind. Evidence for an offer
    condition while the offer stands. Side effects: the file is written to
    private storage; a replaced file is deleted after commit.
    """
    _require_owner(by, application)
    if kind == DocumentKind.EVIDENCE:
        if condition is None or condition.offer.application_id != application.pk:
            raise PermissionDenied
        if condition.offer.state not in (Offer.State.PENDING, Offer.State.ACCEPTED):
            raise OfferClosed()
    elif kind in (DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO, DocumentKind.ANSWER):
        if application.state != Application.State.DRAFT:
            raise ApplicationLocked()
        if question is not None and question.intake_id != application.intake_id:
            raise PermissionDenied
    else:
        raise PermissionDenied
    file = file if is_clean(file) else clean_pdf(file)
    sha256 = file.sha256
    with transaction.atomic():
        replaced = []
        if kind != DocumentKind.EVIDENCE:
            replaced = list(
                ApplicationDocument.objects.filter(application=application, kind=kind, question=question)
            )
        document = ApplicationDocument(
            application=application,
            kind=kind,
            original_name=(file.name or "document.pdf")[-255:],
            size=file.size,
            sha256=sha256,
            uploaded_by=by,
            question=question,
            condition=condition,
        )
        document.file.save("upload.pdf", file, save=False)
        document.save()
        names = [old.file.name for old in replaced]
        ApplicationDocument.objects.filter(pk__in=[old.pk for old in replaced]).delete()
        _delete_files_on_commit(names)
    return document


def _delete_files_on_commit(names):
    from ..storage import private_storage

    def delete():
        for name in names:
            private_storage.delete(name)

    if names:
        transaction.on_commit(delete)


def document_delete(*, document, by):
    """Remove an applicant's own document from a draft. Side effect: the file goes after commit."""
    application = document.application
    _require_owner(by, application)
    if document.kind == DocumentKind.EVIDENCE:
        if document.condition.status != OfferCondition.Status.OUTSTANDING:
            raise OfferClosed("This condition has been decided, so its evidence stays.")
    elif application.state != Application.State.DRAFT:
        raise ApplicationLocked()
    elif document.kind not in permissions.APPLICANT_DOCUMENT_KINDS:
        raise PermissionDenied
    with transaction.atomic():
        name = document.file.name
        document.delete()
        _delete_files_on_commit([name])


def document_open(*, document, by, now=None):
    """Record that staff opened an application's document. Reviewers may open
    documents of applications assigned to them (never references in blind mode);
    admins any. Side effect: a DocumentAccess row."""
    application = document.application
    if not permissions.can_view_application_as_staff(by, application):
        raise PermissionDenied
    if not permissions.can_manage_reviews(by):

        setup = setup_of(application.intake)
        if document.kind == DocumentKind.REFERENCE and setup.blind:
            raise PermissionDenied
        if document.kind == DocumentKind.EVIDENCE:
            raise PermissionDenied
    return DocumentAccess.objects.create(
        application=application, document=document, document_label=str(document)[:300], user=by,
        at=now or timezone.now(),
    )
